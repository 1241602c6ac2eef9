#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The README's first command, as a new admin runs it: `make demo` in a fresh
# clone of this repository (nothing of our build/ to lean on), as root,
# with no sudo in the command.  Its output must show our banner, the parameters from
# /sys/module/*/parameters, a guest run on stock and on ours, and the
# emulated host powering off.  (It failed on a fresh clone before
# test/vm/run-host made build/ itself.)  make check runs from a fresh clone
# itself, and the demo's AMD host is t-70's.
# Only in make check-full.

. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	skip "make demo in a fresh clone" "needs root (it installs packages)"
	exit 0
fi
if ! git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	skip "make demo in a fresh clone" "$TOP is not a git checkout"
	exit 0
fi

clone=$(mktemp -d)
trap 'rm -rf "$clone"' EXIT
git clone -q "$TOP" "$clone/kvm-mbec" || { fail "make demo in a fresh clone" "git clone failed"; exit 0; }
expect "the fresh clone has no build/" test ! -e "$clone/kvm-mbec/build"

c="make demo in a fresh clone, as root without sudo"
start=$(date +%s)
expect "$c" make -C "$clone/kvm-mbec" demo
info "make demo took $(($(date +%s) - start))s"
log=$TEST_LOGS/$(echo "$c" | tr -c 'A-Za-z0-9_.-' '_').log
tr -d '\r' <"$log" >"$log.txt"
says() {
	if grep -qE -- "$2" "$log.txt"; then
		pass "  demo output: $1"
	else
		fail "  demo output: $1" "no /$2/" "$log.txt"
	fi
}
says "our banner" "kvm_amd: $PACKAGE_NAME $PACKAGE_VERSION loaded \\(base $BASE_PACKAGE $BASE_VERSION\\)"
says "ours' parameters from /sys/module" "KVM-MBEC-INFO ours param kvm_amd/parameters/npt = Y"
says "the guest ran on stock" "KVM-MBEC-RESULT stock sync_regs_test PASS"
says "the guest ran on ours" "KVM-MBEC-RESULT ours sync_regs_test PASS"
says "the host powered off" "reboot: Power down"
