# SPDX-License-Identifier: GPL-2.0
# Helpers for the test/t-*.sh scripts.  Source it.  Each check records one
# result line in $KVM_MBEC_RESULTS; test/run counts them.

. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# Tests look at every result themselves; grep -q in a pipe must not fail it.
set +e +o pipefail

: "${KVM_MBEC_RESULTS:=/dev/null}"
TEST_NAME=$(basename "$0" .sh)
TEST_LOGS=$BUILD/test-logs/$TEST_NAME
mkdir -p "$TEST_LOGS"

pass() {
	echo "PASS: $TEST_NAME: $1"
	echo "pass $TEST_NAME: $1" >>"$KVM_MBEC_RESULTS"
}

# fail NAME [WHY] [LOGFILE]: the last lines of LOGFILE go with the failure.
fail() {
	echo "FAIL: $TEST_NAME: $1"
	[ -n "${2:-}" ] && echo "      $2"
	[ -n "${3:-}" ] && [ -f "$3" ] && tail -n 20 "$3" | sed 's/^/      | /'
	echo "fail $TEST_NAME: $1" >>"$KVM_MBEC_RESULTS"
}

skip() {
	echo "SKIP: $TEST_NAME: $1 ($2)"
	echo "skip $TEST_NAME: $1" >>"$KVM_MBEC_RESULTS"
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
		"$TOP/scripts/choose-kver" 2>/dev/null
	fi
}
