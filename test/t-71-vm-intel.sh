#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Intel emulated host (Debian's Bochs 2.7, corei7_skylake_x: VMX and EPT,
# no MBEC) boots the real Debian kernel, modprobes the stock kvm_intel and
# then ours, runs a VMX subset of the selftests on both, 20 reload cycles
# on ours, and bad input.  Bochs is slow: the subset is small.
# Only in make check-full.

. "$(dirname "$0")/lib.sh"

if ! command -v bochs >/dev/null; then
	fail "Intel host (Bochs 2.7)" "bochs missing: sudo scripts/install-deps"
	exit 0
fi
VM_TIMEOUT=2400 VM_TESTS="$VM_INTEL_TESTS" vm_host "Intel host (Bochs 2.7)" intel \
	kvm_intel/parameters/ept=Y
# Bochs 2.7 has no MBEC: kvm-mbec status gives that reason on both sides.
vm_status "Intel host (Bochs 2.7)" intel-ci stock false 'the CPU lacks MBEC'
vm_status "Intel host (Bochs 2.7)" intel-ci ours false 'the CPU lacks MBEC'
# Our nested-MBEC selftest says why it cannot run, on both sides.
for side in stock ours; do
	vm_selftest "Intel host (Bochs 2.7)" intel-ci $side vmx_mbec_test SKIP 'KVM offers L1 no MBEC'
done
