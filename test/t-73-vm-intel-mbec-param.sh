#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvm_intel.enable_mbec=1 on an Intel host without MBEC (Debian's Bochs 2.7,
# corei7_skylake_x: VMX and EPT, no mode-based execute control): ours says
# which capability is missing, the parameter reads N, and the VMX selftests
# match stock.  t-71 covers enable_mbec=0 (the default); the ci plan's bad
# input checks enable_mbec=banana and mbec=banana on both.

. "$(dirname "$0")/lib.sh"

if ! command -v bochs >/dev/null; then
	fail "Intel host (Bochs 2.7), enable_mbec=1" "bochs missing: sudo scripts/install-deps"
	exit 0
fi
label="Intel host (Bochs 2.7), enable_mbec=1"
VM_NAME=intel-ci-mbec1 VM_APPEND=kvm_mbec.ours_params=enable_mbec=1 \
	VM_TIMEOUT=2400 VM_TESTS="$VM_INTEL_TESTS" \
	vm_host "$label" intel kvm_intel/parameters/enable_mbec=N

log=$BUILD/vm/logs/intel-ci-mbec1.log
msg=$(tr -d '\r' <"$log" 2>/dev/null | grep -m1 -o 'kvm_intel: enable_mbec=1 ignored.*')
if [ -n "$msg" ]; then
	pass "$label: the kernel says why: ${msg#kvm_intel: }"
else
	fail "$label: the kernel says why MBEC is off" "no 'enable_mbec=1 ignored' line" "$log"
fi
if tr -d '\r' <"$log" 2>/dev/null | grep -q 'ours param kvm_intel/parameters/mbec = N'; then
	pass "$label: the alias mbec reads N too"
else
	fail "$label: the alias mbec reads N too" "" "$log"
fi
