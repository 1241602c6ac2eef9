#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ABI guard (src/x86/abi_guard.c): it compiles against our unmodified
# headers, and fails the build when a struct that built-in kernel code reads
# is padded in our headers.  Builds only the guard object, in a scratch copy
# of the per-kernel tree, so it takes seconds.
# Runs once per base.

. "$(dirname "$0")/lib.sh"

kver=$(test_kver) || { fail "a kernel to test against" "no supported headers"; exit 0; }
tree=$BUILD/kver/$kver
kdir=$(kdir_for "$kver")
if [ ! -f "$tree/arch/x86/kvm/abi-stock-offsets.h" ]; then
	"$TOP/scripts/build-modules" "$kver" >"$TEST_LOGS/build.log" 2>&1 ||
		{ fail "build for $kver" "" "$TEST_LOGS/build.log"; exit 0; }
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# copy_tree DIR: the sources and generated headers of the tree, no objects.
copy_tree() {
	mkdir -p "$1"
	(cd "$tree" && tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' --exclude='abi-stock-offsets.*' .) | (cd "$1" && tar -xf -)
}

# pad DIR STRUCT: insert a field at the top of STRUCT in our kvm_host.h.
pad() {
	local h=$1/arch/x86/include/asm/kvm_host.h
	grep -q "^struct $2 {" "$h" || return 1
	sed -i "/^struct $2 {/a\\	u64 kvm_mbec_abi_guard_test_pad[4];" "$h"
}

guard() {
	make -C "$kdir" M="$1/arch/x86/kvm" abi_guard.o
}

copy_tree "$scratch/clean"
expect "guard builds against our unmodified headers" guard "$scratch/clean"
if grep -q 'KVM_MBEC_STOCK_OFFSET_vcpu_signal_exits [0-9]' "$scratch/clean/arch/x86/kvm/abi-stock-offsets.h"; then
	pass "stock offsets are generated from the installed headers"
else
	fail "stock offsets are generated from the installed headers" "" \
		"$scratch/clean/arch/x86/kvm/abi-stock-offsets.h"
fi

copy_tree "$scratch/vcpu"
if pad "$scratch/vcpu" kvm_vcpu_arch; then
	expect_fail "padding kvm_vcpu_arch moves vcpu->stat and fails the build" \
		"kvm-mbec ABI guard: offsetof\(struct kvm_vcpu, stat.signal_exits\)" guard "$scratch/vcpu"
else
	fail "padding kvm_vcpu_arch moves vcpu->stat and fails the build" "struct kvm_vcpu_arch not found"
fi

copy_tree "$scratch/pmu"
if pad "$scratch/pmu" kvm_pmu; then
	expect_fail "padding kvm_pmu moves the PEBS fields and fails the build" \
		"kvm-mbec ABI guard: offsetof\(struct kvm_pmu, ds_area\)" guard "$scratch/pmu"
else
	fail "padding kvm_pmu moves the PEBS fields and fails the build" "struct kvm_pmu not found"
fi

# The guard runs in the normal build, not only here: kvm.ko contains it.
if grep -q 'abi_guard.o' "$tree/arch/x86/kvm/.kvm.o.cmd" 2>/dev/null ||
   grep -q 'abi_guard.o' "$tree/arch/x86/kvm/kvm.mod" 2>/dev/null; then
	pass "the module build links the guard into kvm.ko"
else
	fail "the module build links the guard into kvm.ko"
fi
