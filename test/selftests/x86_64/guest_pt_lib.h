/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_pt_lib.h: what our nested selftests (vmx_mbec_test,
 * vmx_mbec_exits_test, svm_gmet_test) do to L1's own page tables, which
 * their L2s share: U/S decides whether a linear address is user-mode, and
 * CPL3 code reaches only user-mode addresses (Intel SDM 4.6, AMD APM 5.6).
 */
#ifndef GUEST_PT_LIB_H
#define GUEST_PT_LIB_H

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"

/**
 * guest_set_user - make a linear address user-mode in L1's page tables
 * @vm: the VM
 * @gva: the address, mapped with 4 KiB pages
 * @user: the leaf's U/S; the upper levels always get U/S = 1
 */
static inline void guest_set_user(struct kvm_vm *vm, u64 gva, bool user)
{
	u64 *pt = addr_gpa2hva(vm, vm->pgd), *e;
	int l;

	for (l = PG_LEVEL_512G; l >= PG_LEVEL_4K; l--) {
		e = &pt[(gva >> PG_LEVEL_SHIFT(l)) & 0x1ff];
		TEST_ASSERT(*e & PTE_PRESENT_MASK, "0x%lx not mapped", gva);
		if (l > PG_LEVEL_4K || user)
			*e |= PTE_USER_MASK;
		else
			*e &= ~PTE_USER_MASK;
		pt = addr_gpa2hva(vm, *e & PHYSICAL_PAGE_MASK);
	}
}

#endif /* GUEST_PT_LIB_H */
