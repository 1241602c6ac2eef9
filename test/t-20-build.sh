#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A clean build for the default kernel: no warnings (they are errors anyway),
# three modules whose vermagic matches the stock ones and which carry our
# version; and the kernel choice refuses what we do not support.
# Runs once per base.

. "$(dirname "$0")/lib.sh"

kver=$(test_kver) || { fail "a supported kernel's headers are installed"; exit 0; }
mods=$BUILD/kver/$kver/arch/x86/kvm
stock=/lib/modules/$kver/kernel/arch/x86/kvm
log=$TEST_LOGS/build.log

rm -rf "$BUILD/kver/$kver"
start=$(date +%s)
if "$TOP/scripts/build-modules" "$kver" >"$log" 2>&1; then
	pass "clean build for $kver ($(($(date +%s) - start))s)"
else
	fail "clean build for $kver" "" "$log"
	exit 0
fi

if grep -qiE '(^|[^a-z])warning:' "$log"; then
	fail "the build prints no warnings" "" "$log"
else
	pass "the build prints no warnings"
fi

# The base Makefile's -Werror (ccflags-$(CONFIG_KVM_WERROR)) must reach the
# compiler in our build too, exactly when the kernel's config sets it
# (Debian's 6.1 configs do, its 6.12 configs do not).
werror() {
	grep -q -- ' -Werror ' "$mods/.x86.o.cmd" && grep -q -- ' -Werror ' "$mods/vmx/.vmx.o.cmd" &&
		grep -q -- ' -Werror ' "$mods/svm/.svm.o.cmd" &&
		grep -q -- ' -Werror ' "$mods/.kvm_mbec_ident.o.cmd"
}
if grep -qx 'CONFIG_KVM_WERROR=y' "$(kdir_for "$kver")/.config"; then
	if werror; then
		pass "warnings are errors (-Werror) for base and our own files, as CONFIG_KVM_WERROR=y says"
	else
		fail "warnings are errors (-Werror) for base and our own files, as CONFIG_KVM_WERROR=y says"
	fi
elif ! grep -q -- ' -Werror ' "$mods/.x86.o.cmd"; then
	pass "no -Werror without CONFIG_KVM_WERROR, as in the kernel's own build"
else
	fail "no -Werror without CONFIG_KVM_WERROR, as in the kernel's own build"
fi

for m in kvm kvm-intel kvm-amd; do
	ko=$mods/$m.ko
	if [ ! -f "$ko" ]; then
		fail "$m.ko is built"
		continue
	fi
	v=$(modinfo -F version "$ko")
	if [ "$v" = "$MODULE_VERSION_STRING" ]; then
		pass "$m.ko carries MODULE_VERSION $v"
	else
		fail "$m.ko carries MODULE_VERSION $MODULE_VERSION_STRING" "found '$v'"
	fi
	ours=$(modinfo -F vermagic "$ko")
	if [ -f "$stock/$m.ko" ]; then
		theirs=$(modinfo -F vermagic "$stock/$m.ko")
	else
		theirs="$kver SMP preempt mod_unload modversions "
	fi
	if [ "$ours" = "$theirs" ]; then
		pass "$m.ko vermagic matches the stock module's"
	else
		fail "$m.ko vermagic matches the stock module's" "ours '$ours', stock '$theirs'"
	fi
done

# The load banner: kvm.ko prints it, the vendor modules call it on load.
if strings "$mods/kvm.ko" | grep -q 'kvm-mbec %s loaded (base %s %s)' &&
   nm -u "$mods/kvm-intel.ko" | grep -qw kvm_mbec_announce &&
   nm -u "$mods/kvm-amd.ko" | grep -qw kvm_mbec_announce &&
   nm "$mods/kvm.ko" | grep -qE ' T kvm_x86_init$| t kvm_x86_init$'; then
	pass "all three modules print the kvm-mbec banner on load"
else
	fail "all three modules print the kvm-mbec banner on load"
fi

# make check-mutants patches this tree with each mutant, without fuzz: a
# change of the series must keep every mutant applying on every base, or
# it reports "does not apply" instead of whether the tests catch it.
stale=
for m in "$TOP"/test/mutants/*.patch; do
	mutant_diff "$m" | patch -p1 -F0 --dry-run -s -d "$BUILD/kver/$kver" >/dev/null 2>&1 ||
		stale="$stale ${m##*/}"
done
if [ -z "$stale" ]; then
	pass "every mutant of test/mutants applies to this base's tree without fuzz"
else
	fail "every mutant of test/mutants applies to this base's tree without fuzz" \
		"they do not:$stale (make them apply; test/mutants/README)"
fi

# Choosing the kernel.
expect_fail "an unsupported KVER is refused before building" "5\.10\.0-99-amd64 is not a kernel kvm-mbec [^ ]* supports" \
	"$TOP/scripts/build-modules" 5.10.0-99-amd64
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -a "$TOP/scripts" "$TOP/bases" "$TOP/dkms.conf" "$scratch/"
sed -i 's/^KERNEL_ABIS=.*/KERNEL_ABIS="99"/' "$scratch"/bases/*/base.conf
k99=$(kver_of 99 amd64)
expect_fail "missing headers for a supported KVER say which package to install" \
	"apt-get install linux-headers-$(re_quote "$k99")" "$scratch/scripts/choose-kver" "$k99"
expect_fail "no supported headers at all is a clear error" "no supported kernel headers are installed" \
	"$scratch/scripts/choose-kver"
if "$TOP/scripts/choose-kver" 2>&1 >/dev/null | grep -qE "building for (the running kernel )?$(re_quote "$kver")"; then
	pass "the default KVER is announced"
else
	fail "the default KVER is announced"
fi
