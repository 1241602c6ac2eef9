#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvm-unit-tests' MBEC tests in an L1 hypervisor under our kvm_intel with
# enable_mbec=1, on the MBEC-capable Intel host (Debian 13's Bochs 3.0, or
# $BOCHS).  The L1 is x86/vmx.flat of a kvm-unit-tests tree built by hand
# ($KUT) in Debian's QEMU inside the emulated host (test/vm/plans/kut.sh).
# kvm-unit-tests is outside Debian and this repository: skipped, and said
# so, without it.

. "$(dirname "$0")/lib.sh"

label="kvm-unit-tests MBEC tests in an L1 (Bochs 3.0), enable_mbec=1"
need_mbec_host "$label" || exit 0
if [ -z "${KUT:-}" ] || [ ! -f "$KUT/x86/vmx.flat" ]; then
	skip "$label" "KUT is not set to a built kvm-unit-tests tree (KUT/x86/vmx.flat)"
	exit 0
fi
# enable_apicv=0: see t-72.
VM_PLAN=kut VM_APPEND="kvm_mbec.ours_params=enable_mbec=1 kvm_intel.enable_apicv=0" \
	VM_TIMEOUT=${VM_TIMEOUT:-5400} \
	vm_host "$label" intel-mbec kvm_intel/parameters/enable_mbec=Y
# Which of kvm-unit-tests' MBEC checks this host could not run (they fail
# on stock too; the plan reports them as SKIP, by name).
tr -d '\r' <"$(vm_log intel-mbec-kut)" 2>/dev/null |
	sed -n 's/^KVM-MBEC-RESULT mbec \(kut\.[a-z_]*\) SKIP could not run here: \(.*\)/MBEC check not run on this host: \1 (\2)/p'
