#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every undefined symbol of our modules resolves: scripts/check-symbols on
# the real build, and on a planted module that needs a symbol nobody exports.
# Runs once per base.

. "$(dirname "$0")/lib.sh"

kver=$(test_kver) || { fail "a kernel to test against" "no supported headers"; exit 0; }
mods=$BUILD/kver/$kver/arch/x86/kvm
if [ ! -f "$mods/Module.symvers" ]; then
	"$TOP/scripts/build-modules" "$kver" >"$TEST_LOGS/build.log" 2>&1 ||
		{ fail "build for $kver" "" "$TEST_LOGS/build.log"; exit 0; }
fi

expect "undefined symbols of kvm, kvm-intel, kvm-amd resolve on $kver" \
	"$TOP/scripts/check-symbols" "$kver"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
planted=$scratch/kver/$kver/arch/x86/kvm
mkdir -p "$planted"
cp "$mods/Module.symvers" "$mods/kvm-intel.ko" "$mods/kvm-amd.ko" "$planted/"
echo 'extern int kvm_mbec_no_such_export; int f(void) { return kvm_mbec_no_such_export; }' |
	gcc -x c -c -o "$planted/kvm.ko" -
expect_fail "a symbol nobody exports is reported" "kvm_mbec_no_such_export" \
	env BUILD="$scratch" "$TOP/scripts/check-symbols" "$kver"
