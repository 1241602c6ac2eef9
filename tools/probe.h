/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-mbec: probes of the running system, shared by "kvm-mbec status" and
 * the emulated hosts' guest checks (test/vm/guest/common.sh runs the static
 * build of this tool there).
 */
#ifndef KVM_MBEC_PROBE_H
#define KVM_MBEC_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BIT(n)			(1u << (n))
#define BIT_ULL(n)		(1ull << (n))

#define MSR_IA32_VMX_PROCBASED_CTLS2	0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP	0x48c

/* IA32_VMX_PROCBASED_CTLS2, allowed-1 half (bits 63:32): */
#define VMX_CTLS2_ENABLE_EPT		BIT_ULL(32 + 1)
#define VMX_CTLS2_MODE_BASED_EPT_EXEC	BIT_ULL(32 + 22)
/* IA32_VMX_EPT_VPID_CAP: advanced VM-exit information for EPT violations */
#define VMX_EPT_ADVANCED_EXIT_INFO	BIT_ULL(22)

/* CPUID Fn8000_000A EDX: SVM features */
#define SVM_FEATURE_NPT			BIT(0)
#define SVM_FEATURE_GMET		BIT(17)

/** enum tristate - a probe's answer, or that it could not tell */
enum tristate {
	T_NO = 0,
	T_YES = 1,
	T_UNKNOWN = -1,
};

/* The system's root for /proc, /sys, /dev and /lib/modules: "" or a test tree. */
extern const char *probe_root;
char *probe_path(char *buf, size_t len, const char *path);

int cpu_vendor(char vendor[13]);
void cpuid_regs(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
int host_msr_read(uint32_t index, uint64_t *value);
int kvm_feature_msr(int kvm, uint32_t index, uint64_t *value);
int kvm_supported_cpuid(int kvm, uint32_t function, uint32_t index, uint32_t regs[4]);
bool cpuinfo_has_flag(const char *line_prefix, const char *flag);
int cpuinfo_value(const char *key, char *buf, size_t len);
int read_text(const char *path, char *buf, size_t len);
enum tristate read_bool_param(const char *module, const char *param);
int module_file_version(const char *path, char *buf, size_t len);

#endif /* KVM_MBEC_PROBE_H */
