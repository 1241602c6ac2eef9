// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-mbec: whether the TDP page tables KVM builds for L1 split execute
 * permission by user and supervisor mode (MBEC on Intel, GMET on AMD).
 */
#include <linux/cache.h>
#include <linux/export.h>

#include <kvm-mbec/mmu.h>

/*
 * Read by the MMU when it computes the TDP root role (the
 * has_user_exec_permission role bit) and the EPT SPTE masks.
 */
bool kvm_mbec_tdp_user_exec __read_mostly;

/**
 * kvm_mbec_set_tdp_has_user_exec_permission() - vendor hook for TDP roots
 * @enable: the vendor module runs L1 with MBEC (EPT) or GMET (NPT) on
 *
 * Called by kvm-intel/kvm-amd during hardware setup, before the SPTE masks
 * are set (kvm_mmu_set_ept_masks()); kvm.ko resets it to false whenever a
 * vendor module initializes the MMU, so a module that never calls it gets
 * stock behaviour.  The setting is global, like the module parameters
 * that decide it.
 */
void kvm_mbec_set_tdp_has_user_exec_permission(bool enable)
{
	kvm_mbec_tdp_user_exec = enable;
}
EXPORT_SYMBOL_GPL(kvm_mbec_set_tdp_has_user_exec_permission);
