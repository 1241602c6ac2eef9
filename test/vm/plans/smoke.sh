#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Plan "smoke": stock modules load and run one selftest; then ours, proven to
# be ours, run the same selftest.  Runs inside the guest (busybox ash),
# sourced by /init after /lib/kvm-mbec/common.sh.
# kvm-mbec-selftests: sync_regs_test

SMOKE_TEST=sync_regs_test
TO=$(cmdline_param kvm_mbec.timeout || echo 300)

for side in $(plan_sides); do
	if switch_and_load "$side" "$side"; then
		[ "$side" = ours ] && print_params ours
		run_selftest "$side" "$SMOKE_TEST" "$TO"
	else
		result "$side" "$SMOKE_TEST" FAIL "KVM not usable"
	fi
	check_kernel "$side"
done
unload_kvm || info "could not unload kvm at the end"
