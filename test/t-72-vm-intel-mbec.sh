#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The MBEC-capable Intel host: an upstream Bochs >= 3.0 built with VMX level
# 2, taken from $BOCHS.  Not in Debian, so skipped (and said so) without it.

. "$(dirname "$0")/lib.sh"

host="Intel MBEC host (upstream Bochs)"
if ! why=$("$TOP/test/vm/have-upstream-bochs" 2>&1); then
	skip "$host" "$why"
	exit 0
fi
tests="cpuid_test sync_regs_test set_sregs_test kvm_pv_test platform_info_test vmx_msrs_test vmx_tsc_adjust_test vmx_close_while_nested_test"
log=$BUILD/vm/logs/intel-mbec-ci.log
rm -f "$log"
VM_TIMEOUT=2400 VM_TESTS="$tests" "$TOP/test/vm/run-host" intel-mbec ci >"$TEST_LOGS/run.log" 2>&1
if [ ! -f "$log" ]; then
	fail "$host: boots" "no serial log" "$TEST_LOGS/run.log"
	exit 0
fi
"$TOP/test/vm/report" --results "$host" "$log" | tee -a "$KVM_MBEC_RESULTS" | sed 's/^\([a-z]*\) /\U\1\E: /'
