#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Windows VBS guide's QEMU flags, booted: on the MBEC-capable Intel host
# (Debian 13's Bochs 3.0), Debian's QEMU 7.2 runs with -accel kvm and exactly
# the -cpu of docs/windows-vbs-qemu.args a tiny guest (test/vm/guests/
# vbs-probe) that reports what a nested Hyper-V would see: VMX, the Hyper-V
# vendor and enlightened VMCS, and MBEC with the advanced EPT-violation
# information in its VMX capability MSRs -- on ours with enable_mbec=1, and
# none of the MBEC bits on stock (test/vm/plans/vbs.sh).
# make check leaves it to check-full: what it adds to t-72 (whose
# vmx_mbec_test reads the VMX capability MSRs that KVM gives L1) is that
# Debian's QEMU passes them on with those flags, which only a QEMU update
# changes.
# Only in make check-full.

. "$(dirname "$0")/lib.sh"

label="Windows VBS flags on the Intel MBEC host (Bochs 3.0)"
need_mbec_host "$label" || exit 0
# enable_apicv=0: see t-72.
VM_PLAN=vbs VM_APPEND="kvm_intel.enable_apicv=0" VM_TIMEOUT=${VM_TIMEOUT:-2400} \
	vm_host "$label" intel-mbec kvm_intel/parameters/enable_mbec=Y
