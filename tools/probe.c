// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-mbec: probes of the CPU, of KVM (/dev/kvm) and of sysfs.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "probe.h"

const char *probe_root = "";

/**
 * probe_path() - a system path below probe_root
 * @buf: where to store the path
 * @len: the size of @buf
 * @path: an absolute path such as "/proc/cpuinfo"
 *
 * Return: @buf.
 */
char *probe_path(char *buf, size_t len, const char *path)
{
	snprintf(buf, len, "%s%s", probe_root, path);
	return buf;
}

/**
 * cpuid_regs() - execute CPUID
 * @leaf: EAX input
 * @subleaf: ECX input
 * @regs: EAX, EBX, ECX, EDX output
 */
void cpuid_regs(uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	__cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
}

/**
 * cpu_vendor() - the CPU vendor string of CPUID leaf 0
 * @vendor: 13 bytes for "GenuineIntel", "AuthenticAMD", ...
 *
 * Return: the highest basic CPUID leaf.
 */
int cpu_vendor(char vendor[13])
{
	uint32_t r[4];

	cpuid_regs(0, 0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = '\0';
	return (int)r[0];
}

/**
 * host_msr_read() - read an MSR of CPU 0 through the msr driver
 * @index: the MSR
 * @value: where to store it
 *
 * Needs root and the msr module (/dev/cpu/0/msr).
 *
 * Return: 0, or a negative errno.
 */
int host_msr_read(uint32_t index, uint64_t *value)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	fd = open(probe_path(path, sizeof(path), "/dev/cpu/0/msr"), O_RDONLY);

	if (fd < 0)
		return -errno;
	n = pread(fd, value, sizeof(*value), index);
	close(fd);
	if (n != sizeof(*value))
		return n < 0 ? -errno : -EIO;
	return 0;
}

/**
 * kvm_feature_msr() - what KVM offers its guests in a feature MSR
 * @kvm: a /dev/kvm file descriptor
 * @index: the MSR (KVM_GET_MSR_FEATURE_INDEX_LIST)
 * @value: where to store it
 *
 * This is KVM_GET_MSRS on the system file descriptor, which QEMU reads to
 * build a guest's VMX capabilities.
 *
 * Return: 0, or -1 if KVM does not report the MSR.
 */
int kvm_feature_msr(int kvm, uint32_t index, uint64_t *value)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entry;
	} msrs = { .hdr.nmsrs = 1, .entry.index = index };

	if (ioctl(kvm, KVM_GET_MSRS, &msrs) != 1)
		return -1;
	*value = msrs.entry.data;
	return 0;
}

/**
 * kvm_supported_cpuid() - one leaf of KVM_GET_SUPPORTED_CPUID
 * @kvm: a /dev/kvm file descriptor
 * @function: the CPUID leaf
 * @index: the subleaf
 * @regs: EAX, EBX, ECX, EDX of that entry
 *
 * Return: 0, 1 if KVM does not report the leaf, -1 if the ioctl fails.
 */
int kvm_supported_cpuid(int kvm, uint32_t function, uint32_t index, uint32_t regs[4])
{
	const unsigned int nent = 256;
	struct kvm_cpuid2 *cpuid;
	unsigned int i;
	int ret = 1;

	cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return -1;
	cpuid->nent = nent;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		free(cpuid);
		return -1;
	}
	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function != function ||
		    ((e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) && e->index != index))
			continue;
		regs[0] = e->eax;
		regs[1] = e->ebx;
		regs[2] = e->ecx;
		regs[3] = e->edx;
		ret = 0;
		break;
	}
	free(cpuid);
	return ret;
}

/**
 * cpuinfo_has_flag() - whether /proc/cpuinfo lists a flag
 * @line_prefix: the line, "flags" or "vmx flags"
 * @flag: the flag, e.g. "ept_mode_based_exec"
 *
 * Only the first processor's line is read.
 *
 * Return: true if that line has the flag as a whole word.
 */
bool cpuinfo_has_flag(const char *line_prefix, const char *flag)
{
	size_t plen = strlen(line_prefix), flen = strlen(flag);
	char path[PATH_MAX], *line = NULL;
	bool found = false;
	size_t cap = 0;
	FILE *f;

	f = fopen(probe_path(path, sizeof(path), "/proc/cpuinfo"), "r");
	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0) {
		char *p, *colon;

		if (strncmp(line, line_prefix, plen) ||
		    (line[plen] != ' ' && line[plen] != '\t' && line[plen] != ':'))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			break;
		for (p = colon + 1; (p = strstr(p, flag)); p += flen) {
			if (p[-1] == ' ' && (p[flen] == ' ' || p[flen] == '\n' || !p[flen])) {
				found = true;
				break;
			}
		}
		break;
	}
	free(line);
	fclose(f);
	return found;
}

/**
 * cpuinfo_value() - a field of the first processor in /proc/cpuinfo
 * @key: the field, e.g. "vendor_id"
 * @buf: where to store its value
 * @len: the size of @buf
 *
 * Return: 0, or -ENOENT if there is no such field.
 */
int cpuinfo_value(const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	char path[PATH_MAX], *line = NULL;
	int err = -ENOENT;
	size_t cap = 0;
	FILE *f;

	f = fopen(probe_path(path, sizeof(path), "/proc/cpuinfo"), "r");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char *v;

		if (strncmp(line, key, klen) || (line[klen] != ' ' && line[klen] != '\t' &&
						 line[klen] != ':'))
			continue;
		v = strchr(line, ':');
		if (!v)
			break;
		v += strspn(v + 1, " \t") + 1;
		v[strcspn(v, "\n")] = '\0';
		snprintf(buf, len, "%s", v);
		err = 0;
		break;
	}
	free(line);
	fclose(f);
	return err;
}

/**
 * read_text() - the first line of a small text file
 * @path: the file
 * @buf: where to store it, without the newline
 * @len: the size of @buf
 *
 * Return: 0, or a negative errno.
 */
int read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		err = -EIO;
	fclose(f);
	if (!err)
		buf[strcspn(buf, "\n")] = '\0';
	return err;
}

/**
 * read_bool_param() - a module's boolean (or 0/1) parameter from sysfs
 * @module: the module, e.g. "kvm_intel"
 * @param: the parameter, e.g. "ept"
 *
 * Return: T_YES for Y or 1, T_NO for N or 0, T_UNKNOWN if unreadable.
 */
enum tristate read_bool_param(const char *module, const char *param)
{
	char path[PATH_MAX], v[32];

	snprintf(path, sizeof(path), "%s/sys/module/%s/parameters/%s", probe_root, module, param);
	if (read_text(path, v, sizeof(v)))
		return T_UNKNOWN;
	if (!strcmp(v, "Y") || !strcmp(v, "1"))
		return T_YES;
	if (!strcmp(v, "N") || !strcmp(v, "0"))
		return T_NO;
	return T_UNKNOWN;
}

/**
 * module_file_version() - the "version=" of a module file's .modinfo
 * @path: an uncompressed .ko
 * @buf: where to store the version
 * @len: the size of @buf
 *
 * The .modinfo strings are NUL-separated "key=value" pairs; "srcversion="
 * does not match because the key must follow a NUL.
 *
 * Return: 0, -ENOENT if the file has no version, or another negative errno.
 */
int module_file_version(const char *path, char *buf, size_t len)
{
	static const char key[] = "\0version=";
	const char *p, *end;
	int fd, err = -ENOENT;
	struct stat st;
	void *map;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return -EIO;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -errno;
	p = memmem(map, st.st_size, key, sizeof(key) - 1);
	if (p) {
		p += sizeof(key) - 1;
		end = memchr(p, '\0', (const char *)map + st.st_size - p);
		if (end && (size_t)(end - p) < len) {
			memcpy(buf, p, end - p);
			buf[end - p] = '\0';
			err = 0;
		}
	}
	munmap(map, st.st_size);
	return err;
}
