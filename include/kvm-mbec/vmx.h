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

void vmx_mbec_hardware_setup(void);
struct kvm_vcpu;
u64 vmx_mbec_ept_violation_pferr(struct kvm_vcpu *vcpu,
				 unsigned long exit_qualification);

#endif /* __KVM_MBEC_VMX_H */
