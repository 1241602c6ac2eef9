#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Plan "vbs": the CPU that the Windows VBS guide gives its guest, on stock
# and on ours.  Debian's QEMU 7.2, as the L1 VMM in the emulated host, runs
# with -accel kvm and exactly the -cpu of the guide's QEMU command line
# (docs/windows-vbs-qemu.args; on AMD without hv-evmcs, as the guide says)
# the guest test/vm/guests/vbs-probe, which prints what a nested Hyper-V
# would see:
#   vbs-probe: vmx=1 hv_vendor=Microsoft Hv evmcs=1 mbec=1 ept_adv=1
# Meant for the MBEC-capable Intel host; ours is loaded with enable_mbec=1
# (enable_gmet=1 on AMD) unless kvm_mbec.ours_params names the parameter.
# Runs inside the guest (busybox ash), sourced by /init.
# kvm_mbec.timeout=S (per QEMU run, default 600).
# kvm-mbec-l1-guest: vbs-probe

VBS_TO=$(cmdline_param kvm_mbec.timeout || echo 600)
VBS_ARGS=/l1-guest/windows-vbs-qemu.args
VBS_CPU=$(sed -n 's/^[[:space:]]*-cpu \([^[:space:]]*\).*/\1/p' "$VBS_ARGS")
case $VENDOR in
amd)
	VBS_CPU=$(echo "$VBS_CPU" | sed 's/,hv-evmcs//')
	VBS_PARAM=enable_gmet VBS_ALIAS=gmet
	;;
*)
	VBS_PARAM=enable_mbec VBS_ALIAS=mbec
	;;
esac
case " $OURS_PARAMS " in
*" $VBS_PARAM="* | *" $VBS_ALIAS="*) ;;
*) OURS_PARAMS="$OURS_PARAMS $VBS_PARAM=1" ;;
esac

# probe_field LINE NAME: the value of NAME=value in a vbs-probe line.
probe_field() {
	echo "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"
}

# run_probe PHASE CPU: vbs-probe in QEMU with -cpu CPU.  RESULT PHASE
# vbs-probe-run (QEMU's exit: 1 is the probe's own "done", through
# isa-debug-exit); PROBE and PROBE_RAW are its two lines, empty if none.
run_probe() {
	_vp=$1 _vcpu=$2
	_vlog=$LOG/vbs.$_vp.log
	_vt0=$(now_cs)
	timeout "$VBS_TO" qemu-system-x86_64 -nodefaults -no-user-config \
		-L /usr/share/kvm-mbec-l1 --no-reboot -display none \
		-serial stdio -accel kvm -cpu "$_vcpu" -smp 1 -m 64 \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel /l1-guest/vbs-probe.elf >"$_vlog" 2>&1 </dev/null
	_vrc=$?
	_vtime=$(cs_fmt $(($(now_cs) - _vt0)))s
	info_file "$_vp vbs-probe:" "$_vlog" 40
	PROBE=$(tr -d '\r' <"$_vlog" | grep -m1 '^vbs-probe: ')
	PROBE_RAW=$(tr -d '\r' <"$_vlog" | grep -m1 '^vbs-probe-raw: ')
	case $_vrc in
	1) result "$_vp" vbs-probe-run PASS "the probe ran in $_vtime" ;;
	124 | 137 | 143) result "$_vp" vbs-probe-run FAIL "timeout after ${VBS_TO}s" ;;
	*) result "$_vp" vbs-probe-run FAIL "qemu exit $_vrc after $_vtime: $(grep -v '^[[:space:]]*$' "$_vlog" | tail -n 1)" ;;
	esac
}

# check_probe PHASE WANT: RESULT PHASE vbs-probe, PASS when every
# NAME=VALUE of WANT is in the probe's lines ("_" in VALUE stands for a
# space: hv_vendor=Microsoft_Hv; svm and gmet are in the raw line).
check_probe() {
	_cp=$1 _cwant=$2 _cbad=
	if [ -z "$PROBE" ]; then
		result "$_cp" vbs-probe FAIL "no vbs-probe line"
		return
	fi
	for _cw in $_cwant; do
		_cn=${_cw%%=*}
		case $_cn in
		hv_vendor) _cv=$(echo "$PROBE" | sed -n 's/.* hv_vendor=\(.*\) evmcs=.*/\1/p') ;;
		svm | gmet) _cv=$(probe_field "$PROBE_RAW" "$_cn") ;;
		*) _cv=$(probe_field "$PROBE" "$_cn") ;;
		esac
		[ "$_cv" = "$(echo "${_cw#*=}" | tr _ ' ')" ] || _cbad="$_cbad $_cn=$_cv"
	done
	if [ -z "$_cbad" ]; then
		result "$_cp" vbs-probe PASS "want $_cwant: ${PROBE#vbs-probe: }"
	else
		result "$_cp" vbs-probe FAIL "got$_cbad, want $_cwant: ${PROBE#vbs-probe: }"
	fi
}

# want_for SIDE: what the probe must print on SIDE.  The Hyper-V interface
# (hv_vendor, and on Intel the eVMCS recommendation) comes from QEMU and
# KVM alike on both sides; MBEC and the advanced EPT-violation information
# (GMET on AMD) only from ours with the parameter Y.
want_for() {
	_wf=0
	[ "$1" = ours ] && [ "$(cat "/sys/module/$VMOD/parameters/$VBS_PARAM" 2>/dev/null)" = Y ] && _wf=1
	case $VENDOR in
	amd) echo "svm=1 hv_vendor=Microsoft_Hv evmcs=0 gmet=$_wf" ;;
	*) echo "vmx=1 hv_vendor=Microsoft_Hv evmcs=1 mbec=$_wf ept_adv=$_wf" ;;
	esac
}

info "L1 $(qemu-system-x86_64 --version | head -n1), -cpu $VBS_CPU (from the guide's $(basename "$VBS_ARGS"))"
if [ -z "$VBS_CPU" ]; then
	result plan vbs FAIL "no -cpu in $VBS_ARGS"
	return 0
fi
for side in $(plan_sides); do
	if switch_and_load "$side" "$side"; then
		[ "$side" = ours ] && print_params ours
		run_probe "$side" "$VBS_CPU"
		check_probe "$side" "$(want_for "$side")"
	else
		result "$side" vbs-probe FAIL "KVM not usable"
	fi
	check_kernel "$side"
done

# With the feature on, QEMU 7.2's default migratable=on must hide it (it
# has no name for MBEC or GMET), which is why the guide says migratable=off.
if [ "$(cat "/sys/module/$VMOD/parameters/$VBS_PARAM" 2>/dev/null)" = Y ]; then
	run_probe qemu-default "$(echo "$VBS_CPU" | sed 's/migratable=off/migratable=on/')"
	case $VENDOR in
	amd) _vf=gmet _vv=$(probe_field "$PROBE_RAW" gmet) ;;
	*) _vf=mbec _vv=$(probe_field "$PROBE" mbec) ;;
	esac
	if [ "$_vv" = 0 ]; then
		result mbec qemu72-migratable-on-hides-$_vf PASS "migratable=on: ${PROBE#vbs-probe: }"
	else
		result mbec qemu72-migratable-on-hides-$_vf FAIL "migratable=on: $_vf=$_vv: ${PROBE#vbs-probe: }"
	fi
else
	result mbec "$VBS_PARAM" SKIP "$VMOD.$VBS_PARAM reads N on ours: ours was checked as stock (the CPU lacks the feature, or the kernel log says why)"
fi
unload_kvm || info "could not unload kvm at the end"
