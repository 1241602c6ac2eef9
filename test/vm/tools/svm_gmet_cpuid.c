// SPDX-License-Identifier: GPL-2.0
/*
 * Print whether KVM_GET_SUPPORTED_CPUID on /dev/kvm reports GMET (CPUID
 * Fn8000_000A EDX[17]), what a VMM such as QEMU offers its guests from.
 * Output: "gmet=0|1".  Exit 2 if /dev/kvm or the ioctl fails.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#define NENT	256

int main(void)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int i;
	int gmet = 0;
	int kvm = open("/dev/kvm", O_RDWR);

	if (kvm < 0) {
		perror("/dev/kvm");
		return 2;
	}
	cpuid = calloc(1, sizeof(*cpuid) + NENT * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return 2;
	cpuid->nent = NENT;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		perror("KVM_GET_SUPPORTED_CPUID");
		return 2;
	}
	for (i = 0; i < cpuid->nent; i++)
		if (cpuid->entries[i].function == 0x8000000a)
			gmet = (cpuid->entries[i].edx >> 17) & 1;
	printf("gmet=%d\n", gmet);
	free(cpuid);
	close(kvm);
	return 0;
}
