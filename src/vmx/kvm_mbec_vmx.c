// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-mbec: the kvm_intel.enable_mbec parameter (alias: mbec, Linux 7.2's
 * name) and the decision whether L1 runs with mode-based execute control.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/kvm_host.h>
#include <asm/vmx.h>

#include <kvm-mbec/mmu.h>
#include <kvm-mbec/vmx.h>

#include "capabilities.h"
#include "vmx.h"

bool __read_mostly enable_mbec;
module_param_named(enable_mbec, enable_mbec, bool, 0444);
MODULE_PARM_DESC(enable_mbec,
		 "Run guests with mode-based execute control for EPT (MBEC), so that nested hypervisors (Hyper-V with VBS/HVCI) can use it; needs EPT and a CPU with MBEC and advanced EPT-violation exit information (default: N)");
module_param_named(mbec, enable_mbec, bool, 0444);
MODULE_PARM_DESC(mbec, "Alias of enable_mbec, with Linux 7.2's name");

/**
 * vmx_mbec_missing() - the first requirement of MBEC that is not met
 *
 * Return: a description of what is missing, or NULL if MBEC can be used.
 */
static const char *vmx_mbec_missing(void)
{
	if (!enable_ept)
		return "EPT (kvm_intel.ept=N, or the CPU lacks it)";
	if (!(vmcs_config.cpu_based_2nd_exec_ctrl &
	      SECONDARY_EXEC_MODE_BASED_EPT_EXEC))
		return "mode-based execute control for EPT (IA32_VMX_PROCBASED_CTLS2 bit 22)";
	if (!(vmx_capability.ept & KVM_MBEC_VMX_EPT_ADVANCED_VMEXIT_INFO))
		return "advanced EPT-violation exit information (IA32_VMX_EPT_VPID_CAP bit 22)";
	return NULL;
}

/**
 * vmx_mbec_hardware_setup() - decide whether L1 runs with MBEC
 *
 * Called from hardware_setup() once EPT is decided and before the EPT
 * SPTE masks are set.  If enable_mbec is set but the CPU or the other
 * parameters do not allow MBEC, says which requirement is missing, clears
 * enable_mbec (the parameter then reads N) and leaves KVM as stock.
 */
void vmx_mbec_hardware_setup(void)
{
	const char *missing;

	if (!enable_mbec)
		return;

	missing = vmx_mbec_missing();
	if (missing) {
		pr_info("enable_mbec=1 ignored, MBEC is off: the CPU or configuration lacks %s\n",
			missing);
		enable_mbec = false;
		return;
	}

	kvm_mbec_set_tdp_has_user_exec_permission(true);
	pr_info("MBEC enabled: L1's EPT entries split execute into XS and XU\n");
}

/**
 * vmx_mbec_ept_violation_pferr() - PFERR_USER_MASK and PFERR_PRESENT_MASK
 *	of an EPT violation
 * @vcpu: the vCPU; its MMU's root role says whether execute is split
 *	(has_user_exec_permission: L1 with enable_mbec, or L2 when L1
 *	enabled MBEC in vmcs12)
 * @exit_qualification: the EPT violation's exit qualification
 *
 * With split execute, PFERR_USER_MASK tells the MMU whether the fetch is
 * checked against XU or XS.  The processor checked XU only if the VMCS it
 * ran had MBEC, and only then are bit 6 (XU of the entry) and the
 * address's U/S meaningful.  With MBEC, U/S is bit 9 (the guest walk's,
 * not the CPL; advanced exit information, which enable_mbec requires),
 * defined only when bits 7 and 8 say the access was to the translation of
 * a linear address (SDM Table 28-7); the other accesses, to the guest's
 * paging structures (never fetches), count as supervisor.  A root can have
 * split execute while the VMCS has no MBEC: L2 of an L1 that uses shadow
 * paging runs on KVM's own TDP root, whose role is L1's, with vmcs02
 * without MBEC (vmcs12 has no EPT).  The processor then checked XS (bit 2),
 * so the fault is a supervisor one.  KVM's TDP root maps XU wherever XS, so
 * no test can tell the two apart there; the SDM leaves bits 6 and 9
 * undefined in that case.
 *
 * Two more parts are required by the SDM but cannot be seen by a test of
 * this base (test/mutants/ says which mutants survive): PFERR_PRESENT_MASK
 * of an EPT violation is read only by the fast page fault check and by
 * write tracking, and for an entry that grants only XU either answer gives
 * L1 the same EPT violation; and no emulated host sets bit 9 without bits
 * 7 and 8.
 *
 * Without split execute both are stock: PFERR_USER_MASK carries the read
 * bit, which the permission bitmaps ignore and the nested EPT walk
 * reflects into L1's exit qualification, and XU is not looked at.
 *
 * Return: PFERR_USER_MASK and PFERR_PRESENT_MASK, each or 0.
 */
u64 vmx_mbec_ept_violation_pferr(struct kvm_vcpu *vcpu,
				 unsigned long exit_qualification)
{
	const unsigned long gva_final = EPT_VIOLATION_GVA_IS_VALID |
					EPT_VIOLATION_GVA_TRANSLATED;
	unsigned long prot = EPT_VIOLATION_RWX_MASK;
	u64 pferr = 0;

	if (!vcpu->arch.mmu->root_role.has_user_exec_permission) {
		if (exit_qualification & EPT_VIOLATION_ACC_READ)
			pferr |= PFERR_USER_MASK;
	} else if (secondary_exec_controls_get(to_vmx(vcpu)) &
		   SECONDARY_EXEC_MODE_BASED_EPT_EXEC) {
		prot |= KVM_MBEC_EPT_VIOLATION_USER_EXEC;
		if ((exit_qualification & gva_final) == gva_final &&
		    (exit_qualification & KVM_MBEC_EPT_VIOLATION_GVA_USER))
			pferr |= PFERR_USER_MASK;
	}
	if (exit_qualification & prot)
		pferr |= PFERR_PRESENT_MASK;
	return pferr;
}
