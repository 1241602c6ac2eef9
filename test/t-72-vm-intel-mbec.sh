#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The MBEC-capable Intel host: an upstream Bochs >= 3.0 built with VMX level
# 2, taken from $BOCHS.  Not in Debian, so skipped (and said so) without it.

. "$(dirname "$0")/lib.sh"

if ! why=$("$TOP/test/vm/have-upstream-bochs" 2>&1); then
	skip "Intel MBEC host (upstream Bochs)" "$why"
	exit 0
fi
VM_TIMEOUT=2400 VM_TESTS="$VM_INTEL_TESTS" vm_host "Intel MBEC host (upstream Bochs)" intel-mbec \
	kvm_intel/parameters/ept=Y
