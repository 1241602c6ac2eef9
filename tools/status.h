/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-mbec status: what the running system has of MBEC/GMET, and why not.
 */
#ifndef KVM_MBEC_STATUS_H
#define KVM_MBEC_STATUS_H

#include <stdbool.h>

#include "probe.h"

#define MAX_KERNELS	64

/* The -cpu of docs/windows-vbs.md for QEMU 7.2 (t-06 checks they agree). */
#define KVM_MBEC_QEMU_HV_FLAGS \
	"hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,hv-vpindex,hv-runtime,hv-synic," \
	"hv-stimer,hv-stimer-direct,hv-frequencies,hv-tlbflush,hv-ipi,hv-reset,hv-time"
#define KVM_MBEC_QEMU_CPU_INTEL \
	"-cpu host,migratable=off," KVM_MBEC_QEMU_HV_FLAGS ",hv-evmcs"
#define KVM_MBEC_QEMU_CPU_AMD \
	"-cpu host,migratable=off," KVM_MBEC_QEMU_HV_FLAGS

/** enum cpu_kind - the virtualization extension the CPU is from */
enum cpu_kind {
	CPU_OTHER,
	CPU_INTEL,
	CPU_AMD,
};

/**
 * struct module_state - one loaded (or not) KVM module
 * @name: the module's name in /sys/module
 * @loaded: /sys/module/<name> exists
 * @ours: it carries a version, which only kvm-mbec's modules do
 * @version: that version
 */
struct module_state {
	const char *name;
	bool loaded;
	bool ours;
	char version[128];
};

/**
 * struct kernel_state - kvm-mbec for one installed kernel
 * @release: the kernel release (/lib/modules/<release>)
 * @supported: the release is one kvm-mbec is built for
 * @ours: ours are installed in updates/dkms
 * @version: their version ("?" if unreadable, e.g. compressed)
 */
struct kernel_state {
	char release[128];
	bool supported;
	bool ours;
	char version[128];
};

/**
 * struct status - everything "kvm-mbec status" reports
 * @cpu: the vendor
 * @feature: "MBEC" or "GMET"
 * @vendor_module: "kvm_intel" or "kvm_amd"
 * @feature_param: "enable_mbec" or "enable_gmet"
 * @paging_param: "ept" or "npt"
 * @kernel_param: the feature's parameter in Linux 7.2 and later, whose KVM
 *	has it: "mbec" or "gmet" (ours has it too, as an alias)
 * @kernel_feature: the loaded stock vendor module has @kernel_param: the
 *	kernel's own KVM has the feature; @feature_param is then that name
 * @cpu_virt: VT-x/AMD-V usable (the kernel's vmx/svm flag)
 * @cpu_paging: EPT/NPT
 * @cpu_feature: MBEC/GMET
 * @cpu_advanced_info: Intel: advanced EPT-violation exit information
 * @cpu_feature_source: where @cpu_feature and @cpu_advanced_info came from
 * @running: the running kernel's release
 * @running_supported: the running kernel is one kvm-mbec supports
 * @running_newer: the running kernel is of one of our bases' lines, with a
 *	newer ABI (and KVM) than that base
 * @running_ours: ours are installed for the running kernel
 * @installed_version: their version
 * @kvm: the kvm module
 * @vendor: the vendor module
 * @param_feature: enable_mbec/enable_gmet
 * @param_paging: ept/npt
 * @param_nested: nested
 * @dev_kvm_error: errno of opening /dev/kvm, 0 if it opened
 * @kvm_offers: KVM offers the feature to nested hypervisors
 * @kvm_offers_advanced_info: Intel: and the advanced exit information
 * @kernels: the installed kernels
 * @nr_kernels: how many
 * @active: on for L1 and offered to nested hypervisors
 * @reason: if not active, the one reason; else what is on
 * @fix: what to do about @reason, or empty
 */
struct status {
	enum cpu_kind cpu;
	const char *feature;
	const char *vendor_module;
	const char *feature_param;
	const char *paging_param;
	const char *kernel_param;
	bool kernel_feature;
	enum tristate cpu_virt;
	enum tristate cpu_paging;
	enum tristate cpu_feature;
	enum tristate cpu_advanced_info;
	const char *cpu_feature_source;
	char running[128];
	bool running_supported;
	bool running_newer;
	bool running_ours;
	char installed_version[128];
	struct module_state kvm;
	struct module_state vendor;
	enum tristate param_feature;
	enum tristate param_paging;
	enum tristate param_nested;
	int dev_kvm_error;
	enum tristate kvm_offers;
	enum tristate kvm_offers_advanced_info;
	struct kernel_state kernels[MAX_KERNELS];
	int nr_kernels;
	bool active;
	char reason[256];
	char fix[256];
};

void status_collect(struct status *s);
void status_print_text(const struct status *s);
void status_print_json(const struct status *s);

#endif /* KVM_MBEC_STATUS_H */
