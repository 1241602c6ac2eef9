// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-mbec: the kvm_amd.enable_gmet parameter (alias: gmet, Linux 7.2's
 * name) and the decision whether L1 runs with Guest Mode Execute Trap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <asm/processor.h>

#include <kvm-mbec/gmet.h>
#include <kvm-mbec/mmu.h>

bool __read_mostly enable_gmet;
module_param_named(enable_gmet, enable_gmet, bool, 0444);
MODULE_PARM_DESC(enable_gmet,
		 "Run guests with Guest Mode Execute Trap (GMET), so that nested hypervisors (Hyper-V with VBS/HVCI) can use it; needs nested paging and a CPU with GMET (default: N)");
module_param_named(gmet, enable_gmet, bool, 0444);
MODULE_PARM_DESC(gmet, "Alias of enable_gmet, with Linux 7.2's name");

/**
 * svm_cpu_has_gmet() - the CPU implements GMET
 *
 * Read from CPUID directly: the installed kernel has no feature flag for
 * it, and kvm-mbec does not change /proc/cpuinfo.
 *
 * Return: true if CPUID Fn8000_000A EDX[17] is set.
 */
static bool svm_cpu_has_gmet(void)
{
	return cpuid_eax(0x80000000) >= 0x8000000a &&
	       (cpuid_edx(0x8000000a) & KVM_MBEC_CPUID_8000_000A_EDX_GMET);
}

/**
 * svm_gmet_hardware_setup() - decide whether L1 runs with GMET
 * @npt: nested paging is enabled (kvm_amd.npt)
 *
 * Called from svm_hardware_setup() once NPT is decided and before the MMU
 * is configured.  If enable_gmet is set but GMET cannot be used, says what
 * is missing, clears enable_gmet (the parameter then reads N) and leaves
 * KVM as stock.
 */
void svm_gmet_hardware_setup(bool npt)
{
	const char *missing = NULL;

	if (!enable_gmet)
		return;

	if (!npt)
		missing = "nested paging (kvm_amd.npt=N, or the CPU lacks it)";
	else if (!svm_cpu_has_gmet())
		missing = "Guest Mode Execute Trap (CPUID 0x8000000A EDX bit 17)";
	if (missing) {
		pr_info("enable_gmet=1 ignored, GMET is off: the CPU or configuration lacks %s\n",
			missing);
		enable_gmet = false;
		return;
	}

	kvm_mbec_set_tdp_has_user_exec_permission(true);
	pr_info("GMET enabled: L1's nested page tables are built with U=0\n");
}
