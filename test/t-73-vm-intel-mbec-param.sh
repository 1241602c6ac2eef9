#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvm_intel.enable_mbec=1 on an Intel host without MBEC (Debian's Bochs 2.7,
# corei7_skylake_x: VMX and EPT, no mode-based execute control): ours says
# which capability is missing, the parameter reads N, and the VMX selftests
# match stock.  t-71 covers enable_mbec=0 (the default); the ci plan's bad
# input checks enable_mbec=banana and mbec=banana.
# Only in make check-full.

. "$(dirname "$0")/lib.sh"

if ! command -v bochs >/dev/null; then
	fail "Intel host (Bochs 2.7), enable_mbec=1" "bochs missing: sudo scripts/install-deps"
	exit 0
fi
VM_TIMEOUT=2400 VM_TESTS="$VM_INTEL_TESTS" vm_param_unavailable \
	"Intel host (Bochs 2.7), enable_mbec=1" intel kvm_intel enable_mbec mbec
# Our nested-MBEC selftest: where MBEC is unavailable, VM entry with it
# fails, and the test says why it skips, on both sides.
for side in stock ours; do
	vm_selftest "Intel host (Bochs 2.7), enable_mbec=1" intel-ci-enable_mbec $side \
		vmx_mbec_test SKIP 'KVM offers L1 no MBEC'
done
