// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-mbec status: collect what the running system has of MBEC (Intel) or
 * GMET (AMD), decide whether the feature is active -- on for L1 and offered
 * to nested hypervisors -- and, if not, the one reason.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "status.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define REASON(s, ...) snprintf((s)->reason, sizeof((s)->reason), __VA_ARGS__)
#define FIX(s, ...) snprintf((s)->fix, sizeof((s)->fix), __VA_ARGS__)

/**
 * kernel_supported() - whether kvm-mbec is built for a kernel release
 * @release: e.g. "6.1.0-57-amd64"
 *
 * Return: true if @release matches the supported kernels of the base this
 * tool was built with (the same setting as dkms.conf's BUILD_EXCLUSIVE_KERNEL).
 */
static bool kernel_supported(const char *release)
{
	regex_t re;
	bool ok;

	if (regcomp(&re, KVM_MBEC_SUPPORTED_KERNELS, REG_EXTENDED | REG_NOSUB))
		return false;
	ok = !regexec(&re, release, 0, NULL, 0);
	regfree(&re);
	return ok;
}

/**
 * struct kernel_line - the kernels of one base: <prefix><ABI><infix><flavour>
 * @prefix: the release up to the ABI ("6.12.")
 * @infix: the release from the ABI to the flavour ("+deb12-")
 * @newest_abi: the newest ABI that kvm-mbec supports
 * @base: the base, "<linux-source package> <Debian version>"
 */
struct kernel_line {
	const char *prefix;
	const char *infix;
	unsigned long newest_abi;
	const char *base;
};

static const struct kernel_line kernel_lines[] = { KVM_MBEC_KERNEL_LINES };

/**
 * kernel_line_of() - the line of one of our bases that a release is of
 * @release: the kernel release
 * @abi: where to store its ABI
 * @flavour: where to store its flavour, the rest of @release ("amd64")
 *
 * Return: the line, or NULL if @release is of none.
 */
static const struct kernel_line *kernel_line_of(const char *release,
						unsigned long *abi,
						const char **flavour)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kernel_lines); i++) {
		const struct kernel_line *l = &kernel_lines[i];
		size_t n = strlen(l->prefix);
		char *end;

		if (strncmp(release, l->prefix, n) || !isdigit((unsigned char)release[n]))
			continue;
		*abi = strtoul(release + n, &end, 10);
		if (!strncmp(end, l->infix, strlen(l->infix))) {
			*flavour = end + strlen(l->infix);
			return l;
		}
	}
	return NULL;
}

/**
 * kernel_newer_than_base() - the line of a kernel newer than its base
 * @release: the kernel release
 *
 * A kernel of one of our lines with an ABI above the newest we support has
 * a KVM newer than our base: kvm-mbec refuses it until it is rebased.
 *
 * Return: the line, or NULL if @release is not such a kernel.
 */
static const struct kernel_line *kernel_newer_than_base(const char *release)
{
	const struct kernel_line *l;
	const char *flavour;
	unsigned long abi;

	l = kernel_line_of(release, &abi, &flavour);
	return l && abi > l->newest_abi ? l : NULL;
}

/**
 * kernel_keeping_ours() - the installed kernel to boot to keep kvm-mbec
 * @s: the status, with its kernels collected
 *
 * Of the installed kernels that have ours, prefer one of the running
 * kernel's line, then of its flavour, then the newest.
 *
 * Return: that kernel, or NULL if none has ours.
 */
static const struct kernel_state *kernel_keeping_ours(const struct status *s)
{
	const struct kernel_state *best = NULL;
	int i, rank, best_rank = -1;
	const struct kernel_line *running_line, *l;
	const char *running_flavour = "", *flavour;
	unsigned long abi;

	running_line = kernel_line_of(s->running, &abi, &running_flavour);
	for (i = 0; i < s->nr_kernels; i++) {
		const struct kernel_state *k = &s->kernels[i];

		if (!k->ours || !k->supported)
			continue;
		l = kernel_line_of(k->release, &abi, &flavour);
		if (!l)
			continue;
		rank = (l == running_line) * 2 + !strcmp(flavour, running_flavour);
		if (rank > best_rank ||
		    (rank == best_rank && strverscmp(k->release, best->release) > 0)) {
			best = k;
			best_rank = rank;
		}
	}
	return best;
}

/**
 * ours_installed() - whether our modules are installed for a kernel
 * @release: the kernel release
 * @version: where to store their version ("?" if it cannot be read)
 * @len: the size of @version
 *
 * Return: true if /lib/modules/<release>/updates/dkms has our kvm module.
 */
static bool ours_installed(const char *release, char *version, size_t len)
{
	static const char *const suffixes[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
		snprintf(path, sizeof(path), "%s/lib/modules/%s/updates/dkms/kvm%s",
			 probe_root, release, suffixes[i]);
		if (access(path, F_OK))
			continue;
		if (i || module_file_version(path, version, len))
			snprintf(version, len, "?");
		return true;
	}
	return false;
}

/**
 * version_base() - the base of our modules, from their version
 * @version: their version, "<ours>+<Debian version of the base>"
 *	     ("0.1.0+6.12.118-1~deb12u1")
 * @base: where to store the base, "linux-source-<line> <Debian version>"
 * @len: the size of @base
 *
 * Each base is a Debian linux-source-<major>.<minor> package, so the line
 * is the first two numbers of the base's version.
 */
static void version_base(const char *version, char *base, size_t len)
{
	const char *v = strchr(version, '+');
	const char *dot;

	dot = v ? strchr(v + 1, '.') : NULL;
	dot = dot ? strchr(dot + 1, '.') : NULL;
	if (!dot) {
		snprintf(base, len, "unknown base");
		return;
	}
	snprintf(base, len, "base linux-source-%.*s %s", (int)(dot - v - 1), v + 1, v + 1);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(((const struct kernel_state *)a)->release,
		      ((const struct kernel_state *)b)->release);
}

/**
 * collect_kernels() - the installed kernels and whether ours are there
 * @s: the status to fill
 */
static void collect_kernels(struct status *s)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	dir = opendir(probe_path(path, sizeof(path), "/lib/modules"));
	if (!dir)
		return;
	while ((d = readdir(dir)) && s->nr_kernels < MAX_KERNELS) {
		struct kernel_state *k = &s->kernels[s->nr_kernels];

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/lib/modules/%s/kernel", probe_root, d->d_name);
		if (access(path, F_OK))
			continue;
		snprintf(k->release, sizeof(k->release), "%.127s", d->d_name);
		k->supported = kernel_supported(k->release);
		k->ours = ours_installed(k->release, k->version, sizeof(k->version));
		s->nr_kernels++;
	}
	closedir(dir);
	qsort(s->kernels, s->nr_kernels, sizeof(s->kernels[0]), compare_names);
}

/**
 * collect_module() - whether a module is loaded, and whether it is ours
 * @m: the module, with @m->name set
 *
 * Stock 6.1 KVM modules declare no MODULE_VERSION, ours do, so
 * /sys/module/<name>/version exists only for ours.
 */
static void collect_module(struct module_state *m)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/sys/module/%s", probe_root, m->name);
	m->loaded = !access(path, F_OK);
	snprintf(path, sizeof(path), "%s/sys/module/%s/version", probe_root, m->name);
	m->ours = m->loaded && !read_text(path, m->version, sizeof(m->version));
}

/**
 * set_vendor() - the vendor, and the names of its feature and module
 * @s: the status to fill
 * @cpu: the vendor
 */
static void set_vendor(struct status *s, enum cpu_kind cpu)
{
	static const struct {
		const char *feature, *module, *feature_param, *paging_param;
		const char *kernel_param;
	} names[] = {
		[CPU_OTHER] = { "MBEC/GMET", "", "", "", "" },
		[CPU_INTEL] = { "MBEC", "kvm_intel", "enable_mbec", "ept", "mbec" },
		[CPU_AMD] = { "GMET", "kvm_amd", "enable_gmet", "npt", "gmet" },
	};

	s->cpu = cpu;
	s->feature = names[cpu].feature;
	s->vendor_module = names[cpu].module;
	s->feature_param = names[cpu].feature_param;
	s->paging_param = names[cpu].paging_param;
	s->kernel_param = names[cpu].kernel_param;
}

/**
 * collect_cpu() - what the CPU offers
 * @s: the status to fill
 *
 * The kernel's flags in /proc/cpuinfo tell whether VT-x/AMD-V is usable
 * (firmware may disable it) and, on Intel, which VMX controls exist
 * ("vmx flags": "ept", "ept_mode_based_exec").  The advanced EPT-violation
 * information is only in IA32_VMX_EPT_VPID_CAP, readable through the msr
 * driver as root.  GMET and NPT are CPUID Fn8000_000A EDX bits.
 */
static void collect_cpu(struct status *s)
{
	char vendor[64] = "";
	uint64_t ctls2, cap;
	uint32_t r[4];
	bool real_cpu = !probe_root[0];

	if (real_cpu)
		cpu_vendor(vendor);
	else
		cpuinfo_value("vendor_id", vendor, sizeof(vendor));

	s->cpu_feature = T_UNKNOWN;
	s->cpu_advanced_info = T_UNKNOWN;
	s->cpu_feature_source = "none";
	if (!strcmp(vendor, "GenuineIntel")) {
		set_vendor(s, CPU_INTEL);
		s->cpu_virt = cpuinfo_has_flag("flags", "vmx") ? T_YES : T_NO;
		if (cpuinfo_has_flag("vmx flags", "ept")) {
			s->cpu_paging = T_YES;
			s->cpu_feature = cpuinfo_has_flag("vmx flags", "ept_mode_based_exec") ?
					 T_YES : T_NO;
			s->cpu_feature_source = "/proc/cpuinfo";
		} else {
			s->cpu_paging = s->cpu_virt == T_YES ? T_NO : T_UNKNOWN;
		}
		if (!host_msr_read(MSR_IA32_VMX_PROCBASED_CTLS2, &ctls2) &&
		    !host_msr_read(MSR_IA32_VMX_EPT_VPID_CAP, &cap)) {
			s->cpu_paging = (ctls2 & VMX_CTLS2_ENABLE_EPT) ? T_YES : T_NO;
			s->cpu_feature = (ctls2 & VMX_CTLS2_MODE_BASED_EPT_EXEC) ? T_YES : T_NO;
			s->cpu_advanced_info = (cap & VMX_EPT_ADVANCED_EXIT_INFO) ? T_YES : T_NO;
			s->cpu_feature_source = "MSRs 0x48b, 0x48c";
		}
	} else if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine")) {
		set_vendor(s, CPU_AMD);
		s->cpu_virt = cpuinfo_has_flag("flags", "svm") ? T_YES : T_NO;
		s->cpu_paging = cpuinfo_has_flag("flags", "npt") ? T_YES : T_NO;
		s->cpu_advanced_info = T_NO;
		if (real_cpu) {
			cpuid_regs(0x80000000, 0, r);
			if (r[0] >= 0x8000000a) {
				cpuid_regs(0x8000000a, 0, r);
				s->cpu_feature = (r[3] & SVM_FEATURE_GMET) ? T_YES : T_NO;
				s->cpu_feature_source = "CPUID Fn8000_000A EDX[17]";
			}
		}
	} else {
		set_vendor(s, CPU_OTHER);
		s->cpu_virt = T_NO;
		s->cpu_paging = T_NO;
	}
}

/**
 * collect_kvm() - what the loaded KVM offers nested hypervisors
 * @s: the status to fill
 *
 * Intel: IA32_VMX_PROCBASED_CTLS2 and IA32_VMX_EPT_VPID_CAP as
 * KVM_GET_MSRS on /dev/kvm reports them (what QEMU gives its guests);
 * AMD: KVM_GET_SUPPORTED_CPUID's Fn8000_000A EDX[17].
 */
static void collect_kvm(struct status *s)
{
	char path[PATH_MAX];
	uint64_t ctls2, cap;
	uint32_t r[4];
	int kvm;

	s->kvm_offers = T_UNKNOWN;
	s->kvm_offers_advanced_info = T_UNKNOWN;
	kvm = open(probe_path(path, sizeof(path), "/dev/kvm"), O_RDWR);
	if (kvm < 0) {
		s->dev_kvm_error = errno;
		return;
	}
	s->dev_kvm_error = 0;
	if (s->cpu == CPU_INTEL) {
		if (!kvm_feature_msr(kvm, MSR_IA32_VMX_PROCBASED_CTLS2, &ctls2) &&
		    !kvm_feature_msr(kvm, MSR_IA32_VMX_EPT_VPID_CAP, &cap)) {
			s->kvm_offers = (ctls2 & VMX_CTLS2_MODE_BASED_EPT_EXEC) ? T_YES : T_NO;
			s->kvm_offers_advanced_info = (cap & VMX_EPT_ADVANCED_EXIT_INFO) ?
						      T_YES : T_NO;
		}
	} else if (s->cpu == CPU_AMD) {
		if (!kvm_supported_cpuid(kvm, 0x8000000a, 0, r))
			s->kvm_offers = (r[3] & SVM_FEATURE_GMET) ? T_YES : T_NO;
		else
			s->kvm_offers = T_NO;
		s->kvm_offers_advanced_info = T_NO;
	}
	close(kvm);
}

/**
 * decide_loaded() - decide() once modules with the feature are loaded: ours,
 *		     or the kernel's own (Linux 7.2 and later)
 * @s: the collected status
 */
static void decide_loaded(struct status *s)
{
	const char *mod = s->vendor_module, *f = s->feature;

	if (s->param_paging == T_NO) {
		REASON(s, "%s.%s is off, and %s needs it", mod, s->paging_param, f);
	} else if (s->param_feature != T_YES) {
		REASON(s, "%s.%s is off (or was refused: dmesg | grep %s)", mod,
		       s->feature_param, mod);
		FIX(s, "options %s %s=1 in /etc/modprobe.d/kvm-mbec.conf, reload %s",
		    mod, s->feature_param, mod);
	} else if (s->param_nested != T_YES) {
		REASON(s, "%s.nested is off: nested hypervisors are not offered %s", mod, f);
	} else if (s->dev_kvm_error) {
		REASON(s, "cannot open /dev/kvm: %s", strerror(s->dev_kvm_error));
	} else if (s->kvm_offers != T_YES) {
		REASON(s, "KVM does not offer %s to nested hypervisors", f);
	} else {
		s->active = true;
		REASON(s, "%s is on for L1 and offered to nested hypervisors%s", f,
		       s->kernel_feature ? ", by the kernel's own KVM, not kvm-mbec's" : "");
	}
}

/**
 * decide() - whether the feature is active, and the one reason if not
 * @s: the collected status
 *
 * The checks go from what an admin cannot change on this host (the CPU) to
 * what one command fixes, so the reason given is the first thing to fix.
 */
static void decide(struct status *s)
{
	const char *mod = s->vendor_module, *f = s->feature;
	const char *ext = s->cpu == CPU_INTEL ? "VT-x" : "AMD-V";
	const char *paging = s->cpu == CPU_INTEL ? "EPT" : "NPT";
	const struct kernel_state *keep;
	const struct kernel_line *line;

	s->active = false;
	s->fix[0] = '\0';
	if (s->cpu == CPU_OTHER) {
		REASON(s, "the CPU is neither Intel nor AMD: no MBEC or GMET");
	} else if (s->cpu_virt != T_YES) {
		REASON(s, "the CPU does not offer %s (absent, or off in the firmware)", ext);
	} else if (s->cpu_paging == T_NO) {
		REASON(s, "the CPU lacks %s, which %s needs", paging, f);
	} else if (s->cpu_feature == T_NO && s->cpu == CPU_INTEL) {
		REASON(s, "the CPU lacks MBEC (IA32_VMX_PROCBASED_CTLS2 bit 22)");
	} else if (s->cpu_feature == T_NO) {
		REASON(s, "the CPU lacks GMET (CPUID Fn8000_000A EDX[17])");
	} else if (s->cpu_advanced_info == T_NO && s->cpu == CPU_INTEL) {
		REASON(s, "the CPU lacks the advanced EPT-violation information");
		FIX(s, "MBEC needs IA32_VMX_EPT_VPID_CAP bit 22 too");
	} else if (s->kernel_feature) {
		/* The kernel's own KVM has it: what follows applies as to ours. */
		decide_loaded(s);
	} else if (!s->running_supported && !s->kvm.ours && s->running_newer) {
		line = kernel_newer_than_base(s->running);
		REASON(s, "kernel %s is newer than the base of kvm-mbec %s (%s): it runs the stock KVM modules",
		       s->running, KVM_MBEC_PACKAGE_VERSION, line->base);
		keep = kernel_keeping_ours(s);
		if (keep)
			FIX(s, "boot %s, which has kvm-mbec, to keep %s until kvm-mbec is updated",
			    keep->release, f);
		else
			FIX(s, "no installed kernel has kvm-mbec: %s comes back when kvm-mbec is updated",
			    f);
	} else if (!s->running_supported && !s->kvm.ours) {
		REASON(s, "kernel %s is not one kvm-mbec %s supports", s->running,
		       KVM_MBEC_PACKAGE_VERSION);
		FIX(s, "it runs the stock KVM modules; boot a supported kernel");
	} else if (!s->running_ours && !s->kvm.ours) {
		REASON(s, "kvm-mbec is not installed for the running kernel %s", s->running);
		FIX(s, "apt install kvm-mbec-dkms (or make install)");
	} else if (!s->kvm.loaded || !s->vendor.loaded) {
		REASON(s, "%s is not loaded", mod);
		FIX(s, "modprobe %s %s=1", mod, s->feature_param);
	} else if (!s->kvm.ours || !s->vendor.ours) {
		REASON(s, "the stock KVM modules are loaded, not kvm-mbec's");
		FIX(s, "with all VMs stopped: rmmod %s kvm; modprobe %s", mod, mod);
	} else {
		decide_loaded(s);
	}
}

/**
 * status_collect() - gather the whole status and decide
 * @s: zeroed status to fill
 */
void status_collect(struct status *s)
{
	char path[PATH_MAX];

	collect_cpu(s);
	if (read_text(probe_path(path, sizeof(path), "/proc/sys/kernel/osrelease"),
		      s->running, sizeof(s->running)))
		snprintf(s->running, sizeof(s->running), "?");
	s->running_supported = kernel_supported(s->running);
	s->running_newer = kernel_newer_than_base(s->running);
	s->running_ours = ours_installed(s->running, s->installed_version,
					 sizeof(s->installed_version));
	collect_kernels(s);
	s->kvm.name = "kvm";
	collect_module(&s->kvm);
	s->vendor.name = s->vendor_module;
	if (s->cpu != CPU_OTHER)
		collect_module(&s->vendor);
	/*
	 * Stock modules with the feature built in (Linux 7.2, as Debian 13's
	 * trixie-backports kernels): their parameter has the upstream name.
	 */
	if (s->vendor.loaded && !s->vendor.ours &&
	    read_bool_param(s->vendor_module, s->kernel_param) != T_UNKNOWN) {
		s->kernel_feature = true;
		s->feature_param = s->kernel_param;
	}
	s->param_feature = s->cpu != CPU_OTHER ?
			   read_bool_param(s->vendor_module, s->feature_param) : T_UNKNOWN;
	s->param_paging = s->cpu != CPU_OTHER ?
			  read_bool_param(s->vendor_module, s->paging_param) : T_UNKNOWN;
	s->param_nested = s->cpu != CPU_OTHER ?
			  read_bool_param(s->vendor_module, "nested") : T_UNKNOWN;
	s->dev_kvm_error = ENOENT;
	s->kvm_offers = T_UNKNOWN;
	s->kvm_offers_advanced_info = T_UNKNOWN;
	if (s->kvm.loaded)
		collect_kvm(s);
	decide(s);
}

static const char *yes_no(enum tristate t)
{
	return t == T_YES ? "yes" : t == T_NO ? "no" : "unknown";
}

static const char *json_tristate(enum tristate t)
{
	return t == T_YES ? "true" : t == T_NO ? "false" : "null";
}

/**
 * print_params() - a loaded module's parameters, one "name=value" each
 * @indent: the line prefix
 * @module: the module
 */
static void print_params(const char *indent, const char *module)
{
	char path[PATH_MAX], v[128];
	struct dirent **names;
	int i, n;

	snprintf(path, sizeof(path), "%s/sys/module/%s/parameters", probe_root, module);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return;
	printf("%s", indent);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/sys/module/%s/parameters/%s",
				 probe_root, module, names[i]->d_name);
			if (read_text(path, v, sizeof(v)))
				snprintf(v, sizeof(v), "?");
			printf(" %s=%s", names[i]->d_name, v);
		}
		free(names[i]);
	}
	free(names);
	printf("\n");
}

static void print_module_text(const struct module_state *m)
{
	char base[160];

	version_base(m->version, base, sizeof(base));
	if (!m->loaded)
		printf("  %-10s not loaded\n", m->name);
	else if (m->ours)
		printf("  %-10s loaded, kvm-mbec %s (%s)\n", m->name, m->version, base);
	else
		printf("  %-10s loaded, stock (no kvm-mbec version)\n", m->name);
	if (m->loaded)
		print_params("            ", m->name);
}

/**
 * print_advice() - what to give QEMU and libvirt for a Windows VBS guest
 * @s: the status
 *
 * The flags are those of docs/windows-vbs.md: QEMU 7.2 has no name for MBEC
 * and masks the VMX bits it cannot name unless migratable=off.
 */
static void print_advice(const struct status *s)
{
	printf("\nFor a Windows guest with VBS/HVCI (docs/windows-vbs.md):\n");
	printf("  QEMU:    %s\n", s->cpu == CPU_INTEL ? KVM_MBEC_QEMU_CPU_INTEL :
	       KVM_MBEC_QEMU_CPU_AMD);
	printf("  libvirt: <cpu mode='host-passthrough' check='none' migratable='off'/>%s\n",
	       s->cpu == CPU_INTEL ? ", and <evmcs state='on'/> in <hyperv>" : "");
	if (!s->active)
		printf("  (the guest gets no %s until the reason above is fixed)\n", s->feature);
}

/**
 * status_print_text() - the status as plain text for an admin
 * @s: the status
 */
void status_print_text(const struct status *s)
{
	int i;

	printf("%s: %s\n", s->feature, s->active ? "active" : "not active");
	printf("  %s\n", s->reason);
	if (s->fix[0])
		printf("  fix: %s\n", s->fix);
	printf("\nModules (kvm-mbec %s):\n", KVM_MBEC_VERSION);
	print_module_text(&s->kvm);
	if (s->cpu != CPU_OTHER)
		print_module_text(&s->vendor);
	printf("\nKernels (running: %s, %s):\n", s->running,
	       s->running_supported ? "supported" : "not supported");
	for (i = 0; i < s->nr_kernels; i++) {
		const struct kernel_state *k = &s->kernels[i];
		char base[160], note[168] = "";

		if (k->ours) {
			version_base(k->version, base, sizeof(base));
			snprintf(note, sizeof(note), " (%s)", base);
		}
		printf("  %-24s %s%s%s%s\n", k->release,
		       k->ours ? "kvm-mbec " : (k->supported ? "stock (kvm-mbec not installed)" :
						"stock (not supported)"),
		       k->ours ? k->version : "", note,
		       strcmp(k->release, s->running) ? "" : "  <- running");
	}
	printf("\nCPU:\n");
	printf("  virtualization (%s): %s\n", s->cpu == CPU_INTEL ? "VT-x" :
	       s->cpu == CPU_AMD ? "AMD-V" : "-", yes_no(s->cpu_virt));
	printf("  %s: %s\n", s->cpu == CPU_INTEL ? "EPT" : "NPT", yes_no(s->cpu_paging));
	printf("  %s: %s (from %s)\n", s->feature, yes_no(s->cpu_feature), s->cpu_feature_source);
	if (s->cpu == CPU_INTEL)
		printf("  advanced EPT-violation information: %s\n", yes_no(s->cpu_advanced_info));
	printf("\nKVM:\n");
	if (s->cpu != CPU_OTHER) {
		printf("  %s.%s: %s, %s.%s: %s, %s.nested: %s\n", s->vendor_module,
		       s->feature_param, yes_no(s->param_feature), s->vendor_module,
		       s->paging_param, yes_no(s->param_paging), s->vendor_module,
		       yes_no(s->param_nested));
	}
	if (s->dev_kvm_error)
		printf("  /dev/kvm: %s\n", strerror(s->dev_kvm_error));
	else
		printf("  offered to nested hypervisors: %s %s%s%s\n", s->feature,
		       yes_no(s->kvm_offers), s->cpu == CPU_INTEL ?
		       ", advanced EPT-violation information " : "",
		       s->cpu == CPU_INTEL ? yes_no(s->kvm_offers_advanced_info) : "");
	if (s->cpu != CPU_OTHER)
		print_advice(s);
}

/**
 * json_string() - print a JSON string literal
 * @v: the string
 */
static void json_string(const char *v)
{
	putchar('"');
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			printf("\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			printf("\\u%04x", *v);
		else
			putchar(*v);
	}
	putchar('"');
}

/**
 * json_version() - print the version of ours and, as key "base", their
 *		    base; null for both for stock modules
 * @ours: the modules are kvm-mbec's
 * @version: their version
 */
static void json_version(bool ours, const char *version)
{
	char base[160];

	if (!ours) {
		printf("null, \"base\": null");
		return;
	}
	json_string(version);
	version_base(version, base, sizeof(base));
	printf(", \"base\": ");
	json_string(strncmp(base, "base ", 5) ? base : base + 5);
}

static void json_module(const char *key, const struct module_state *m)
{
	printf("  \"%s\": {\"loaded\": %s, \"ours\": %s, \"version\": ", key,
	       m->loaded ? "true" : "false", m->ours ? "true" : "false");
	json_version(m->ours, m->version);
	printf("},\n");
}

/**
 * status_print_json() - the status as JSON, one key per line at the top
 * @s: the status
 *
 * One key per line lets shell scripts without a JSON parser (the emulated
 * hosts' busybox) pick a value with grep.
 */
void status_print_json(const struct status *s)
{
	int i;

	printf("{\n  \"feature\": ");
	json_string(s->feature);
	printf(",\n  \"active\": %s,\n  \"reason\": ", s->active ? "true" : "false");
	json_string(s->reason);
	printf(",\n  \"fix\": ");
	json_string(s->fix);
	printf(",\n  \"kvm_mbec_version\": ");
	json_string(KVM_MBEC_VERSION);
	printf(",\n  \"running_kernel\": ");
	json_string(s->running);
	printf(",\n  \"running_kernel_supported\": %s,\n", s->running_supported ? "true" : "false");
	printf("  \"running_kernel_newer_than_base\": %s,\n", s->running_newer ? "true" : "false");
	printf("  \"ours_installed_for_running_kernel\": %s,\n",
	       s->running_ours ? "true" : "false");
	printf("  \"kernel_has_feature\": %s,\n", s->kernel_feature ? "true" : "false");
	json_module("kvm", &s->kvm);
	json_module("vendor_module", &s->vendor);
	printf("  \"cpu_vendor\": \"%s\",\n", s->cpu == CPU_INTEL ? "intel" :
	       s->cpu == CPU_AMD ? "amd" : "other");
	printf("  \"cpu_virtualization\": %s,\n", json_tristate(s->cpu_virt));
	printf("  \"cpu_paging\": %s,\n", json_tristate(s->cpu_paging));
	printf("  \"cpu_feature\": %s,\n", json_tristate(s->cpu_feature));
	printf("  \"cpu_advanced_info\": %s,\n", json_tristate(s->cpu_advanced_info));
	printf("  \"cpu_feature_source\": ");
	json_string(s->cpu_feature_source);
	printf(",\n  \"param_feature\": %s,\n", json_tristate(s->param_feature));
	printf("  \"param_paging\": %s,\n", json_tristate(s->param_paging));
	printf("  \"param_nested\": %s,\n", json_tristate(s->param_nested));
	printf("  \"dev_kvm\": %s,\n", s->dev_kvm_error ? "false" : "true");
	printf("  \"kvm_offers_feature\": %s,\n", json_tristate(s->kvm_offers));
	printf("  \"kvm_offers_advanced_info\": %s,\n", json_tristate(s->kvm_offers_advanced_info));
	printf("  \"kernels\": [");
	for (i = 0; i < s->nr_kernels; i++) {
		const struct kernel_state *k = &s->kernels[i];

		printf("%s\n    {\"release\": ", i ? "," : "");
		json_string(k->release);
		printf(", \"supported\": %s, \"ours\": %s, \"version\": ",
		       k->supported ? "true" : "false", k->ours ? "true" : "false");
		json_version(k->ours, k->version);
		printf("}");
	}
	printf("%s]\n}\n", s->nr_kernels ? "\n  " : "");
}
