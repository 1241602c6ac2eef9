#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Plan "full": every selftest that built, on stock and on ours; 1000
# field-trial reload cycles on ours; bad module parameters.  Runs inside the
# guest (busybox ash), sourced by /init.
# kvm_mbec.cycles=N (default 1000), kvm_mbec.timeout=S (default 900),
# kvm_mbec.tests=a,b (a subset).
# kvm-mbec-selftests: all

CYCLES=$(cmdline_param kvm_mbec.cycles || echo 1000)
TO=$(cmdline_param kvm_mbec.timeout || echo 900)
TESTS=$(cmdline_param kvm_mbec.tests | tr ',' ' ')
[ -n "$TESTS" ] || TESTS=$(all_selftests)

for side in stock ours; do
	if switch_and_load "$side" "$side"; then
		[ "$side" = ours ] && print_params ours
		for t in $TESTS; do
			run_selftest "$side" "$t" "$TO"
			# a test may leave KVM unusable; say so once and go on
			[ -c /dev/kvm ] || info "$side: /dev/kvm gone after $t"
		done
	else
		for t in $TESTS; do
			result "$side" "$t" FAIL "KVM not usable"
		done
	fi
	check_kernel "$side"
done

run_cycles "$CYCLES" sync_regs_test
check_kernel cycles
bad_input
check_kernel badinput
unload_kvm || info "could not unload kvm at the end"
