#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Plan "mutant": only ours, which scripts/check-mutants built with one
# security fix reverted (VM_OURS), runs the selftests that claim to cover
# that fix (kvm_mbec.tests=a,b); a mutant is caught when one of them
# fails.  Runs inside the guest (busybox ash), sourced by /init.
# kvm_mbec.timeout=S (default 600).
# kvm-mbec-selftests: vmx_mbec_test svm_gmet_test

TO=$(cmdline_param kvm_mbec.timeout || echo 600)
TESTS=$(cmdline_param kvm_mbec.tests | tr ',' ' ')
[ -n "$TESTS" ] || TESTS=$(sed -n 's/^# kvm-mbec-selftests: //p' /lib/kvm-mbec/plan.sh)

if switch_and_load ours ours; then
	print_params ours
	for t in $TESTS; do
		run_selftest ours "$t" "$TO"
	done
else
	for t in $TESTS; do
		result ours "$t" FAIL "KVM not usable"
	done
fi
check_kernel ours
unload_kvm || info "could not unload kvm at the end"
