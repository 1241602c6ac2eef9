#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The MBEC-capable Intel host: Debian 13's Bochs 3.0 (test/vm/mbec-bochs;
# BOCHS= for another Bochs >= 3.0 with VMX level 2).
# Ours is loaded with enable_mbec=1, which must stay Y there, and the VMX
# selftests must match stock.
# make check runs it on the oldest base: t-78 runs vmx_mbec_test on the
# MBEC host for the 6.12 base, built for Debian 13's kernel.
# Runs once per base in make check-full.

. "$(dirname "$0")/lib.sh"

label="Intel MBEC host (Bochs 3.0), enable_mbec=1"
need_mbec_host "$label" || exit 0
# Bochs 3.0 fails every VM entry of 6.1's KVM, stock too, with APICv
# ("VMFAIL: VMCS EXEC CTRL: Posted Interrupt Descriptor phy addr malformed"
# with BOCHS_ERRORS=report): both sides load with enable_apicv=0 there,
# through the kernel command line, which modprobe reads.
VM_APPEND="kvm_mbec.ours_params=enable_mbec=1 kvm_intel.enable_apicv=0 kvm_mbec.tests=$VM_INTEL_RUN_TESTS" \
	VM_TIMEOUT=2400 \
	VM_TESTS="$VM_INTEL_TESTS" \
	vm_host "$label" intel-mbec kvm_intel/parameters/enable_mbec=Y
if tr -d '\r' <"$(vm_log intel-mbec-ci)" 2>/dev/null |
	grep -q 'kvm_intel: MBEC enabled'; then
	pass "$label: the kernel reports MBEC enabled"
else
	fail "$label: the kernel reports MBEC enabled" "" "$(vm_log intel-mbec-ci)"
fi

# The cpu model really offers MBEC: the host's own VMX capability MSRs, read
# by kvm-mbec status through the msr driver (IA32_VMX_PROCBASED_CTLS2
# allowed-1 bit 22, IA32_VMX_EPT_VPID_CAP bit 22).  Without them every
# other check here would pass vacuously.
cpu=$(tr -d '\r' <"$(vm_log intel-mbec-ci)" 2>/dev/null |
	sed -n 's/^KVM-MBEC-INFO status stock cpu_feature=//p' | head -n1)
if [ "$cpu" = "true cpu_advanced_info=true source=MSRs 0x48b, 0x48c" ]; then
	pass "$label: the host's MSRs 0x48b/0x48c offer MBEC and the advanced EPT-violation information"
else
	fail "$label: the host's MSRs 0x48b/0x48c offer MBEC and the advanced EPT-violation information" \
		"got cpu_feature=${cpu:-nothing}: this Bochs does not emulate MBEC" \
		"$(vm_log intel-mbec-ci)"
fi
# The stock side moves ours out of updates/ (test/vm/guest/common.sh), so
# ours are not installed then; t-45 has the stock-loaded-over-ours case.
vm_status "$label" intel-mbec-ci stock false 'kvm-mbec is not installed for the running kernel'
vm_status "$label" intel-mbec-ci ours true 'MBEC is on for L1 and offered to nested hypervisors'
vm_status "$label" intel-mbec-ci ours-default false 'kvm_intel\.enable_mbec is off'
# Our nested-MBEC selftest (test/selftests/x86_64/vmx_mbec_test.c) runs
# here: it skips on stock, which offers L1 no MBEC, and must pass on ours:
# every R/W/XS/XU leaf at CPL0 and CPL3, and the 2M pages under the NX huge
# page mitigation and eager splitting.
vm_selftest "$label" intel-mbec-ci stock vmx_mbec_test SKIP 'KVM offers L1 no MBEC'
vm_selftest "$label" intel-mbec-ci ours vmx_mbec_test PASS ''
vm_mbec_groups "$label" intel-mbec-ci
