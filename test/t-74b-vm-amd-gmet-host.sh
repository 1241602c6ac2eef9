#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvm_amd.enable_gmet=1 on the GMET-capable AMD host: QEMU TCG built from
# Debian's qemu source package with our patch (test/vm/gmet-qemu, cached
# outside the clone), -cpu EPYC,+svm,+npt,+gmet.  Ours loads with
# enable_gmet=Y and says so, KVM_GET_SUPPORTED_CPUID reports GMET, kvm-mbec
# status calls the feature active, the ci selftests match stock, and our
# nested-SVM GMET selftest (test/selftests/x86_64/svm_gmet_test.c) passes
# on ours (stock offers L1 no GMET, so it skips there), each of its case
# groups named below with a PASS line of its own (the 2 MiB groups, which
# also check that L0 mapped their leaves with 2 MiB entries, the groups
# where L0's entry is present before the CPU's GMET check, and the
# KVM_GET/SET_NESTED_STATE group): a host that cannot run one fails here
# instead of skipping it.  All of it three times: with GMET as the APM
# describes it, and with AMD erratum 1218 emulated both ways (EXITINFO1.US
# of GMET fetch faults not reflecting the fetch's mode: US=1 at CPL<3,
# US=0 at CPL3), whose workaround must recompute US from the CPL, or an
# L2 fetch fault loops in L0 or reaches L1 with the wrong US.
# t-74a covers enable_gmet=1 on plain QEMU, which has no GMET.  The
# erratum hosts run on the oldest base, and on every base in make
# check-full.
# Runs once per base.

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

# svm_gmet_test's groups that must each have run and passed on ours
PRIMED="L0's entry present first (CPL3 read and fetch, then CPL0-2 fetches)"
GMET_GROUPS=("GMET on, 4K leaves" "GMET on, 2M leaves" "GMET on, U/S=0 above the leaf"
	"GMET off in vmcb12, 2M leaves" "GMET on, 4K leaves, $PRIMED"
	"GMET on, 2M leaves, $PRIMED" "GMET on, KVM_GET/SET_NESTED_STATE in L2")

# The budget of make check (test/vm/README.md): the two erratum hosts run
# on the oldest base, and on every base in make check-full; the workaround
# is our own code (include/kvm-mbec/gmet.h) with one call site per base,
# which make check-mutants checks on each base (d1-erratum-site).
hosts="amd-gmet amd-gmet-1218 amd-gmet-1218-cpl3"
if [ -n "$VM_SUFFIX" ] && [ "${KVM_MBEC_CHECK_FULL:-0}" != 1 ]; then # not the oldest base
	hosts=amd-gmet
	info "base $BASE_ID: the erratum 1218 hosts run in make check-full"
fi
for host in $hosts; do
	case $host in
	amd-gmet) l="$label, enable_gmet=1" ;;
	amd-gmet-1218) l="$label with erratum 1218 (US=1 at CPL<3), enable_gmet=1" ;;
	*) l="$label with erratum 1218 (US=0 at CPL3), enable_gmet=1" ;;
	esac
	name=$host-ci
	log=$(vm_log "$name")
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
	for g in "${GMET_GROUPS[@]}"; do
		line=$(tr -d '\r' <"$log" 2>/dev/null |
			grep -F -m1 "KVM-MBEC-INFO ours svm_gmet_test: PASS group: $g: ")
		if [ -n "$line" ]; then
			pass "$l: svm_gmet_test ran and passed: ${line#*PASS group: }"
		else
			fail "$l: svm_gmet_test ran and passed: $g" \
				"no 'PASS group: $g:' line from ours" "$log"
		fi
	done
	# Without this, the erratum halves could pass with the switch broken:
	# QEMU warns at the first fault whose EXITINFO1.US it sets wrong
	# (svm_gmet_test's CPL<3 fetches from U/S=1 pages for =1, its CPL3
	# fetch faults for =cpl3), and only then.
	emu=$BUILD/vm/logs/$name$VM_SUFFIX.emu.log
	case $host in
	amd-gmet) want='' what="QEMU emulated no erratum 1218" ;;
	amd-gmet-1218) want='EXITINFO1.US=1 for a CPL<3 fetch fault'
		what="QEMU emulated erratum 1218 on a CPL<3 GMET fetch fault" ;;
	*) want='EXITINFO1.US=0 for a CPL3 fetch fault'
		what="QEMU emulated erratum 1218 on a CPL3 GMET fetch fault" ;;
	esac
	said=$(grep -o 'AMD erratum 1218 emulated: .*' "$emu" 2>/dev/null | head -n1)
	if { [ -z "$want" ] && [ -z "$said" ]; } ||
		{ [ -n "$want" ] && grep -qF -- "$want" <<<"$said"; }; then
		pass "$l: $what"
	else
		fail "$l: $what" "its warning in ${emu#"$TOP"/}: ${said:-none}" "$emu"
	fi
done
