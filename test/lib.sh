# SPDX-License-Identifier: GPL-2.0
# Helpers for the test/t-*.sh scripts.  Source it.  Each check records one
# result line in $KVM_MBEC_RESULTS; test/run counts them.

. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# Tests look at every result themselves; grep -q in a pipe must not fail it.
set +e +o pipefail

: "${KVM_MBEC_RESULTS:=/dev/null}"
TEST_NAME=$(basename "$0" .sh)
# A test that runs once per base (test/run) names its base.
TEST_LABEL=$TEST_NAME${KVM_MBEC_BASE:+ ($KVM_MBEC_BASE)}
TEST_LOGS=$BUILD/test-logs/$TEST_NAME${KVM_MBEC_BASE:+-$KVM_MBEC_BASE}
mkdir -p "$TEST_LOGS"

pass() {
	echo "PASS: $TEST_LABEL: $1"
	echo "pass $TEST_LABEL: $1" >>"$KVM_MBEC_RESULTS"
}

# fail NAME [WHY] [LOGFILE]: the last lines of LOGFILE go with the failure.
fail() {
	echo "FAIL: $TEST_LABEL: $1"
	[ -n "${2:-}" ] && echo "      $2"
	[ -n "${3:-}" ] && [ -f "$3" ] && tail -n 20 "$3" | sed 's/^/      | /'
	echo "fail $TEST_LABEL: $1" >>"$KVM_MBEC_RESULTS"
}

skip() {
	echo "SKIP: $TEST_LABEL: $1 ($2)"
	echo "skip $TEST_LABEL: $1" >>"$KVM_MBEC_RESULTS"
}

# expect NAME CMD...: passes when CMD succeeds; its output goes to a log.
expect() {
	local name=$1 log
	shift
	log=$TEST_LOGS/$(echo "$name" | tr -c 'A-Za-z0-9_.-' '_').log
	if "$@" >"$log" 2>&1; then
		pass "$name"
	else
		fail "$name" "command failed: $*" "$log"
	fi
}

# expect_fail NAME PATTERN CMD...: passes when CMD fails and its output
# matches the extended regex PATTERN (the clear error we promise).
expect_fail() {
	local name=$1 pattern=$2 log
	shift 2
	log=$TEST_LOGS/$(echo "$name" | tr -c 'A-Za-z0-9_.-' '_').log
	if "$@" >"$log" 2>&1; then
		fail "$name" "command succeeded but should have failed: $*" "$log"
	elif ! grep -qE "$pattern" "$log"; then
		fail "$name" "failed without the expected message /$pattern/" "$log"
	else
		pass "$name"
	fi
}

# The kernel the suite tests against: KVER from the environment, else the
# choice `make` would make.
test_kver() {
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
	else
		# A kernel of this test's base (test/run's KVM_MBEC_BASE, else
		# the running kernel's, else the oldest), not of any base.
		KVM_MBEC_BASE=$BASE_ID "$TOP/scripts/choose-kver" 2>/dev/null
	fi
}

# bad_patch: a well-formed patch of the series' format whose context is
# not in the base, on stdout.
bad_patch() {
	cat <<-'PATCH'
	From: test <test@localhost>
	Subject: [PATCH] KVM: x86: a patch whose context is not in the base

	---
	 arch/x86/kvm/x86.c | 2 +-
	 1 file changed, 1 insertion(+), 1 deletion(-)

	diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c
	--- a/arch/x86/kvm/x86.c
	+++ b/arch/x86/kvm/x86.c
	@@ -1,2 +1,2 @@
	-this line is not in x86.c
	+nor is this one
	 // SPDX-License-Identifier: GPL-2.0-only
	PATCH
}

# A Debian version of the kernel later than our base, as Debian's next
# stable update would be: 6.1.192-3 -> 6.1.195-1.
later_debian_version() {
	local upstream=${BASE_VERSION%-*}
	echo "${upstream%.*}.$((${upstream##*.} + 3))-1"
}

# The serial logs of the emulated hosts: build/vm/logs/NAME.log for the
# oldest base, NAME-<id>.log for another (VM_SUFFIX, scripts/lib.sh), so
# that a test that runs once per base keeps each base's log.

# vm_log NAME: the serial log of run NAME on this base.
vm_log() {
	echo "$BUILD/vm/logs/$1$VM_SUFFIX.log"
}

# vm_host LABEL HOST [PARAM]: run a plan (VM_PLAN, default ci) on an
# emulated host (see test/vm/run-host; VM_TIMEOUT and VM_TESTS pass through)
# and record each of its checks (test/vm/report --results).  PARAM, as
# module/parameter=value, must be among the parameters our module shows in
# the guest.  VM_APPEND: extra kernel arguments (kvm_mbec.ours_params=...);
# VM_NAME: the log name when one test boots a host twice (default
# HOST-PLAN).
vm_host() {
	local label=$1 host=$2 param=${3:-} plan=${VM_PLAN:-ci}
	local name=${VM_NAME:-$2-$plan} log

	log=$(vm_log "$name")
	rm -f "$log"
	VM_NAME=$name$VM_SUFFIX "$TOP/test/vm/run-host" "$host" "$plan" "${VM_APPEND:-}" \
		>"$TEST_LOGS/$name$VM_SUFFIX.log" 2>&1
	if [ ! -f "$log" ]; then
		fail "$label: boots" "no serial log" "$TEST_LOGS/$name$VM_SUFFIX.log"
		return
	fi
	sed -n '/^test  /,$p' "$TEST_LOGS/$name$VM_SUFFIX.log"
	"$TOP/test/vm/report" --results "$label" "$log" | tee -a "$KVM_MBEC_RESULTS" |
		sed 's/^\([a-z]*\) /\U\1\E: /'
	[ -n "$param" ] || return
	if tr -d '\r' <"$log" | grep -q "^KVM-MBEC-INFO ours param ${param%%=*} = ${param#*=}"; then
		pass "$label: ours loads with ${param#*/parameters/}"
	else
		fail "$label: ours loads with ${param#*/parameters/}" "" "$log"
	fi
}

# log_of CHECK: the log file expect/expect_fail wrote for CHECK.
log_of() {
	echo "$TEST_LOGS/$(echo "$1" | tr -c 'A-Za-z0-9_.-' '_').log"
}

# log_says NAME CHECK PATTERN: the log of CHECK matches the regex PATTERN.
log_says() {
	if grep -qE -- "$3" "$(log_of "$2")"; then
		pass "$1"
	else
		fail "$1" "no /$3/ in the output of: $2" "$(log_of "$2")"
	fi
}

# resolves_to DIR: modinfo (so modprobe) finds kvm, kvm_intel and kvm_amd
# for $kver (the caller's) in DIR.
resolves_to() {
	local m path
	for m in kvm kvm_intel kvm_amd; do
		path=$(modinfo -k "$kver" -n "$m") || return 1
		echo "$m: $path"
		# Debian compresses 6.12's stock modules (.ko.xz).
		[[ $path == "$1/${m//_/-}.ko"?(.xz|.zst|.gz) ]] || return 1
	done
}

# need_mbec_host LABEL: whether the MBEC-capable Intel host can run here
# (test/vm/mbec-bochs); if not, a skip (not root) or a failure (making it
# failed) with the reason, and return 1.
need_mbec_host() {
	local rc=0 why
	why=$("$TOP/test/vm/mbec-bochs" 2>&1) || rc=$?
	case $rc in
	0) return 0 ;;
	77) skip "$1" "$why" ;;
	*) fail "$1: the MBEC-capable Bochs" "$why" ;;
	esac
	return 1
}

# vm_status LABEL NAME PHASE ACTIVE PATTERN: in the serial log of run NAME,
# "kvm-mbec status" in the guest at PHASE (stock, ours) said active=ACTIVE
# (true, false) with a reason matching the extended regex PATTERN.
vm_status() {
	local label=$1 name=$2 phase=$3 active=$4 pattern=$5 log line
	log=$(vm_log "$name")
	line=$(tr -d '\r' <"$log" 2>/dev/null |
		sed -n "s/^KVM-MBEC-INFO status $phase active=//p" | head -n1)
	if [ "${line%% *}" = "$active" ] && grep -qE "$pattern" <<<"${line#* reason=}"; then
		pass "$label: kvm-mbec status on $phase: active=$active, ${line#* reason=}"
	else
		fail "$label: kvm-mbec status on $phase: active=$active, /$pattern/" \
			"got: ${line:-nothing}" "$log"
	fi
}

# vm_selftest LABEL NAME PHASE TEST STATUS PATTERN: in the serial log of run
# NAME, selftest TEST on PHASE (stock, ours) ended STATUS (PASS, SKIP, FAIL)
# with a message matching the extended regex PATTERN.  For what the stock
# and ours comparison cannot say: that a test ran instead of skipping, or
# skipped for the right reason.
vm_selftest() {
	local label=$1 name=$2 phase=$3 t=$4 st=$5 pattern=$6 log line
	log=$(vm_log "$name")
	line=$(tr -d '\r' <"$log" 2>/dev/null |
		sed -n "s/^KVM-MBEC-RESULT $phase $t //p" | head -n1)
	if [ "${line%% *}" = "$st" ] && grep -qE -- "$pattern" <<<"${line#* }"; then
		pass "$label: $t on $phase: $st ${line#* }"
	else
		fail "$label: $t on $phase: $st /$pattern/" "got: ${line:-nothing}" "$log"
	fi
}

# vm_mbec_groups LABEL NAME: in the serial log of run NAME on the MBEC
# host, every group of vmx_mbec_test's cases ran and passed on ours (the
# test reports a group it cannot run as NOT RUN and still passes on other
# hosts): that host has unrestricted guest, 2 MiB EPT pages, a writable
# kvm.nx_huge_pages and KVM_DIRTY_LOG_INITIALLY_SET.
vm_mbec_groups() {
	local label=$1 log g line
	log=$(vm_log "$2")
	for g in "4K matrix" "emulated walks" "MBEC off in vmcs12" "paging off" "nested state" \
		"NX huge pages" "dirty logging split" "KVM_CLEAR_DIRTY_LOG split" "2M matrix" \
		"advanced info not offered"; do
		line=$(tr -d '\r' <"$log" 2>/dev/null |
			sed -n "s/^KVM-MBEC-INFO ours vmx_mbec_test: group $g: //p" | head -n1)
		case $line in
		PASS*) pass "$label: vmx_mbec_test ran and passed its $g cases: $line" ;;
		*) fail "$label: vmx_mbec_test ran and passed its $g cases" "got: ${line:-no line}" "$log" ;;
		esac
	done
}

# The selftests the Intel hosts run: Bochs is slow, and svm_* have no use
# there.  vmx_mbec_test is ours (test/selftests/): it skips without MBEC.
VM_INTEL_TESTS="cpuid_test sync_regs_test set_sregs_test kvm_pv_test platform_info_test vmx_msrs_test vmx_tsc_adjust_test vmx_close_while_nested_test vmx_mbec_test"
# The same without sync_regs_test, for kvm_mbec.tests=: 6.12's has three
# race tests that spin for 2 s of guest time each, 5 minutes of Bochs 3.0
# on each side.  The reload cycles still run it, without those
# (test/vm/guest/common.sh, run_cycles), so it stays in the initramfs.
VM_INTEL_RUN_TESTS=$(echo "$VM_INTEL_TESTS" | tr ' ' '\n' | grep -vx sync_regs_test | paste -sd,)

# vm_param_unavailable LABEL HOST MODULE PARAM ALIAS: the ci plan on HOST,
# with ours loaded with PARAM=1 on a CPU that lacks the feature: PARAM and
# its ALIAS read N, the kernel says in one line why, and the selftests
# match stock (vm_host).  VM_TIMEOUT and VM_TESTS pass through.
vm_param_unavailable() {
	local label=$1 host=$2 mod=$3 par=$4 alias=$5 name=$2-ci-$4
	local log msg

	log=$(vm_log "$name")

	VM_NAME=$name VM_APPEND=kvm_mbec.ours_params=$par=1 \
		vm_host "$label" "$host" "$mod/parameters/$par=N"
	msg=$(tr -d '\r' <"$log" 2>/dev/null | grep -m1 -o "$mod: $par=1 ignored.*")
	if [ -n "$msg" ]; then
		pass "$label: the kernel says why: ${msg#"$mod": }"
	else
		fail "$label: the kernel says why" "no '$par=1 ignored' line" "$log"
	fi
	if tr -d '\r' <"$log" 2>/dev/null | grep -q "ours param $mod/parameters/$alias = N"; then
		pass "$label: the alias $alias reads N too"
	else
		fail "$label: the alias $alias reads N too" "" "$log"
	fi
	# and kvm-mbec status names the CPU as the reason
	vm_status "$label" "$name" ours false 'the CPU lacks (MBEC|GMET)'
}

# snapshot OUT PATH...: for a test that changes the system, what it may
# touch, to compare afterwards with same_snapshot: every path under PATH...
# and the entries of /usr/src and /lib/modules, sorted, in OUT.paths; the
# checksum of every regular file among them but modules in OUT.sums.
snapshot() {
	local out=$1 f
	shift
	{
		find "$@" 2>/dev/null
		find /usr/src /lib/modules -maxdepth 1
	} | LC_ALL=C sort >"$out.paths"
	grep -v '\.ko$' "$out.paths" | while read -r f; do
		[ -f "$f" ] && [ ! -L "$f" ] && sha256sum "$f"
	done >"$out.sums"
}

# same_snapshot BEFORE AFTER: the two snapshots have the same paths and sums.
same_snapshot() {
	diff "$1.paths" "$2.paths" && diff "$1.sums" "$2.sums"
}
