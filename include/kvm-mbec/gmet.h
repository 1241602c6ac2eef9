/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-mbec: AMD Guest Mode Execute Trap (GMET) definitions that the base's
 * asm/svm.h and cpufeatures.h lack, and the pure decisions of the GMET
 * paths, shared by kvm-amd.ko and the userspace unit test (test/unit).
 *
 * Sources (docs/mbec-bits.md, section 8): CPUID Fn8000_000A EDX[17] is GMET
 * (Bochs cpuid.h, kvm-unit-tests lib/x86/processor.h X86_FEATURE_GMET);
 * the enable is bit 3 of the VMCB control-area field at offset 0x90, the
 * one that holds NP_ENABLE (two transcriptions of AMD APM vol. 2 table B-1,
 * kvm-unit-tests x86/svm.h SVM_NESTED_GMET = 8).
 */
#ifndef __KVM_MBEC_GMET_H
#define __KVM_MBEC_GMET_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/types.h>
#endif

#define KVM_MBEC_CPUID_8000_000A_EDX_GMET	BIT(17)
/* Word 15 of the kernel's feature words is CPUID 0x8000000A EDX. */
#define KVM_MBEC_X86_FEATURE_GMET		(15 * 32 + 17)
#define KVM_MBEC_SVM_NESTED_CTL_GMET_ENABLE	BIT_ULL(3)

/* Page-fault error code bits, as in asm/kvm_host.h */
#define KVM_MBEC_GMET_PFERR_USER		BIT_ULL(2)
#define KVM_MBEC_GMET_PFERR_FETCH		BIT_ULL(4)

/**
 * kvm_mbec_gmet_npf_error_code() - apply the erratum 1218 workaround
 * @error_code: EXITINFO1 of a nested page fault
 * @cpl: the guest's CPL (VMCB save area)
 * @gmet: GMET is in use for the faulting nested page tables
 *
 * AMD erratum 1218: on a GMET fault, EXITINFO1's U/S bit does not say
 * whether the fetch was a supervisor one, so a GMET fault cannot be told
 * from an NX fault.  For fetches with GMET in use, recompute it from the
 * CPL: user iff CPL is 3.  Everything else is left as the CPU reported it.
 *
 * Return: the error code to hand to the MMU.
 */
static inline u64 kvm_mbec_gmet_npf_error_code(u64 error_code, u8 cpl, bool gmet)
{
	if (!gmet || !(error_code & KVM_MBEC_GMET_PFERR_FETCH))
		return error_code;

	error_code &= ~KVM_MBEC_GMET_PFERR_USER;
	if (cpl == 3)
		error_code |= KVM_MBEC_GMET_PFERR_USER;
	return error_code;
}

/**
 * kvm_mbec_gmet_cached_nested_ctl() - L1's nested_ctl as KVM caches it
 * @nested_ctl: the field from vmcb12 (or from KVM_SET_NESTED_STATE)
 * @advertised: GMET is offered to L1 (enable_gmet and L1's CPUID)
 *
 * Return: @nested_ctl, without the GMET enable unless it is advertised.
 */
static inline u64 kvm_mbec_gmet_cached_nested_ctl(u64 nested_ctl, bool advertised)
{
	if (!advertised)
		nested_ctl &= ~KVM_MBEC_SVM_NESTED_CTL_GMET_ENABLE;
	return nested_ctl;
}

/**
 * kvm_mbec_gmet_vmcb02_nested_ctl() - nested_ctl of the VMCB that runs L2
 * @vmcb01_ctl: nested_ctl of L1's VMCB (GMET set iff enable_gmet is active)
 * @nested_npt: L1 runs L2 with nested paging
 * @cached_ctl: L1's nested_ctl as cached (kvm_mbec_gmet_cached_nested_ctl())
 *
 * With nested NPT, KVM's tables for L2 shadow L1's, so the CPU must apply
 * GMET exactly when L1 asked for it; without, they are KVM's own TDP
 * tables, built like L1's.
 *
 * Return: the nested_ctl to run L2 with.
 */
static inline u64 kvm_mbec_gmet_vmcb02_nested_ctl(u64 vmcb01_ctl, bool nested_npt,
						  u64 cached_ctl)
{
	if (!nested_npt)
		return vmcb01_ctl;
	return (vmcb01_ctl & ~KVM_MBEC_SVM_NESTED_CTL_GMET_ENABLE) |
	       (cached_ctl & KVM_MBEC_SVM_NESTED_CTL_GMET_ENABLE);
}

#ifdef __KERNEL__
extern bool enable_gmet;

void svm_gmet_hardware_setup(bool npt);
#endif

#endif /* __KVM_MBEC_GMET_H */
