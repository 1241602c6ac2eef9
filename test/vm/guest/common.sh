# SPDX-License-Identifier: GPL-2.0
# Helpers for the plans that run inside the emulated host (busybox ash, not
# bash).  /init sources it before the plan.  Installed by test/vm/mkinitramfs
# as /lib/kvm-mbec/common.sh.
#
# Output contract (serial console, parsed by test/vm/report):
#   KVM-MBEC-RESULT <phase> <name> <PASS|FAIL|SKIP> [free text]
#   KVM-MBEC-INFO <text>
#   KVM-MBEC-DONE                      (printed by /init at the very end)

KVER=$(cat /lib/kvm-mbec/kver)
OUR_VERSION=$(cat /lib/kvm-mbec/our-version)
MODDIR=/lib/modules/$KVER
ASIDE=/lib/kvm-mbec/updates-aside
ST=/selftests
LOG=/tmp/kvm-mbec
mkdir -p "$LOG"

result() {
	# result PHASE NAME STATUS [TEXT...]: one line, no newlines in TEXT
	_rp=$1 _rn=$2 _rs=$3
	shift 3
	echo "KVM-MBEC-RESULT $_rp $_rn $_rs $(echo "$*" | tr '\n\r' '  ' | cut -c1-300)"
}

info() {
	echo "KVM-MBEC-INFO $*"
}

# info_file PREFIX FILE [MAX]: the lines of FILE as INFO lines.
info_file() {
	head -n "${3:-40}" "$2" | while IFS= read -r _l; do
		echo "KVM-MBEC-INFO $1 $_l"
	done
}

# cmdline_param NAME: the value of NAME=value on the kernel command line.
cmdline_param() {
	for _w in $(cat /proc/cmdline); do
		case "$_w" in
		"$1"=*) echo "${_w#*=}"; return 0 ;;
		esac
	done
	return 1
}

# Time in centiseconds since boot (busybox date has no %N).
now_cs() {
	read -r _up _rest </proc/uptime
	echo $((${_up%.*} * 100 + 1${_up#*.} - 100))
}

# cs_fmt CENTISECONDS: "12.34"
cs_fmt() {
	printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

# kvm_mbec.skip=a,b: selftests the ci and full plans report as SKIP
# without running them (a test that wedges an emulator, stock and ours).
NOT_RUN=$(cmdline_param kvm_mbec.skip || true)
# kvm_mbec.ours_params=a=1,b=2: module parameters for every load of ours.
OURS_PARAMS=$(cmdline_param kvm_mbec.ours_params | tr ',' ' ')
VENDOR=$(cmdline_param kvm_mbec.vendor || true)
if [ -z "$VENDOR" ]; then
	if grep -qw svm /proc/cpuinfo; then
		VENDOR=amd
	elif grep -qw vmx /proc/cpuinfo; then
		VENDOR=intel
	else
		VENDOR=none
	fi
fi
case "$VENDOR" in
amd) VMOD=kvm_amd OTHER_MOD=kvm_intel ;;
intel) VMOD=kvm_intel OTHER_MOD=kvm_amd ;;
*) VMOD= OTHER_MOD= ;;
esac

# Which modules modprobe loads: "stock" or "ours".
CURRENT=

# Stock only (mkinitramfs with VM_STOCK_ONLY=1 put no modules of ours in):
# the plans run their stock side alone.
STOCK_ONLY=
[ -f /lib/kvm-mbec/stock-only ] && STOCK_ONLY=1

# plan_sides: the sides a plan runs, in order: "stock ours", or "stock" when
# this initramfs has no modules of ours.
plan_sides() {
	if [ -n "$STOCK_ONLY" ]; then
		echo stock
	else
		echo stock ours
	fi
}

unload_kvm() {
	for _m in kvm_amd kvm_intel kvm; do
		[ -d "/sys/module/$_m" ] || continue
		modprobe -r "$_m" >"$LOG/rmmod.out" 2>&1 ||
			rmmod "$_m" >>"$LOG/rmmod.out" 2>&1
	done
	[ ! -d /sys/module/kvm ]
}

# use_modules stock|ours: unload kvm, then switch the module index so that
# modprobe finds the wanted copies.  Stock: updates/ is moved aside, as after
# "dkms remove"; ours: it is back, as DKMS installs it.  The index is the one
# depmod prepared on the build host for that case (mkinitramfs checks that
# it prefers updates/dkms).  kvm_mbec.depmod=guest runs depmod in the guest
# instead: busybox-initramfs rootfs made kmod's depmod ignore updates/ there
# (see test/vm/README.md), so it is not the default.
use_modules() {
	# A VM that a timed-out selftest left behind may still be tearing
	# down (seen under TCG on a loaded machine: kvm_binary_stats_test in
	# rcu_barrier() for minutes, stock modules), holding a reference on
	# kvm: wait for it, up to kvm_mbec.unload_wait seconds (default 900).
	_uw=$(cmdline_param kvm_mbec.unload_wait || echo 900)
	_ut0=$(now_cs)
	until unload_kvm; do
		if [ $(($(now_cs) - _ut0)) -ge $((_uw * 100)) ]; then
			info "cannot unload kvm after ${_uw}s: $(cat "$LOG/rmmod.out")"
			ps | grep -v ' \[' | tail -n 15 | while IFS= read -r _l; do info "ps: $_l"; done
			return 1
		fi
		sleep 5
	done
	[ "$_ut0" -ge $(($(now_cs) - 500)) ] ||
		info "kvm unloaded after waiting $(cs_fmt $(($(now_cs) - _ut0)))s"
	case "$1" in
	stock) [ -d "$MODDIR/updates" ] && mv "$MODDIR/updates" "$ASIDE" ;;
	ours) [ -d "$ASIDE" ] && mv "$ASIDE" "$MODDIR/updates" ;;
	*) return 1 ;;
	esac
	if [ "$(cmdline_param kvm_mbec.depmod)" = guest ]; then
		depmod "$KVER" >"$LOG/depmod.out" 2>&1 ||
			info "depmod failed in the guest: $(cat "$LOG/depmod.out")"
	else
		cp /lib/kvm-mbec/depmod-"$1"/* "$MODDIR/"
	fi
	_f=$(modinfo -n kvm 2>/dev/null)
	case "$1:$_f" in
	stock:*/kernel/arch/x86/kvm/kvm.ko | stock:*/kernel/arch/x86/kvm/kvm.ko.* | \
	ours:*/updates/dkms/kvm.ko) ;;
	*)
		info "modprobe would load the wrong kvm for $1: $_f"
		return 1
		;;
	esac
	CURRENT=$1
}

wait_dev_kvm() {
	_wi=0
	while [ ! -c /dev/kvm ] && [ $_wi -lt 20 ]; do
		sleep 0.1
		_wi=$((_wi + 1))
	done
	[ -c /dev/kvm ]
}

# load_kvm [MODULE] [PARAMS...]: modprobe by name; LOAD_CS is the time it
# took, $LOG/dmesg.load the kernel messages of the load, $LOG/modprobe.out
# modprobe's own output.
load_kvm() {
	_mod=${1:-$VMOD}
	[ $# -gt 0 ] && shift
	dmesg -c >>"$LOG/dmesg.all" 2>&1
	_t0=$(now_cs)
	modprobe "$_mod" "$@" >"$LOG/modprobe.out" 2>&1
	_rc=$?
	LOAD_CS=$(($(now_cs) - _t0))
	dmesg >"$LOG/dmesg.load" 2>&1
	return $_rc
}

# info_dmesg PREFIX: the kvm-related kernel messages of the last load.
info_dmesg() {
	grep -iE 'kvm|svm|vmx|ccp|sev|irqbypass' "$LOG/dmesg.load" |
		while IFS= read -r _l; do info "$1 dmesg: $_l"; done
}

# is_ours: the loaded kvm is ours (version and load banner).
is_ours() {
	[ "$(cat /sys/module/kvm/version 2>/dev/null)" = "$OUR_VERSION" ] &&
		[ "$(cat "/sys/module/$VMOD/version" 2>/dev/null)" = "$OUR_VERSION" ] &&
		grep -q 'kvm-mbec' "$LOG/dmesg.load"
}

is_stock() {
	[ -d /sys/module/kvm ] && [ ! -f /sys/module/kvm/version ] &&
		! grep -q 'kvm-mbec' "$LOG/dmesg.load"
}

print_params() {
	for _f in /sys/module/kvm/parameters/* /sys/module/"$VMOD"/parameters/*; do
		[ -r "$_f" ] || continue
		info "$1 param ${_f#/sys/module/} = $(cat "$_f" 2>/dev/null | tr '\n' ' ')"
	done
}

print_meminfo() {
	info "$1 meminfo $(grep -E '^(MemAvailable|Slab):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
}

meminfo_kb() {
	sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo
}

# selftest_reason LOG: one line that says why a selftest failed or skipped.
selftest_reason() {
	if grep -q 'Test Assertion Failure' "$1"; then
		grep -v 'addr2line' "$1" | grep -A3 'Test Assertion Failure' | tail -n 3 | tr -s ' \t' ' ' | tr '\n' '|'
	elif grep -qiE 'skip' "$1"; then
		grep -iE 'skip' "$1" | head -n 1
	else
		grep -v '^[[:space:]]*$' "$1" | tail -n 1
	fi
}

# run_selftest PHASE TEST TIMEOUT [ARGS...]: run one selftest, print its
# RESULT.  Exit codes: 0 pass, 4 skip (KSFT_SKIP), else fail.
ST_CS=0
run_selftest() {
	_phase=$1 _t=$2 _to=$3
	shift 3
	if [ ! -x "$ST/$_t" ]; then
		if grep -qx "$_t" "$ST/FAILED" 2>/dev/null; then
			result "$_phase" "$_t" SKIP "did not build on the build host"
		else
			result "$_phase" "$_t" SKIP "not in this initramfs"
		fi
		return 0
	fi
	if [ ! -c /dev/kvm ]; then
		result "$_phase" "$_t" FAIL "no /dev/kvm"
		return 1
	fi
	_log=$LOG/$_phase.$_t.log
	_t0=$(now_cs)
	timeout "$_to" "$ST/$_t" "$@" >"$_log" 2>&1 </dev/null
	_rc=$?
	ST_CS=$(($(now_cs) - _t0))
	# timeout kills the test, not the children it forked: a timed-out
	# hardware_disable_test left one holding /dev/kvm, so kvm could not
	# be unloaded and the other side never ran.
	if killall -q -KILL "$_t" 2>/dev/null; then
		info "$_phase $_t: killed processes it left behind"
		sleep 1
	fi
	_time="$(cs_fmt $ST_CS)s"
	# Our own selftests (test/selftests/) say what they checked: their
	# output goes into the serial log whatever the outcome.
	_ours=
	if grep -qx "$_t" "$ST/OURS" 2>/dev/null; then
		_ours=1
		info_file "$_phase $_t:" "$_log" 150
	fi
	case $_rc in
	0) result "$_phase" "$_t" PASS "$_time" ;;
	4) result "$_phase" "$_t" SKIP "$(selftest_reason "$_log")" ;;
	124 | 137 | 143)
		result "$_phase" "$_t" FAIL "timeout after ${_to}s (exit $_rc)"
		[ -n "$_ours" ] || info_file "$_phase $_t:" "$_log" 15
		;;
	*)
		result "$_phase" "$_t" FAIL "exit $_rc after $_time: $(selftest_reason "$_log")"
		[ -n "$_ours" ] || info_file "$_phase $_t:" "$_log" 15
		;;
	esac
	return $_rc
}

# switch_and_load PHASE stock|ours: switch the module index, load the vendor
# module by name and check /dev/kvm and identity.  Prints RESULT lines
# PHASE/load, PHASE/identity, PHASE/dev-kvm.  Returns non-zero if KVM is not
# usable.
switch_and_load() {
	_ph=$1 _side=$2
	if [ "$_side" = ours ] && [ -n "$STOCK_ONLY" ]; then
		result "$_ph" load SKIP "stock only: no modules of ours in this initramfs"
		return 1
	fi
	if ! use_modules "$_side"; then
		result "$_ph" switch FAIL "could not switch the module index to $_side"
		return 1
	fi
	shift 2
	# shellcheck disable=SC2086 # the parameters are words
	[ "$_side" = ours ] && set -- $OURS_PARAMS
	if load_kvm "$VMOD" "$@"; then
		result "$_ph" load PASS "modprobe $VMOD $* in $(cs_fmt "$LOAD_CS")s"
	else
		result "$_ph" load FAIL "modprobe $VMOD: $(cat "$LOG/modprobe.out")"
		info_dmesg "$_ph"
		return 1
	fi
	info_dmesg "$_ph"
	info "$_ph kvm from $(modinfo -n kvm), $VMOD from $(modinfo -n "$VMOD")"
	if [ "$_side" = ours ]; then
		if is_ours; then
			result "$_ph" identity PASS "version $(cat /sys/module/kvm/version), banner: $(grep -m1 'kvm-mbec' "$LOG/dmesg.load" | sed 's/^\[[^]]*\] *//')"
		else
			result "$_ph" identity FAIL "kvm version '$(cat /sys/module/kvm/version 2>/dev/null)', want $OUR_VERSION and a kvm-mbec banner"
		fi
	else
		if is_stock; then
			result "$_ph" identity PASS "stock (no module version, no kvm-mbec banner)"
		else
			result "$_ph" identity FAIL "not the stock modules: version '$(cat /sys/module/kvm/version 2>/dev/null)'"
		fi
	fi
	if wait_dev_kvm; then
		result "$_ph" dev-kvm PASS "$(ls -l /dev/kvm | tr -s ' ' | cut -d' ' -f1,5,6)"
	else
		result "$_ph" dev-kvm FAIL "/dev/kvm did not appear"
		return 1
	fi
}

# run_cycles N TEST: N times rmmod VMOD kvm, modprobe VMOD, /dev/kvm, TEST.
run_cycles() {
	switch_and_load cycles ours >"$LOG/cycles.load" || {
		cat "$LOG/cycles.load"
		result cycles setup FAIL "could not load ours"
		return 1
	}
	_cn=$1 _ctest=$2 _cargs=
	# A selftest on the kselftest harness lists its tests with -l (and
	# exits 4, skip); 6.12's sync_regs_test has race_* tests that spin for
	# seconds each, too long for each of many cycles on an emulated host:
	# leave those out (-T).  6.1's, without the harness, has no -l.
	if [ -n "$_ctest" ]; then
		"$ST/$_ctest" -l >"$LOG/cyc.list" 2>&1 </dev/null
		if [ $? -eq 4 ] && grep -q '^# FIXTURE' "$LOG/cyc.list"; then
			for _t in $(awk '$NF ~ /^race_/ { print $NF }' "$LOG/cyc.list"); do
				_cargs="$_cargs -T $_t"
			done
		fi
	fi
	print_meminfo "cycles before"
	_ma0=$(meminfo_kb MemAvailable) _sl0=$(meminfo_kb Slab)
	_ci=1 _bad=0 _first= _t0=$(now_cs)
	while [ "$_ci" -le "$_cn" ]; do
		_err=
		if ! modprobe -r "$VMOD" >"$LOG/cyc.out" 2>&1 || [ -d /sys/module/kvm ]; then
			_err="rmmod: $(cat "$LOG/cyc.out") $(cat /sys/module/kvm/refcnt 2>/dev/null)"
		elif ! modprobe "$VMOD" $OURS_PARAMS >"$LOG/cyc.out" 2>&1; then
			_err="modprobe: $(cat "$LOG/cyc.out")"
		elif ! wait_dev_kvm; then
			_err="no /dev/kvm"
		elif [ -n "$_ctest" ] && ! timeout 120 "$ST/$_ctest" $_cargs >"$LOG/cyc.st" 2>&1 </dev/null; then
			_err="$_ctest: $(selftest_reason "$LOG/cyc.st")"
		fi
		if [ -n "$_err" ]; then
			_bad=$((_bad + 1))
			[ -z "$_first" ] && _first="cycle $_ci: $_err"
			info "cycles cycle $_ci FAIL $_err"
			[ -d /sys/module/kvm ] || modprobe "$VMOD" >/dev/null 2>&1
		fi
		if [ $((_ci % 50)) -eq 0 ] || [ "$_ci" -eq "$_cn" ]; then
			info "cycles $_ci/$_cn done, $_bad failed, $(cs_fmt $(($(now_cs) - _t0)))s"
		fi
		_ci=$((_ci + 1))
	done
	print_meminfo "cycles after"
	_ma1=$(meminfo_kb MemAvailable) _sl1=$(meminfo_kb Slab)
	info "cycles delta MemAvailable $((_ma1 - _ma0)) kB, Slab $((_sl1 - _sl0)) kB over $_cn cycles"
	if [ "$_bad" -eq 0 ]; then
		result cycles reload PASS "$_cn cycles of rmmod/modprobe $VMOD/${_ctest:-no test}$_cargs, /dev/kvm back every time, $(cs_fmt $(($(now_cs) - _t0)))s"
	else
		result cycles reload FAIL "$_bad of $_cn cycles failed; first: $_first"
	fi
}

# bad_param PARAM: PARAM=banana fails with the kernel's message and leaves
# nothing loaded; PARAM=1 loads afterwards.
bad_param() {
	unload_kvm
	if load_kvm "$VMOD" "$1=banana"; then
		result badinput "$1-banana" FAIL "modprobe $VMOD $1=banana succeeded"
	else
		_msg=$(grep -m1 'invalid for parameter' "$LOG/dmesg.load" | sed 's/^\[[^]]*\] *//')
		info "badinput modprobe said: $(cat "$LOG/modprobe.out")"
		if [ -n "$_msg" ]; then
			result badinput "$1-banana" PASS "refused; kernel: $_msg"
		else
			result badinput "$1-banana" FAIL "refused without the kernel's message: $(cat "$LOG/modprobe.out")"
			info_dmesg badinput
		fi
	fi
	if [ -d "/sys/module/$VMOD" ]; then
		result badinput "$1-banana-not-loaded" FAIL "$VMOD is loaded after the refused load"
	fi
	if load_kvm "$VMOD" "$1=1" && wait_dev_kvm; then
		result badinput "$1-valid-after" PASS "modprobe $VMOD $1=1: $1=$(cat "/sys/module/$VMOD/parameters/$1")"
	else
		result badinput "$1-valid-after" FAIL "modprobe $VMOD $1=1: $(cat "$LOG/modprobe.out")"
		info_dmesg badinput
	fi
}

# bad_input: invalid parameter values fail with the kernel's message, valid
# ones work afterwards, and the other vendor's module fails cleanly.
bad_input() {
	case $VENDOR in
	amd) _pars="npt enable_gmet gmet" ;;
	*) _pars="ept enable_mbec mbec" ;;
	esac
	switch_and_load badinput ours >/dev/null || {
		result badinput setup FAIL "could not load ours"
		return 1
	}
	for _par in $_pars; do
		bad_param "$_par"
	done
	unload_kvm
	if load_kvm "$OTHER_MOD"; then
		result badinput "$OTHER_MOD-on-$VENDOR" FAIL "modprobe $OTHER_MOD succeeded on $VENDOR"
	else
		_msg=$(grep -iE 'kvm|vmx|svm' "$LOG/dmesg.load" | grep -viE 'kvm-mbec' | head -n 2 | sed 's/^\[[^]]*\] *//' | tr '\n' '|')
		info "badinput modprobe said: $(cat "$LOG/modprobe.out")"
		if grep -qiE 'Oops|BUG:|WARNING:|Call Trace' "$LOG/dmesg.load"; then
			result badinput "$OTHER_MOD-on-$VENDOR" FAIL "refused, but with a kernel warning/oops"
			info_dmesg badinput
		elif [ -d "/sys/module/$OTHER_MOD" ]; then
			result badinput "$OTHER_MOD-on-$VENDOR" FAIL "refused but still loaded"
		else
			result badinput "$OTHER_MOD-on-$VENDOR" PASS "refused; kernel: $_msg"
		fi
	fi
	unload_kvm
	if load_kvm "$VMOD" && wait_dev_kvm; then
		result badinput "$VMOD-after-$OTHER_MOD" PASS "loads and /dev/kvm is back"
	else
		result badinput "$VMOD-after-$OTHER_MOD" FAIL "$(cat "$LOG/modprobe.out")"
	fi
}

# check_kernel PHASE: RESULT PHASE kernel-log: FAIL if the kernel logged an
# oops, BUG or WARNING since the last check.
KERNEL_BAD='Oops|BUG:|WARNING:|Call Trace|general protection|soft lockup|hung_task'
# boot-time noise of the emulated CPU, not KVM's
KERNEL_NOISE='Speculative Return Stack Overflow'
check_kernel() {
	dmesg -c >"$LOG/dmesg.chk" 2>&1
	cat "$LOG/dmesg.chk" >>"$LOG/dmesg.all"
	grep -vE "$KERNEL_NOISE" "$LOG/dmesg.chk" >"$LOG/dmesg.chk2"
	mv "$LOG/dmesg.chk2" "$LOG/dmesg.chk"
	if grep -qE "$KERNEL_BAD" "$LOG/dmesg.chk"; then
		result "$1" kernel-log FAIL "$(grep -m1 -E "$KERNEL_BAD" "$LOG/dmesg.chk" | sed 's/^\[[^]]*\] *//')"
		grep -E -A12 "$KERNEL_BAD" "$LOG/dmesg.chk" | head -n 30 |
			while IFS= read -r _l; do info "$1 kernel: $_l"; done
	else
		result "$1" kernel-log PASS "no oops/BUG/WARNING"
	fi
}

# selftest_args TEST: the arguments a plan runs TEST with (none by default;
# the full plan shrinks the tests that default to gigabytes of guest memory).
selftest_args() {
	:
}

# selftest_timeout TEST DEFAULT: the per-test timeout a plan gives TEST.
selftest_timeout() {
	echo "$2"
}

# status_json KEY: KEY's value in the last "kvm-mbec status --json"
# ($LOG/status.json; the tool writes one top-level key per line).
status_json() {
	sed -n "s/^  \"$1\": \(.*\),\{0,1\}$/\1/p" "$LOG/status.json" | sed 's/,$//; s/^"//; s/"$//'
}

# check_status PHASE: run "kvm-mbec status" (tools/, our admin's tool) and
# print what it says as "KVM-MBEC-INFO status PHASE ..." lines, which the
# host-side tests compare with what the host offers.  RESULT PHASE
# kvm-mbec-status: FAIL unless its exit status says active exactly when its
# JSON does, and the JSON parses into the fields the checks below read.
check_status() {
	_st_rc=0
	/bin/kvm-mbec status --json >"$LOG/status.json" 2>"$LOG/status.err" || _st_rc=$?
	/bin/kvm-mbec status >"$LOG/status.txt" 2>&1
	while IFS= read -r _l; do info "status $1 text: $_l"; done <"$LOG/status.txt"
	info "status $1 active=$(status_json active) reason=$(status_json reason)"
	info "status $1 cpu_feature=$(status_json cpu_feature) cpu_advanced_info=$(status_json cpu_advanced_info) source=$(status_json cpu_feature_source)"
	case "$_st_rc:$(status_json active)" in
	0:true | 1:false)
		result "$1" kvm-mbec-status PASS "exit $_st_rc: $(status_json reason)" ;;
	*)
		result "$1" kvm-mbec-status FAIL "exit $_st_rc, active=$(status_json active): $(cat "$LOG/status.err")" ;;
	esac
}

# check_mbec_msrs PHASE: on Intel, what KVM_GET_MSRS reports for MBEC and
# the advanced EPT-violation information (the feature MSRs QEMU reads, as
# kvm-mbec status reads them) must follow kvm_intel.enable_mbec: offered
# while it reads Y (with nested=Y), never otherwise.  Stock never offers
# them.  Needs check_status first.
check_mbec_msrs() {
	[ "$VENDOR" = intel ] || return 0
	_want="mbec=false advanced_info=false"
	if [ "$(cat /sys/module/kvm_intel/parameters/enable_mbec 2>/dev/null)" = Y ] &&
	   [ "$(cat /sys/module/kvm_intel/parameters/nested 2>/dev/null)" = Y ]; then
		_want="mbec=true advanced_info=true"
	fi
	_got="mbec=$(status_json kvm_offers_feature) advanced_info=$(status_json kvm_offers_advanced_info)"
	if [ "$_got" = "$_want" ]; then
		result "$1" vmx-feature-msrs PASS "KVM_GET_MSRS: $_got"
	else
		result "$1" vmx-feature-msrs FAIL "KVM_GET_MSRS: $_got, want $_want"
	fi
}

# check_gmet_cpuid PHASE: on AMD, KVM_GET_SUPPORTED_CPUID reports GMET
# exactly while kvm_amd.enable_gmet reads Y (with nested=Y); stock never.
# Needs check_status first.
check_gmet_cpuid() {
	[ "$VENDOR" = amd ] || return 0
	_want=gmet=false
	if [ "$(cat /sys/module/kvm_amd/parameters/enable_gmet 2>/dev/null)" = Y ] &&
	   [ "$(cat /sys/module/kvm_amd/parameters/nested 2>/dev/null)" = 1 ]; then
		_want=gmet=true
	fi
	_got=gmet=$(status_json kvm_offers_feature)
	if [ "$_got" = "$_want" ]; then
		result "$1" gmet-cpuid PASS "KVM_GET_SUPPORTED_CPUID: $_got"
	else
		result "$1" gmet-cpuid FAIL "KVM_GET_SUPPORTED_CPUID: $_got, want $_want"
	fi
}

# The selftests this initramfs carries, in the order they built.
all_selftests() {
	grep -v '\.sh$' "$ST/BUILT" 2>/dev/null
	cat "$ST/FAILED" 2>/dev/null
}

# stock_ours_then_ours TESTS TIMEOUT CYCLES: the selftests on stock, then on
# ours, each side in a kernel it loaded itself; then the field-trial reload
# cycles and the bad-input checks on ours.  The body of the ci and full plans.
stock_ours_then_ours() {
	for _so_side in $(plan_sides); do
		if switch_and_load "$_so_side" "$_so_side"; then
			[ "$_so_side" = ours ] && print_params ours
			check_status "$_so_side"
			check_mbec_msrs "$_so_side"
			check_gmet_cpuid "$_so_side"
			for _so_test in $1; do
				case ",$NOT_RUN," in
				*",$_so_test,"*)
					result "$_so_side" "$_so_test" SKIP "not run on this host (kvm_mbec.skip)"
					continue ;;
				esac
				# shellcheck disable=SC2046 # the plan's args are words
				run_selftest "$_so_side" "$_so_test" \
					"$(selftest_timeout "$_so_test" "$2")" \
					$(selftest_args "$_so_test")
				# a test may leave KVM unusable; say so and go on
				[ -c /dev/kvm ] || info "$_so_side: /dev/kvm gone after $_so_test"
			done
		else
			for _so_test in $1; do
				result "$_so_side" "$_so_test" FAIL "KVM not usable"
			done
		fi
		check_kernel "$_so_side"
	done
	if [ -n "$STOCK_ONLY" ]; then
		unload_kvm || info "could not unload kvm at the end"
		return 0
	fi

	run_cycles "$3" sync_regs_test
	check_kernel cycles
	bad_input
	check_kernel badinput
	# Ours with its defaults, when the plan loaded it with parameters
	# (kvm_mbec.ours_params): what kvm-mbec status says then.
	if [ -n "$OURS_PARAMS" ] && unload_kvm && load_kvm "$VMOD" && wait_dev_kvm; then
		check_status ours-default
	fi
	unload_kvm || info "could not unload kvm at the end"
}
