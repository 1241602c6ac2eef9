#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvm-mbec status (tools/) on faked systems: a tree standing in for /proc,
# /sys, /dev and /lib/modules (KVM_MBEC_STATUS_ROOT), one per reason the
# tool can give, from the CPU lacking MBEC to KVM not offering it.  Each
# case checks the exit status (1: not active), the one reason, and that
# --json parses.  The real probes (CPUID, MSRs, /dev/kvm ioctls) run in the
# emulated hosts (the ci plan's kvm-mbec-status checks, t-70..t-74).

. "$(dirname "$0")/lib.sh"

out=$BUILD/test/status-tool
make -s -C "$TOP/tools" O="$out" >"$TEST_LOGS/t-45-build.log" 2>&1 ||
	{ fail "kvm-mbec status builds" "" "$TEST_LOGS/t-45-build.log"; exit 0; }
pass "kvm-mbec status builds"
tool=$out/kvm-mbec
version=$("$TOP/scripts/base-info" MODULE_VERSION_STRING)
kver=$DEFAULT_KVER

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# fake_system DIR VENDOR: an Intel (or AMD) host with MBEC (GMET), running
# kver with ours installed and loaded, enable_mbec=1, ept and nested on, and
# a /dev/kvm that is a plain file (its ioctls fail).  Cases then break one
# thing each.
fake_system() {
	local d=$1 vendor=$2 mod=kvm_intel feat=enable_mbec paging=ept
	mkdir -p "$d/proc/sys/kernel" "$d/dev" "$d/lib/modules/$kver/kernel" \
		"$d/lib/modules/$kver/updates/dkms" "$d/lib/modules/6.1.0-47-amd64/kernel"
	if [ "$vendor" = intel ]; then
		printf 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx ssse3\nvmx flags\t: vnmi ept vpid ept_mode_based_exec\n' \
			>"$d/proc/cpuinfo"
	else
		mod=kvm_amd feat=enable_gmet paging=npt
		printf 'processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu svm npt\n' >"$d/proc/cpuinfo"
	fi
	echo "$kver" >"$d/proc/sys/kernel/osrelease"
	printf 'ELF\0srcversion=ABC\0version=%s\0license=GPL\0' "$version" \
		>"$d/lib/modules/$kver/updates/dkms/kvm.ko"
	for m in kvm $mod; do
		mkdir -p "$d/sys/module/$m/parameters"
		echo "$version" >"$d/sys/module/$m/version"
	done
	echo Y >"$d/sys/module/$mod/parameters/$feat"
	echo Y >"$d/sys/module/$mod/parameters/$paging"
	if [ "$vendor" = intel ]; then
		echo Y >"$d/sys/module/$mod/parameters/nested"
	else
		echo 1 >"$d/sys/module/$mod/parameters/nested"
	fi
	: >"$d/dev/kvm"
}

# status_case NAME VENDOR SETUP PATTERN: the faked system after SETUP (shell
# code run in it) is not active, and the reason matches PATTERN.
status_case() {
	local name=$1 vendor=$2 setup=$3 pattern=$4 d rc=0 reason
	d=$scratch/$(echo "$name" | tr -c 'A-Za-z0-9' _)
	fake_system "$d" "$vendor"
	(cd "$d" && eval "$setup")
	KVM_MBEC_STATUS_ROOT=$d "$tool" status >"$d.txt" 2>&1 || rc=$?
	KVM_MBEC_STATUS_ROOT=$d "$tool" status --json >"$d.json" 2>&1
	reason=$(sed -n 2p "$d.txt")
	if [ $rc != 1 ]; then
		fail "status: $name: exit 1" "exit $rc" "$d.txt"
	elif ! grep -qE "$pattern" <<<"$reason"; then
		fail "status: $name: the reason" "got '$reason', want /$pattern/" "$d.txt"
	elif ! python3 -m json.tool "$d.json" >/dev/null 2>&1; then
		fail "status: $name: --json parses" "" "$d.json"
	else
		pass "status: $name:$reason"
	fi
	cp "$d.txt" "$TEST_LOGS/t-45-$(basename "$d").txt"
}

status_case "CPU without MBEC" intel \
	"sed -i 's/ ept_mode_based_exec//' proc/cpuinfo" 'the CPU lacks MBEC'
status_case "CPU without EPT" intel \
	"sed -i 's/ ept / /; s/ ept_mode_based_exec//' proc/cpuinfo" 'the CPU lacks EPT'
status_case "VT-x off in the firmware" intel \
	"sed -i 's/ vmx / /' proc/cpuinfo" 'does not offer VT-x'
status_case "unsupported kernel" intel \
	"echo 6.1.0-47-amd64 >proc/sys/kernel/osrelease; rm sys/module/kvm*/version" \
	'kernel 6\.1\.0-47-amd64 is not one kvm-mbec [0-9.]+ supports'
status_case "not installed" intel \
	"rm -r lib/modules/$kver/updates; rm sys/module/kvm*/version" \
	"not installed for the running kernel $kver"
status_case "not loaded" intel "rm -r sys/module/kvm_intel" 'kvm_intel is not loaded'
status_case "stock loaded" intel "rm sys/module/kvm*/version" \
	"stock KVM modules are loaded"
status_case "ept off" intel "echo N >sys/module/kvm_intel/parameters/ept" \
	'kvm_intel\.ept is off'
status_case "enable_mbec off" intel \
	"echo N >sys/module/kvm_intel/parameters/enable_mbec" 'kvm_intel\.enable_mbec is off'
status_case "nested off" intel "echo N >sys/module/kvm_intel/parameters/nested" \
	'kvm_intel\.nested is off'
status_case "no /dev/kvm" intel "rm dev/kvm" 'cannot open /dev/kvm'
status_case "KVM does not offer it" intel ":" 'KVM does not offer MBEC'
status_case "AMD, stock loaded" amd "rm sys/module/kvm*/version" \
	"stock KVM modules are loaded"
status_case "AMD, enable_gmet off" amd \
	"echo N >sys/module/kvm_amd/parameters/enable_gmet" 'kvm_amd\.enable_gmet is off'

# A kernel whose own KVM has the feature (Linux 7.2, Debian 13's
# trixie-backports kernels): stock modules, its parameter named mbec/gmet,
# and no kvm-mbec for that kernel.  The checks go on past the kernel and
# the modules to that parameter and to what KVM offers (the fake /dev/kvm
# cannot say, so that is the last reason here).
upstream="echo 7.2.12+deb13-amd64 >proc/sys/kernel/osrelease; rm sys/module/kvm*/version"
status_case "Linux 7.2's own MBEC, on" intel \
	"$upstream; mv sys/module/kvm_intel/parameters/enable_mbec sys/module/kvm_intel/parameters/mbec" \
	'KVM does not offer MBEC'
status_case "Linux 7.2's own MBEC, off" intel \
	"$upstream; rm sys/module/kvm_intel/parameters/enable_mbec; echo N >sys/module/kvm_intel/parameters/mbec" \
	'kvm_intel\.mbec is off'
status_case "Linux 7.2's own GMET, off" amd \
	"$upstream; rm sys/module/kvm_amd/parameters/enable_gmet; echo N >sys/module/kvm_amd/parameters/gmet" \
	'kvm_amd\.gmet is off'
if KVM_MBEC_STATUS_ROOT=$scratch/Linux_7_2_s_own_MBEC__on_ "$tool" status --json |
   grep -qx '  "kernel_has_feature": true,'; then
	pass "status --json: Linux 7.2's own MBEC: kernel_has_feature"
else
	fail "status --json: Linux 7.2's own MBEC: kernel_has_feature"
fi

# The fix line names the command, and the kernels are listed.
d=$scratch/listing
fake_system "$d" intel
rm "$d"/sys/module/kvm*/version
KVM_MBEC_STATUS_ROOT=$d "$tool" status >"$d.txt" 2>&1
if grep -qx '  fix: with all VMs stopped: rmmod kvm_intel kvm; modprobe kvm_intel' "$d.txt" &&
	grep -qE "^  $kver +kvm-mbec ${version//+/\\+} \\(base $BASE_PACKAGE ${BASE_VERSION//+/\\+}\\) +<- running" "$d.txt" &&
	grep -qE '^  6\.1\.0-47-amd64 +stock \(not supported\)' "$d.txt"; then
	pass "status: the fix and the installed kernels are listed"
else
	fail "status: the fix and the installed kernels are listed" "" "$d.txt"
fi
if KVM_MBEC_STATUS_ROOT=$d "$tool" status --json |
	grep -qF '"ours": true, "version": "'"$version"'", "base": "'"$BASE_PACKAGE $BASE_VERSION"'"'; then
	pass "status --json: ours for $kver with version $version, base $BASE_PACKAGE $BASE_VERSION"
else
	fail "status --json: ours for $kver with version $version, base $BASE_PACKAGE $BASE_VERSION"
fi

# Every other base's default kernel, with ours built from that base: each
# installed kernel is listed with the base of its modules.
for id in $BASE_IDS; do
	[ "$id" != "$BASE_ID" ] || continue
	other=$(load_base "$id" && echo "$DEFAULT_KVER $MODULE_VERSION_STRING $BASE_PACKAGE $BASE_VERSION")
	read -r okver oversion opkg obase <<<"$other"
	mkdir -p "$d/lib/modules/$okver/kernel" "$d/lib/modules/$okver/updates/dkms"
	printf 'ELF\0srcversion=ABC\0version=%s\0license=GPL\0' "$oversion" \
		>"$d/lib/modules/$okver/updates/dkms/kvm.ko"
	KVM_MBEC_STATUS_ROOT=$d "$tool" status >"$d.$id.txt" 2>&1
	if grep -qE "^  $(re_quote "$okver") +kvm-mbec $(re_quote "$oversion (base $opkg $obase)")\$" "$d.$id.txt" &&
		grep -qE "^  $kver +kvm-mbec .*\\(base $BASE_PACKAGE " "$d.$id.txt"; then
		pass "status: a $okver kernel with ours is listed with base $opkg $obase, beside $kver's"
	else
		fail "status: a $okver kernel with ours is listed with base $opkg $obase, beside $kver's" "" "$d.$id.txt"
	fi
	if KVM_MBEC_STATUS_ROOT=$d "$tool" status --json |
		grep -qF '{"release": "'"$okver"'", "supported": true, "ours": true, "version": "'"$oversion"'", "base": "'"$opkg $obase"'"}'; then
		pass "status --json: $okver is supported, ours, base $opkg $obase"
	else
		fail "status --json: $okver is supported, ours, base $opkg $obase"
	fi
done

# A kernel newer than its base (Debian's next update of that line, before
# we rebase) runs stock: status says so and names the installed kernel to
# boot to keep ours, of the running kernel's line and flavour before any
# other (the fake has ours for every base's default kernel, and for the
# cloud flavour of the last base's).
d=$scratch/newer
fake_system "$d" intel
rm "$d"/sys/module/kvm*/version
ours_for() {
	mkdir -p "$d/lib/modules/$1/kernel" "$d/lib/modules/$1/updates/dkms"
	printf 'ELF\0srcversion=ABC\0version=%s\0license=GPL\0' "$2" \
		>"$d/lib/modules/$1/updates/dkms/kvm.ko"
}
for id in $BASE_IDS; do
	# shellcheck disable=SC2046
	set -- $(load_base "$id" && echo "$DEFAULT_KVER $MODULE_VERSION_STRING $BASE_PACKAGE $BASE_VERSION" \
		"$(kver_of $((${KERNEL_ABIS##* } + 1)) amd64)" \
		"$(kver_of "${KERNEL_ABIS##* }" cloud-amd64) $(kver_of $((${KERNEL_ABIS##* } + 1)) cloud-amd64)")
	ours_for "$1" "$2"
	lines+=("$*")
done
ours_for "$(cut -d' ' -f6 <<<"${lines[-1]}")" "$(cut -d' ' -f2 <<<"${lines[-1]}")"
for l in "${lines[@]}"; do
	read -r okver _ opkg obase onext ocloud onextcloud <<<"$l"
	for run in "$onext $okver" "$onextcloud $ocloud"; do
		read -r running keep <<<"$run"
		# Only the last base's cloud kernel has ours.
		[ "$running" = "$onextcloud" ] && [ "$l" != "${lines[-1]}" ] && keep=$okver
		echo "$running" >"$d/proc/sys/kernel/osrelease"
		rc=0
		KVM_MBEC_STATUS_ROOT=$d "$tool" status >"$d.txt" 2>&1 || rc=$?
		c="status: $running is newer than base $obase: stock, boot $keep"
		if [ $rc = 1 ] &&
		   grep -qxE "  kernel $(re_quote "$running") is newer than the base of kvm-mbec $(re_quote "$PACKAGE_VERSION ($opkg $obase)"): it runs the stock KVM modules" "$d.txt" &&
		   grep -qxE "  fix: boot $(re_quote "$keep"), which has kvm-mbec, to keep MBEC until kvm-mbec is updated" "$d.txt" &&
		   KVM_MBEC_STATUS_ROOT=$d "$tool" status --json | grep -qx '  "running_kernel_newer_than_base": true,'; then
			pass "$c"
		else
			fail "$c" "exit $rc" "$d.txt"
		fi
		cp "$d.txt" "$TEST_LOGS/t-45-newer-$running.txt"
	done
done
# With ours on no installed kernel, it says so instead.
rm -r "$d"/lib/modules/*/updates
KVM_MBEC_STATUS_ROOT=$d "$tool" status >"$d.txt" 2>&1
if grep -qx "  fix: no installed kernel has kvm-mbec: MBEC comes back when kvm-mbec is updated" "$d.txt"; then
	pass "status: a newer kernel and ours on no kernel: nothing to boot, says so"
else
	fail "status: a newer kernel and ours on no kernel: nothing to boot, says so" "" "$d.txt"
fi
# An older unsupported kernel is no newer one.
json=$(KVM_MBEC_STATUS_ROOT=$scratch/unsupported_kernel_ "$tool" status --json)
if grep -qx '  "running_kernel": "6.1.0-47-amd64",' <<<"$json" &&
   grep -qx '  "running_kernel_newer_than_base": false,' <<<"$json"; then
	pass "status --json: an older unsupported kernel is not newer than the base"
else
	fail "status --json: an older unsupported kernel is not newer than the base"
fi

expect_fail "kvm-mbec: an unknown option is refused (exit 2)" "unknown option '--jsn'" \
	"$tool" status --jsn
rc=0
"$tool" status --jsn >/dev/null 2>&1 || rc=$?
if [ $rc = 2 ]; then pass "kvm-mbec: bad usage exits 2"; else fail "kvm-mbec: bad usage exits 2" "exit $rc"; fi
expect "kvm-mbec --version names $version" sh -c "'$tool' --version | grep -qx 'kvm-mbec $version'"
# On this machine (no VT-x or AMD-V here, or not ours): not active, exit 1.
rc=0
"$tool" status >"$TEST_LOGS/t-45-this-machine.txt" 2>&1 || rc=$?
if [ $rc = 1 ]; then
	pass "status on this machine: not active:$(sed -n 2p "$TEST_LOGS/t-45-this-machine.txt")"
else
	fail "status on this machine: not active" "exit $rc" "$TEST_LOGS/t-45-this-machine.txt"
fi
# The man page renders without warnings.
if command -v groff >/dev/null; then
	if warn=$(groff -man -Tutf8 -ww -z "$TOP/tools/kvm-mbec.8" 2>&1) && [ -z "$warn" ]; then
		pass "kvm-mbec.8 renders without warnings"
	else
		fail "kvm-mbec.8 renders without warnings" "$warn"
	fi
else
	skip "kvm-mbec.8 renders without warnings" "groff is not installed"
fi
# The QEMU -cpu it recommends is the Windows VBS guide's (docs/).
d=$scratch/advice
fake_system "$d" intel
want=$(sed -n 's/^[[:space:]]*\(-cpu [^[:space:]]*\).*/\1/p' "$TOP/docs/windows-vbs-qemu.args")
got=$(KVM_MBEC_STATUS_ROOT=$d "$tool" status | sed -n 's/^  QEMU: *//p')
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	pass "status: the QEMU -cpu is docs/windows-vbs-qemu.args's"
else
	fail "status: the QEMU -cpu is docs/windows-vbs-qemu.args's" "got '$got', want '$want'"
fi
