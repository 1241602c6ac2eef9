#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Intel emulated host (Debian's Bochs 2.7, corei7_skylake_x: VMX and EPT,
# no MBEC) boots the real Debian kernel, modprobes the stock kvm_intel and
# then ours, runs a VMX subset of the selftests on both, 20 reload cycles
# on ours, and bad input.  Bochs is slow: the subset is small.

. "$(dirname "$0")/lib.sh"

host="Intel host (Bochs 2.7)"
if ! command -v bochs >/dev/null; then
	fail "$host" "bochs missing: sudo scripts/install-deps"
	exit 0
fi
tests="cpuid_test sync_regs_test set_sregs_test kvm_pv_test platform_info_test vmx_msrs_test vmx_tsc_adjust_test vmx_close_while_nested_test"
log=$BUILD/vm/logs/intel-ci.log
rm -f "$log"
VM_TIMEOUT=2400 VM_TESTS="$tests" "$TOP/test/vm/run-host" intel ci >"$TEST_LOGS/run.log" 2>&1
if [ ! -f "$log" ]; then
	fail "$host: boots" "no serial log" "$TEST_LOGS/run.log"
	exit 0
fi
sed -n '/^test  /,$p' "$TEST_LOGS/run.log"
"$TOP/test/vm/report" --results "$host" "$log" | tee -a "$KVM_MBEC_RESULTS" | sed 's/^\([a-z]*\) /\U\1\E: /'
if tr -d '\r' <"$log" | grep -q '^KVM-MBEC-INFO ours param kvm_intel/parameters/ept = Y'; then
	pass "$host: kvm_intel (ours) loads with ept=Y"
else
	fail "$host: kvm_intel (ours) loads with ept=Y" "" "$log"
fi
