#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvm_amd.enable_gmet=1 on the GMET-capable AMD host: QEMU TCG built from
# Debian's qemu source package with our patch (test/vm/gmet-qemu, cached
# outside the clone), -cpu EPYC,+svm,+npt,+gmet.  Ours loads with
# enable_gmet=Y and says so, KVM_GET_SUPPORTED_CPUID reports GMET, kvm-mbec
# status calls the feature active, the ci selftests match stock, and our
# nested-SVM GMET selftest (test/selftests/x86_64/svm_gmet_test.c) passes
# on ours (stock offers L1 no GMET, so it skips there).  All of it twice:
# with GMET as the APM describes it, and with AMD erratum 1218 emulated
# (EXITINFO1.US of GMET faults not reflecting the fetch's mode), whose
# workaround must keep an L2 fetch fault from looping in L0.
# t-74a covers enable_gmet=1 on plain QEMU, which has no GMET.

. "$(dirname "$0")/lib.sh"

label="AMD GMET host (QEMU + our patch)"
if ! q=$("$TOP/test/vm/gmet-qemu" 2>"$TEST_LOGS/gmet-qemu.log"); then
	fail "$label: make gmet-qemu builds it" "$(tail -n 3 "$TEST_LOGS/gmet-qemu.log")"
	exit 0
fi
if "$q" -cpu help 2>/dev/null | grep -qw gmet; then
	pass "$label: -cpu help of $q lists gmet"
else
	fail "$label: -cpu help of $q lists gmet"
fi

for host in amd-gmet amd-gmet-1218; do
	case $host in
	amd-gmet) l="$label, enable_gmet=1" ;;
	*) l="$label with erratum 1218, enable_gmet=1" ;;
	esac
	name=$host-ci
	log=$BUILD/vm/logs/$name.log
	VM_APPEND=kvm_mbec.ours_params=enable_gmet=1 VM_TIMEOUT=1500 \
		vm_host "$l" "$host" kvm_amd/parameters/enable_gmet=Y
	if tr -d '\r' <"$log" 2>/dev/null | grep -q 'kvm_amd: GMET enabled'; then
		pass "$l: the kernel reports GMET enabled"
	else
		fail "$l: the kernel reports GMET enabled" "" "$log"
	fi
	vm_selftest "$l" "$name" ours gmet-cpuid PASS 'gmet=true'
	vm_status "$l" "$name" ours true 'GMET is on for L1 and offered to nested hypervisors'
	vm_selftest "$l" "$name" stock svm_gmet_test SKIP 'KVM offers L1 no GMET'
	vm_selftest "$l" "$name" ours svm_gmet_test PASS ''
	# Without this, the erratum half could pass with the switch broken:
	# QEMU warns at the first fault whose EXITINFO1.US it sets wrong
	# (svm_gmet_test's CPL0 fetches from U/S=1 pages), and only then.
	emu=$BUILD/vm/logs/$name.emu.log
	said=false
	grep -q 'AMD erratum 1218 emulated' "$emu" 2>/dev/null && said=true
	case $host in
	amd-gmet) want=false what="QEMU emulated no erratum 1218" ;;
	*) want=true what="QEMU emulated erratum 1218 on a GMET fetch fault" ;;
	esac
	if [ "$said" = "$want" ]; then
		pass "$l: $what"
	else
		fail "$l: $what" "its warning in ${emu#"$TOP"/}: $said" "$emu"
	fi
done
