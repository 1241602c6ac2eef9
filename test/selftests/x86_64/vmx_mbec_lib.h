/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_mbec_lib.h: what the MBEC selftests share: the bits of mode-based
 * execute control (Intel SDM vol. 3C, 29.3.3.2 and Table 28-7), EPT leaves
 * with XS/XU built by hand (the library's EPT helpers know nothing of XU);
 * U/S in L1's page tables is in guest_pt_lib.h.
 */
#ifndef VMX_MBEC_LIB_H
#define VMX_MBEC_LIB_H

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "vmx.h"
#include "guest_pt_lib.h"

#define SECONDARY_EXEC_MODE_BASED_EPT_EXEC	BIT(22)
#define VMX_EPT_VPID_CAP_ADVANCED_INFO		BIT_ULL(22)

#define EPT_R		BIT_ULL(0)
#define EPT_W		BIT_ULL(1)
#define EPT_XS		BIT_ULL(2)
#define EPT_WB		(6ULL << 3)
#define EPT_LARGE	BIT_ULL(7)
#define EPT_A		BIT_ULL(8)
#define EPT_D		BIT_ULL(9)
#define EPT_XU		BIT_ULL(10)
#define EPT_PERMS	(EPT_R | EPT_W | EPT_XS | EPT_XU)

#define QUAL_READ	BIT_ULL(0)
#define QUAL_WRITE	BIT_ULL(1)
#define QUAL_FETCH	BIT_ULL(2)
#define QUAL_PERM_SHIFT	3	/* bits 3-5 R/W/XS, bit 6 XU */
#define QUAL_XS		BIT_ULL(5)
#define QUAL_XU		BIT_ULL(6)
#define QUAL_GLA_VALID	BIT_ULL(7)
#define QUAL_GLA_FINAL	BIT_ULL(8)
#define QUAL_USER_GLA	BIT_ULL(9)
#define QUAL_WRITABLE_GLA	BIT_ULL(10)
#define QUAL_NX_GLA	BIT_ULL(11)

#define MBEC_NOT_OFFERED \
	"KVM offers L1 no MBEC: needs kvm_intel.enable_mbec=1 on a CPU with MBEC"

/**
 * ept_set_leaf - map one L2 page to the same L1 physical address
 * @vm: the VM
 * @vmx: the L1 hypervisor's pages (its EPT root)
 * @gpa: the address, aligned to the page size
 * @level: PG_LEVEL_4K or PG_LEVEL_2M
 * @perms: EPT_R, EPT_W, EPT_XS and EPT_XU of the leaf
 *
 * Non-leaf entries are created with every permission but XU; see
 * ept_update_tree() for that.
 */
static inline void ept_set_leaf(struct kvm_vm *vm, struct vmx_pages *vmx,
				u64 gpa, int level, u64 perms)
{
	u64 *pt = vmx->eptp_hva, *e;
	int l;

	for (l = PG_LEVEL_512G; l > level; l--) {
		e = &pt[(gpa >> PG_LEVEL_SHIFT(l)) & 0x1ff];
		if (!(*e & (EPT_R | EPT_W | EPT_XS)))
			*e = vm_alloc_page_table(vm) | EPT_R | EPT_W | EPT_XS;
		TEST_ASSERT(!(*e & EPT_LARGE), "EPT hugepage in the way of 0x%lx", gpa);
		pt = addr_gpa2hva(vm, *e & PHYSICAL_PAGE_MASK);
	}
	e = &pt[(gpa >> PG_LEVEL_SHIFT(level)) & 0x1ff];
	*e = gpa | perms | EPT_WB | EPT_A | EPT_D |
	     (level > PG_LEVEL_4K ? EPT_LARGE : 0);
}

/**
 * ept_update_tree - change every present entry of an EPT hierarchy
 * @vm: the VM
 * @pt: a page of the EPT
 * @level: its level
 * @upper_set: bits to set in every non-leaf entry
 * @leaf_clear: bits to clear in every leaf
 */
static inline void ept_update_tree(struct kvm_vm *vm, u64 *pt, int level,
				   u64 upper_set, u64 leaf_clear)
{
	int i;

	for (i = 0; i < 512; i++) {
		if (!(pt[i] & (EPT_R | EPT_W | EPT_XS | EPT_XU)))
			continue;
		if (level == PG_LEVEL_4K || (pt[i] & EPT_LARGE)) {
			pt[i] &= ~leaf_clear;
			continue;
		}
		pt[i] |= upper_set;
		ept_update_tree(vm, addr_gpa2hva(vm, pt[i] & PHYSICAL_PAGE_MASK),
				level - 1, upper_set, leaf_clear);
	}
}

/**
 * ept_allow_user_exec - set XU in every non-leaf EPT entry
 * @vm: the VM
 * @pt: the EPT root
 *
 * Without XU in the upper levels no user-mode fetch could succeed.
 */
static inline void ept_allow_user_exec(struct kvm_vm *vm, u64 *pt)
{
	ept_update_tree(vm, pt, PG_LEVEL_512G, EPT_XU, 0);
}

/**
 * guest_set_nx - make a linear address execute-disable in L1's page tables
 * @vm: the VM
 * @gva: the address, mapped with 4 KiB pages
 *
 * Sets XD in the leaf only; EFER.NXE is set by the library for L1, and
 * L2 runs with L1's EFER.
 */
static inline void guest_set_nx(struct kvm_vm *vm, u64 gva)
{
	u64 *pt = addr_gpa2hva(vm, vm->pgd), *e = NULL;
	int l;

	for (l = PG_LEVEL_512G; l >= PG_LEVEL_4K; l--) {
		e = &pt[(gva >> PG_LEVEL_SHIFT(l)) & 0x1ff];
		TEST_ASSERT(*e & PTE_PRESENT_MASK, "0x%lx not mapped", gva);
		pt = addr_gpa2hva(vm, *e & PHYSICAL_PAGE_MASK);
	}
	*e |= PTE_NX_MASK;
}

#endif /* VMX_MBEC_LIB_H */
