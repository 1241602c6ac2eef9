// SPDX-License-Identifier: GPL-2.0
/*
 * Print what KVM reports, through KVM_GET_MSRS on /dev/kvm (the feature-MSR
 * interface userspace such as QEMU uses), for the two VMX capabilities that
 * nested MBEC needs:
 *   IA32_VMX_PROCBASED_CTLS2 (0x48b) allowed-1 bit 22: mode-based execute
 *     control for EPT (the allowed-1 settings are the MSR's high half);
 *   IA32_VMX_EPT_VPID_CAP (0x48c) bit 22: advanced EPT-violation exit
 *     information.
 * Output: "mbec=0|1 advanced_info=0|1".  Exit 2 if /dev/kvm or the ioctl
 * fails (for example on AMD, where these MSRs are not features).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#define MSR_IA32_VMX_PROCBASED_CTLS2	0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP	0x48c

/**
 * get_feature_msr() - read one feature MSR through KVM_GET_MSRS
 * @kvm: a /dev/kvm file descriptor
 * @index: the MSR
 * @value: where to store its value
 *
 * Return: 0 on success, -1 on failure.
 */
static int get_feature_msr(int kvm, unsigned int index, unsigned long long *value)
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

int main(void)
{
	unsigned long long ctls2, ept_cap;
	int kvm = open("/dev/kvm", O_RDWR);

	if (kvm < 0) {
		perror("/dev/kvm");
		return 2;
	}
	if (get_feature_msr(kvm, MSR_IA32_VMX_PROCBASED_CTLS2, &ctls2) ||
	    get_feature_msr(kvm, MSR_IA32_VMX_EPT_VPID_CAP, &ept_cap)) {
		perror("KVM_GET_MSRS");
		return 2;
	}
	printf("mbec=%d advanced_info=%d\n", (int)((ctls2 >> 32 >> 22) & 1),
	       (int)((ept_cap >> 22) & 1));
	close(kvm);
	return 0;
}
