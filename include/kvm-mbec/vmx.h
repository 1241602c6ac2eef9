/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-mbec: VMX definitions for mode-based execute control (MBEC) that the
 * base's asm/vmx.h lacks.  Bit positions: Intel SDM Vol. 3, see
 * docs/mbec-bits.md for the quoted sources.
 */
#ifndef __KVM_MBEC_VMX_H
#define __KVM_MBEC_VMX_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/types.h>
#include <linux/kvm_host.h>
#include <asm/vmx.h>

/* IA32_VMX_EPT_VPID_CAP: advanced VM-exit information for EPT violations */
#define KVM_MBEC_VMX_EPT_ADVANCED_VMEXIT_INFO	BIT(22)

/* EPT-violation exit qualification */
#define KVM_MBEC_EPT_VIOLATION_USER_EXEC	BIT(6)	/* XU of the entry */
#define KVM_MBEC_EPT_VIOLATION_GVA_USER		BIT(9)	/* U/S of the address */
/* U/S, R/W and XD of the address: the advanced information, bits 11:9 */
#define KVM_MBEC_EPT_VIOLATION_ADVANCED_INFO	GENMASK(11, 9)

extern bool enable_mbec;

/*
 * What KVM's own walk of L2's page tables knows of the linear address,
 * for bits 11:9 of an EPT violation that the nested translation of the
 * final address reflects to L1: U/S, R/W and XD of the translation, in
 * the access passed to kvm_translate_gpa(), above every PFERR_* bit that
 * the base defines.  They are in the order of bits 11:9.
 */
#define KVM_MBEC_PFERR_GVA_SHIFT	50
#define KVM_MBEC_PFERR_GVA_USER		BIT_ULL(50)
#define KVM_MBEC_PFERR_GVA_WRITABLE	BIT_ULL(51)
#define KVM_MBEC_PFERR_GVA_XD		BIT_ULL(52)
#define KVM_MBEC_PFERR_GVA_MASK		GENMASK_ULL(52, 50)
/* With CR0.PG=0: user-mode and writable (SDM Table 28-7), not XD. */
#define KVM_MBEC_PFERR_GVA_NONPAGING	(KVM_MBEC_PFERR_GVA_USER | \
					 KVM_MBEC_PFERR_GVA_WRITABLE)

static_assert(KVM_MBEC_PFERR_GVA_MASK >> KVM_MBEC_PFERR_GVA_SHIFT ==
	      KVM_MBEC_EPT_VIOLATION_ADVANCED_INFO >> 9);
static_assert(!(KVM_MBEC_PFERR_GVA_MASK &
		(PFERR_GUEST_FINAL_MASK | PFERR_GUEST_PAGE_MASK |
		 PFERR_IMPLICIT_ACCESS | 0xffffffffULL)));

/**
 * kvm_mbec_gva_access() - the linear address's attributes as access bits
 * @user: U/S is 1 in every paging-structure entry of the translation
 * @writable: R/W is 1 in every one of them
 * @xd: XD is 1 in any of them (0 if the paging mode has no XD)
 *
 * The walker of L2's page tables passes these with the final nested
 * translation, for kvm_mbec_nested_ept_advanced_qual().  They do not take
 * part in any permission check, and not in the #PF or #NPF error code.
 *
 * Return: KVM_MBEC_PFERR_GVA_* bits.
 */
static inline u64 kvm_mbec_gva_access(bool user, bool writable, bool xd)
{
	return (user ? KVM_MBEC_PFERR_GVA_USER : 0) |
	       (writable ? KVM_MBEC_PFERR_GVA_WRITABLE : 0) |
	       (xd ? KVM_MBEC_PFERR_GVA_XD : 0);
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
 *
 * The advanced information (SDM Vol. 3C, "Exit Qualification for EPT
 * Violations"): when bits 7 and 8 are set, bit 9 is the U/S, bit 10 the
 * R/W and bit 11 the XD of the linear address's translation.  It does not
 * depend on the MBEC control.  For an EPT violation of L2 they are the
 * processor's.  For KVM's own walks (see kvm_mbec_nested_ept_gva_qual())
 * the walker of L2's page tables passes them with the final translation
 * (kvm_mbec_gva_access()); a paging-structure entry has none.
 *
 * Whether L1 was offered the information at all is decided when the
 * EPT violation is reflected (kvm_mbec_nested_ept_qual_offered()).
 *
 * Return: bits 11:9 of the exit qualification L1 must see.
 */
static inline unsigned long
kvm_mbec_nested_ept_advanced_qual(u64 access, unsigned long exit_qualification)
{
	if (!(access & (PFERR_GUEST_FINAL_MASK | PFERR_GUEST_PAGE_MASK)))
		return exit_qualification & KVM_MBEC_EPT_VIOLATION_ADVANCED_INFO;
	if (!(access & PFERR_GUEST_FINAL_MASK))
		return 0;
	return (access & KVM_MBEC_PFERR_GVA_MASK) >>
	       KVM_MBEC_PFERR_GVA_SHIFT << 9;
}

/**
 * kvm_mbec_nested_ept_qual_offered() - an EPT violation's exit qualification
 *	as the L1 hypervisor's virtual CPU reports it
 * @ept_caps: the IA32_VMX_EPT_VPID_CAP that L1 sees (the vCPU's nested
 *	VMX MSRs, which userspace may have narrowed)
 * @exit_qualification: the exit qualification built for L1
 *
 * Bits 11:9 are reported only by a CPU with advanced VM-exit information
 * for EPT violations (IA32_VMX_EPT_VPID_CAP bit 22); KVM offers it with
 * MBEC (enable_mbec).
 *
 * Return: @exit_qualification, without bits 11:9 unless L1 was offered them.
 */
static inline unsigned long
kvm_mbec_nested_ept_qual_offered(u64 ept_caps, unsigned long exit_qualification)
{
	if (ept_caps & KVM_MBEC_VMX_EPT_ADVANCED_VMEXIT_INFO)
		return exit_qualification;
	return exit_qualification & ~KVM_MBEC_EPT_VIOLATION_ADVANCED_INFO;
}

/**
 * kvm_mbec_walk_advanced_qual() - bits 11:9 of an EPT violation that KVM's
 *	own walk of L1's EPT found
 * @access: the access of the walk of L1's EPT that failed
 *
 * For a base whose nested EPT walker builds the whole exit qualification
 * itself (x86_exception.exit_qualification) and whose
 * nested_ept_inject_page_fault() takes the processor's bits when the fault
 * came from hardware: those faults get bits 11:9 there, so the walker has
 * only the bits of KVM's own walks to give, which are those of
 * kvm_mbec_nested_ept_advanced_qual() with no stale qualification to fall
 * back to.
 *
 * Return: bits 11:9 for the final translation of a linear address, else 0.
 */
static inline unsigned long kvm_mbec_walk_advanced_qual(u64 access)
{
	return kvm_mbec_nested_ept_advanced_qual(access, 0);
}

/*
 * The KVM_MBEC_PFERR_GVA_* bits travel only in the access of
 * kvm_translate_gpa(), which the base also fills with its own high flags:
 * keep them clear of every one that the base defines.
 */
#ifdef PFERR_GUEST_RMP_MASK
static_assert(!(KVM_MBEC_PFERR_GVA_MASK &
		(PFERR_GUEST_RMP_MASK | PFERR_GUEST_ENC_MASK |
		 PFERR_GUEST_SIZEM_MASK | PFERR_GUEST_VMPL_MASK)));
#endif
#ifdef PFERR_PRIVATE_ACCESS
static_assert(!(KVM_MBEC_PFERR_GVA_MASK & PFERR_PRIVATE_ACCESS));
#endif
#ifdef PFERR_SYNTHETIC_MASK
static_assert(!(KVM_MBEC_PFERR_GVA_MASK & PFERR_SYNTHETIC_MASK));
#endif

void vmx_mbec_hardware_setup(void);
struct kvm_vcpu;
u64 vmx_mbec_ept_violation_pferr(struct kvm_vcpu *vcpu,
				 unsigned long exit_qualification);

#endif /* __KVM_MBEC_VMX_H */
