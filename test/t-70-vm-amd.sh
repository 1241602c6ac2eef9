#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The AMD emulated host (QEMU TCG, -cpu EPYC,+svm,+npt) boots the real Debian
# kernel, modprobes the stock kvm_amd and then ours, runs the CI subset of
# the KVM selftests on both, 20 reload cycles on ours, and bad input.  Every
# check becomes a result here; a selftest that fails on stock too is a skip
# with stock's reason, one that passes on stock and fails on ours fails.

. "$(dirname "$0")/lib.sh"

host="AMD host (QEMU)"
if ! command -v qemu-system-x86_64 >/dev/null; then
	fail "$host" "qemu-system-x86_64 missing: sudo scripts/install-deps"
	exit 0
fi
log=$BUILD/vm/logs/amd-ci.log
rm -f "$log"
VM_TIMEOUT=1500 "$TOP/test/vm/run-host" amd ci >"$TEST_LOGS/run.log" 2>&1
if [ ! -f "$log" ]; then
	fail "$host: boots" "no serial log" "$TEST_LOGS/run.log"
	exit 0
fi
sed -n '/^test  /,$p' "$TEST_LOGS/run.log"
"$TOP/test/vm/report" --results "$host" "$log" | tee -a "$KVM_MBEC_RESULTS" | sed 's/^\([a-z]*\) /\U\1\E: /'
if tr -d '\r' <"$log" | grep -q '^KVM-MBEC-INFO ours param kvm_amd/parameters/npt = Y'; then
	pass "$host: kvm_amd (ours) loads with npt=Y"
else
	fail "$host: kvm_amd (ours) loads with npt=Y" "" "$log"
fi
