#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian 13's kernel on the emulated feature hosts: ours built for
# 6.12.<ABI>+deb13-amd64 in the Debian 13 userspace (test/vm/debian13-host,
# trixie's gcc-14 and that kernel's headers), then that kernel, with its
# own stock modules, booted on the GMET-capable AMD host (the ci plan,
# enable_gmet=1: the selftests match stock, svm_gmet_test passes on ours,
# kvm-mbec status calls GMET active) and on the MBEC-capable Intel host
# (enable_mbec=1: vmx_mbec_test passes on ours, status calls MBEC active).
# t-56 covers the package on Debian 13.  Needs root and mmdebstrap.

. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v mmdebstrap >/dev/null; then
	skip "Debian 13 kernel on the emulated hosts" "needs root and mmdebstrap (scripts/install-deps)"
	exit 0
fi
d13=$TOP/test/vm/debian13-host
if ! prepared=$("$d13" --prepare 2>"$TEST_LOGS/prepare.log"); then
	fail "a Debian 13 userspace with a Debian 13 kernel" "" "$TEST_LOGS/prepare.log"
	exit 0
fi
read -r root kver _ <<<"$prepared"
export DEBIAN13_HOST_ROOT=$root
# That kernel's base: its patched tree is made here, the build in there.
load_base_for_kver "$kver"
export KVM_MBEC_BASE=$BASE_ID
"$TOP/scripts/prepare-tree" >"$TEST_LOGS/prepare-tree.log" 2>&1 ||
	{ fail "the patched tree of base $BASE_ID" "" "$TEST_LOGS/prepare-tree.log"; exit 0; }
start=$(date +%s)
if "$d13" --run make -C "$TOP" KVER="$kver" modules >"$TEST_LOGS/build.log" 2>&1; then
	pass "ours build for $kver in Debian 13, with $("$d13" --run gcc -dumpfullversion 2>&1 | sed 's/^/gcc /') ($(($(date +%s) - start))s)"
else
	fail "ours build for $kver in Debian 13" "" "$TEST_LOGS/build.log"
	exit 0
fi
# Built with the Debian 13 kernel's headers, our kvm.ko exports every
# symbol of the stock one with the same CRC (stock modules that import
# them, kvmgt, load against ours; docs/stock-dependents.md).
link=$(readlink "$root/lib/modules/$kver/build")
case "$link" in
/*) symvers=$root$link/Module.symvers ;;
*) symvers=$root/lib/modules/$kver/$link/Module.symvers ;;
esac
ours_symvers=$BUILD/kver/$kver/arch/x86/kvm/Module.symvers
n=$(awk '$3 == "arch/x86/kvm/kvm"' "$symvers" 2>/dev/null | wc -l)
d=$(join <(awk '$3 == "arch/x86/kvm/kvm" { print $2, $1 }' "$symvers" 2>/dev/null | sort) \
	<(awk '{ print $2, $1 }' "$ours_symvers" 2>/dev/null | sort) | awk '$2 == $3' | wc -l)
if [ "$n" -gt 0 ] && [ "$d" = "$n" ]; then
	pass "our kvm.ko exports all $n symbols of the stock one for $kver, with the same CRCs"
else
	fail "our kvm.ko exports all symbols of the stock one for $kver, with the same CRCs" \
		"$d of $n the same ($symvers, $ours_symvers)"
fi
"$TOP/test/vm/build-selftests" >"$TEST_LOGS/build-selftests.log" 2>&1 ||
	{ fail "the selftests of base $BASE_ID build" "" "$TEST_LOGS/build-selftests.log"; exit 0; }
export VM_KVER=$kver VM_SYSROOT=$root VM_NO_BUILD=1

# The GMET-capable AMD host, ci plan.
label="Debian 13's $kver on the AMD GMET host, enable_gmet=1"
VM_NAME=debian13-amd-gmet-ci VM_APPEND=kvm_mbec.ours_params=enable_gmet=1 VM_TIMEOUT=1500 \
	vm_host "$label" amd-gmet kvm_amd/parameters/enable_gmet=Y
name=debian13-amd-gmet-ci
if tr -d '\r' <"$(vm_log "$name")" 2>/dev/null | grep -q "Linux version $kver "; then
	pass "$label: the guest booted $kver"
else
	fail "$label: the guest booted $kver" "" "$(vm_log "$name")"
fi
vm_status "$label" "$name" ours true 'GMET is on for L1 and offered to nested hypervisors'
vm_selftest "$label" "$name" stock svm_gmet_test SKIP 'KVM offers L1 no GMET'
vm_selftest "$label" "$name" ours svm_gmet_test PASS ''

# The MBEC-capable Intel host: vmx_mbec_test and status (t-72 runs the
# other VMX selftests on the same code).
label="Debian 13's $kver on the Intel MBEC host (Bochs 3.0), enable_mbec=1"
need_mbec_host "$label" || exit 0
name=debian13-intel-mbec-ci
# sync_regs_test too: the ci plan's reload cycles run it.
VM_NAME=$name VM_APPEND="kvm_mbec.ours_params=enable_mbec=1 kvm_intel.enable_apicv=0 kvm_mbec.tests=vmx_mbec_test" \
	VM_TIMEOUT=2400 VM_TESTS="vmx_mbec_test sync_regs_test" \
	vm_host "$label" intel-mbec kvm_intel/parameters/enable_mbec=Y
vm_status "$label" "$name" ours true 'MBEC is on for L1 and offered to nested hypervisors'
vm_selftest "$label" "$name" stock vmx_mbec_test SKIP 'KVM offers L1 no MBEC'
vm_selftest "$label" "$name" ours vmx_mbec_test PASS ''
vm_mbec_groups "$label" "$name"
