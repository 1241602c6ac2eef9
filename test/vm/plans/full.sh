#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Plan "full": every selftest that built, on stock and on ours; 1000
# field-trial reload cycles on ours; bad module parameters.  Runs inside the
# guest (busybox ash), sourced by /init.
# kvm_mbec.cycles=N (default 1000), kvm_mbec.timeout=S (default 300),
# kvm_mbec.tests=a,b (a subset).
# kvm-mbec-selftests: all

CYCLES=$(cmdline_param kvm_mbec.cycles || echo 1000)
TO=$(cmdline_param kvm_mbec.timeout || echo 300)
TESTS=$(cmdline_param kvm_mbec.tests | tr ',' ' ')
[ -n "$TESTS" ] || TESTS=$(all_selftests)

# Under TCG and Bochs a guest runs ~100x slower than on hardware, and these
# tests default to 1G-128G of guest memory or to 5 s per sub-test.  The
# arguments keep each test's code paths and shrink only its sizes, the
# same for stock and ours.
selftest_args() {
	case $1 in
	demand_paging_test | access_tracking_perf_test | kvm_page_table_test)
		echo "-b 64M" ;;
	dirty_log_perf_test) echo "-b 64M -i 2" ;;
	memslot_modification_stress_test) echo "-b 64M -i 100" ;;
	memslot_perf_test) echo "-s 256 -l 1" ;;
	max_guest_memory_test) echo "-c 1 -m 8 -s 2" ;;
	esac
}

# Two tests take no size arguments: hardware_disable_test (512 forked VMs of
# 4 vCPUs) times out under TCG even on a quiet machine, on stock and ours
# alike; kvm_create_max_vcpus (1024 vCPUs) took 3 s on a quiet machine and
# timed out on a loaded one.  They get 120 s, or kvm_mbec.timeout if less:
# in Debian's Bochs one guest second took 14 to 56 s of wall time here (one
# to three other emulators on two cores), so the Intel full run shortens
# every timeout.
selftest_timeout() {
	case $1 in
	hardware_disable_test | kvm_create_max_vcpus)
		[ "$2" -lt 120 ] && echo "$2" || echo 120 ;;
	*) echo "$2" ;;
	esac
}

stock_ours_then_ours "$TESTS" "$TO" "$CYCLES"
