/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-mbec: VMX definitions for mode-based execute control (MBEC) that the
 * base's asm/vmx.h lacks.  Bit positions: Intel SDM Vol. 3, see
 * docs/mbec-bits.md for the quoted sources.
 */
#ifndef __KVM_MBEC_VMX_H
#define __KVM_MBEC_VMX_H

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/kvm_host.h>
#include <asm/vmx.h>

/* IA32_VMX_EPT_VPID_CAP: advanced VM-exit information for EPT violations */
#define KVM_MBEC_VMX_EPT_ADVANCED_VMEXIT_INFO	BIT(22)

/* EPT-violation exit qualification */
#define KVM_MBEC_EPT_VIOLATION_USER_EXEC	BIT(6)	/* XU of the entry */
#define KVM_MBEC_EPT_VIOLATION_GVA_USER		BIT(9)	/* U/S of the address */
/* U/S, R/W and XD of the address: the advanced information, bits 11:9 */
#define KVM_MBEC_EPT_VIOLATION_ADVANCED_INFO	GENMASK(11, 9)

extern bool enable_mbec;
extern bool kvm_mbec_tdp_user_exec;

/**
 * kvm_mbec_ept_advanced_info() - exit qualification bits L1 may see
 *
 * The advanced EPT-violation information is advertised to L1 exactly
 * when KVM runs L1 with MBEC (kvm_mbec_tdp_user_exec), which requires it.
 *
 * Return: the mask of the advanced-information bits to keep, or 0.
 */
static inline unsigned long kvm_mbec_ept_advanced_info(void)
{
	return kvm_mbec_tdp_user_exec ? KVM_MBEC_EPT_VIOLATION_ADVANCED_INFO : 0;
}

/**
 * kvm_mbec_nested_ept_gva_qual() - bits 7 and 8 of an EPT violation for L1
 * @access: the access of the walk of L1's EPT that failed
 * @exit_qualification: the exit qualification of L0's last EPT violation
 *
 * When KVM walks L2's page tables itself (instruction emulation, e.g. of
 * INS), the walk of L1's EPT has no EPT violation of its own, and the last
 * one's bits 7 and 8 are stale.  Such walks carry PFERR_GUEST_PAGE_MASK
 * (a paging-structure entry) or PFERR_GUEST_FINAL_MASK (the translation of
 * the linear address, also with L2's paging off), and the linear address
 * is valid.  Walks for an EPT violation carry neither flag, because the
 * fault's error code is truncated to 32 bits, and keep the processor's.
 *
 * Return: EPT_VIOLATION_GVA_IS_VALID and EPT_VIOLATION_GVA_TRANSLATED as L1
 * must see them.
 */
static inline unsigned long
kvm_mbec_nested_ept_gva_qual(u64 access, unsigned long exit_qualification)
{
	if (access & PFERR_GUEST_FINAL_MASK)
		return EPT_VIOLATION_GVA_IS_VALID | EPT_VIOLATION_GVA_TRANSLATED;
	if (access & PFERR_GUEST_PAGE_MASK)
		return EPT_VIOLATION_GVA_IS_VALID;
	return exit_qualification &
	       (EPT_VIOLATION_GVA_IS_VALID | EPT_VIOLATION_GVA_TRANSLATED);
}

/**
 * kvm_mbec_nested_ept_advanced_qual() - bits 11:9 of an EPT violation for L1
 * @access: the access of the walk of L1's EPT that failed
 * @exit_qualification: the exit qualification of L0's last EPT violation
 * @mbec: whether L1's EPT uses MBEC (the root's has_user_exec_permission)
 *
 * For an EPT violation of L2, the processor's advanced information is
 * L1's too.  KVM's own walks (see kvm_mbec_nested_ept_gva_qual()) know
 * only the U/S of the final translation, and only with MBEC, where the
 * walker passes it in PFERR_USER_MASK; R/W and XD of the linear address
 * read as 0 rather than as the last EPT violation's.
 *
 * Return: the advanced-information bits L1 must see, 0 unless they are
 * advertised to it (kvm_mbec_ept_advanced_info()).
 */
static inline unsigned long
kvm_mbec_nested_ept_advanced_qual(u64 access, unsigned long exit_qualification,
				  bool mbec)
{
	if (!(access & (PFERR_GUEST_FINAL_MASK | PFERR_GUEST_PAGE_MASK)))
		return exit_qualification & kvm_mbec_ept_advanced_info();
	if (mbec && (access & PFERR_GUEST_FINAL_MASK) &&
	    (access & PFERR_USER_MASK))
		return KVM_MBEC_EPT_VIOLATION_GVA_USER &
		       kvm_mbec_ept_advanced_info();
	return 0;
}

void vmx_mbec_hardware_setup(void);
struct kvm_vcpu;
u64 vmx_mbec_ept_violation_pferr(struct kvm_vcpu *vcpu,
				 unsigned long exit_qualification);

#endif /* __KVM_MBEC_VMX_H */
