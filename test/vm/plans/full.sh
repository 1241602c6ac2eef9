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

stock_ours_then_ours "$TESTS" "$TO" "$CYCLES"
