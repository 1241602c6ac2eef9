#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Plan "bench": module load time and two selftest workloads, stock against
# ours in the same boot.  Numbers are INFO lines:
#   KVM-MBEC-INFO bench <stock|ours> <what> <value> <unit> [detail]
# and one RESULT bench <what>.<side> per measurement (PASS = it ran).
# Runs inside the guest (busybox ash), sourced by /init.
# kvm_mbec.bench_mem=64M (guest memory per vCPU of the workloads),
# kvm_mbec.bench_loads=5 (module loads timed per side),
# kvm_mbec.bench_sides=stock,ours (the sides, in order; NAME:a=1+b=2 is ours
# loaded with parameters a=1 b=2 under the name NAME, for example
# stock,ours,mbec1:enable_mbec=1),
# kvm_mbec.bench_rounds=1 (the sides run this many times, interleaved, so
# that an emulator slowing down over time weighs on every side alike;
# test/vm/bench-report takes each side's median).
# On Intel also vmx_mbec_exits_test: the L0 VM exits and L1 EPT violations
# per user<->kernel round trip of a nested guest, with MBEC and with the
# two EPT views of Restricted User Mode; its "vmx_mbec_exits:" lines become
#   KVM-MBEC-INFO bench <side> vmx_mbec_exits: variant=... exits_per_round_trip=...
# kvm-mbec-selftests: demand_paging_test dirty_log_perf_test vmx_mbec_exits_test

MEM=$(cmdline_param kvm_mbec.bench_mem || echo 64M)
LOADS=$(cmdline_param kvm_mbec.bench_loads || echo 5)
TO=$(cmdline_param kvm_mbec.timeout || echo 1800)
SIDES=$(cmdline_param kvm_mbec.bench_sides || echo stock,ours)
ROUNDS=$(cmdline_param kvm_mbec.bench_rounds || echo 1)

# bench_side SPEC: load one side (see kvm_mbec.bench_sides), time its
# module loads and the two workloads.
bench_side() {
	spec=$1
	side=${spec%%:*}
	modules=ours
	[ "$side" = stock ] && modules=stock
	OURS_PARAMS=
	case $spec in
	*:*) OURS_PARAMS=$(echo "${spec#*:}" | tr '+' ' ') ;;
	esac
	if ! switch_and_load "bench" "$modules" >"$LOG/bench.$side.load" 2>&1; then
		cat "$LOG/bench.$side.load"
		result bench "load.$side" FAIL "could not load $side"
		return
	fi
	grep -q 'identity PASS' "$LOG/bench.$side.load" ||
		result bench "identity.$side" FAIL "$(grep identity "$LOG/bench.$side.load")"
	times=
	total=0
	i=1
	while [ $i -le "$LOADS" ]; do
		unload_kvm
		# shellcheck disable=SC2086 # the parameters are words
		if ! load_kvm "$VMOD" $OURS_PARAMS; then
			result bench "modprobe.$side" FAIL "$(cat "$LOG/modprobe.out")"
			break
		fi
		times="$times $(cs_fmt "$LOAD_CS")"
		total=$((total + LOAD_CS))
		i=$((i + 1))
	done
	info "bench $side modprobe-$VMOD $(cs_fmt $((total / LOADS))) s mean of $LOADS:$times (10 ms resolution)"
	result bench "modprobe.$side" PASS "mean $(cs_fmt $((total / LOADS)))s over $LOADS loads"
	wait_dev_kvm
	[ -z "$OURS_PARAMS" ] || print_params "bench $side"

	for w in "demand_paging_test -b $MEM" "dirty_log_perf_test -b $MEM -i 3"; do
		# shellcheck disable=SC2086 # the workload's words
		set -- $w
		t=$1
		shift
		if [ -x "$ST/$t" ]; then
			t0=$(now_cs)
			timeout "$TO" "$ST/$t" "$@" >"$LOG/bench.$t.$side.log" 2>&1 </dev/null
			rc=$?
			dt=$(($(now_cs) - t0))
			if [ $rc -eq 0 ]; then
				result bench "$t.$side" PASS "$(cs_fmt $dt)s: $t $*"
				info "bench $side $t $(cs_fmt $dt) s wall ($t $*)"
				grep -iE 'time|pages|dirty|populate' "$LOG/bench.$t.$side.log" | head -n 12 |
					while IFS= read -r l; do info "bench $side $t: $l"; done
			else
				result bench "$t.$side" FAIL "exit $rc after $(cs_fmt $dt)s: $(selftest_reason "$LOG/bench.$t.$side.log")"
				info_file "bench $side $t:" "$LOG/bench.$t.$side.log" 15
			fi
		else
			result bench "$t.$side" SKIP "not built"
		fi
	done
	if [ "$VMOD" = kvm_intel ]; then
		bench_exits "$side"
	fi
	check_kernel "bench.$side"
}

# bench_exits SIDE: vmx_mbec_exits_test, its figures as INFO lines.  Its
# mbec variant is SKIP where KVM offers L1 no MBEC (stock, ours without
# enable_mbec=1); the two-view variant runs anyway.
bench_exits() {
	_bx=vmx_mbec_exits_test
	_bx_log=$LOG/bench.$_bx.$1.log
	if [ ! -x "$ST/$_bx" ]; then
		result bench "$_bx.$1" SKIP "not built"
		return
	fi
	timeout "$TO" "$ST/$_bx" >"$_bx_log" 2>&1 </dev/null
	_bx_rc=$?
	grep '^vmx_mbec_exits: ' "$_bx_log" |
		while IFS= read -r l; do info "bench $1 $l"; done
	case $_bx_rc in
	0) result bench "$_bx.$1" PASS "both variants" ;;
	4) result bench "$_bx.$1" SKIP "$(selftest_reason "$_bx_log")" ;;
	*)
		result bench "$_bx.$1" FAIL "exit $_bx_rc: $(selftest_reason "$_bx_log")"
		info_file "bench $1 $_bx:" "$_bx_log" 30
		;;
	esac
}

round=1
while [ $round -le "$ROUNDS" ]; do
	info "bench round $round of $ROUNDS"
	for spec in $(echo "$SIDES" | tr ',' ' '); do
		bench_side "$spec"
	done
	round=$((round + 1))
done
unload_kvm || info "could not unload kvm at the end"
