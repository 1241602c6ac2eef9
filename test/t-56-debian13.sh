#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian 13, as its admin meets kvm-mbec: in a Debian 13 userspace made
# from the archive (test/vm/debian13-host: trixie's dkms 3.2, gcc-14, kmod,
# and the headers and image of 6.12.<ABI>+deb13-amd64), the one .deb that
# Debian 12 gets installs with apt, DKMS builds ours for the Debian 13
# kernel with trixie's compiler, modinfo prefers them from updates/dkms,
# with our base's version and the stock modules' vermagic, and kvm-mbec
# status lists them.  Unlike Debian 12's dkms 3.0.10, dkms 3.2 moves the
# stock modules into its original_module directory while ours are
# installed: checked, as is that purge puts them back.  The kernel's hooks run as its packages run them
# (run-parts --exit-on-error, dkms 3.2's own hook among them): for the
# supported kernel, and for a newer one that we refuse, which must exit 0
# and name the kernel that keeps ours.  Purge brings back the stock
# modules.  The userspace is a throwaway overlay of the cached one.
# Needs root and mmdebstrap (scripts/install-deps); one DKMS build.

. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v mmdebstrap >/dev/null; then
	skip "Debian 13" "needs root and mmdebstrap (scripts/install-deps)"
	exit 0
fi

d13=$TOP/test/vm/debian13-host
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

start=$(date +%s)
if ! prepared=$("$d13" --prepare 2>"$TEST_LOGS/prepare.log"); then
	fail "a Debian 13 userspace with dkms, gcc and a Debian 13 kernel" "" "$TEST_LOGS/prepare.log"
	exit 0
fi
read -r root kver versions <<<"$prepared"
pass "a Debian 13 userspace with $kver ($(($(date +%s) - start))s): $versions"
export DEBIAN13_HOST_ROOT=$root DEBIAN13_HOST_WORK=$scratch/host
lib=/lib/modules/$kver
(load_base_for_kver "$kver" && echo "$MODULE_VERSION_STRING $BASE_VERSION") >"$scratch/base"
read -r modversion baseversion <"$scratch/base"

# in13 NAME CMD...: run CMD in the Debian 13 host; its output in NAME's log.
in13() {
	local name=$1
	shift
	"$d13" --run "$@" >"$TEST_LOGS/$name.log" 2>&1
}

# The package, as Debian 12 gets it.
start=$(date +%s)
if ! "$TOP/scripts/deb" "$scratch" >"$TEST_LOGS/deb.log" 2>&1; then
	fail "make deb" "" "$TEST_LOGS/deb.log"
	exit 0
fi
deb=$(ls "$scratch"/*.deb)
info "make deb took $(($(date +%s) - start))s"

# --- install ----------------------------------------------------------------
start=$(date +%s)
if in13 install apt-get install -y "$deb" &&
   grep -q "kvm-mbec: installed $PACKAGE_VERSION for $kver in $lib/updates/dkms" "$TEST_LOGS/install.log"; then
	pass "apt-get install ./$(basename "$deb") builds and installs ours for $kver ($(($(date +%s) - start))s)"
else
	fail "apt-get install ./$(basename "$deb") builds and installs ours for $kver" "" "$TEST_LOGS/install.log"
fi
in13 dkms-version dkms --version
in13 dkms-status dkms status
if grep -qE "^$(re_quote "$PACKAGE_NAME/$PACKAGE_VERSION, $kver, x86_64: installed")( |\$)" "$TEST_LOGS/dkms-status.log"; then
	pass "  $(cat "$TEST_LOGS/dkms-version.log") status: $PACKAGE_NAME/$PACKAGE_VERSION installed for $kver"
else
	fail "  dkms status: $PACKAGE_NAME/$PACKAGE_VERSION installed for $kver" "" "$TEST_LOGS/dkms-status.log"
fi
# in_dir DIR: the paths of $scratch/paths (modinfo13 -n) are all three
# modules in DIR, compressed or not.
in_dir() {
	local m path n=0
	while read -r m path; do
		[[ $path == "$1/${m//_/-}.ko"?(.xz|.zst|.gz) ]] && n=$((n + 1))
	done <"$scratch/paths"
	[ "$n" = 3 ]
}
# modinfo13 FIELD: each module's FIELD (the path for -n) as modinfo -k gives it.
modinfo13() {
	local m
	for m in kvm kvm_intel kvm_amd; do
		if [ "$1" = -n ]; then
			echo "$m $(chroot_modinfo -n "$m")"
		else
			echo "$m $(chroot_modinfo -F "$1" "$m")"
		fi
	done
}
chroot_modinfo() {
	"$d13" --run modinfo -k "$kver" "$@" 2>/dev/null
}
modinfo13 -n >"$scratch/paths"
if in_dir "$lib/updates/dkms"; then
	pass "  modinfo -k $kver finds all three in updates/dkms"
else
	fail "  modinfo -k $kver finds all three in updates/dkms" "$(tr '\n' ' ' <"$scratch/paths")"
fi
modinfo13 version >"$scratch/versions"
if [ "$(awk -v v="$modversion" '$2 == v' "$scratch/versions" | wc -l)" = 3 ]; then
	pass "  their version is $modversion (base $baseversion)"
else
	fail "  their version is $modversion" "$(tr '\n' ' ' <"$scratch/versions")"
fi
# Debian 13's dkms 3.2 moves a module of the same name out of the kernel's
# tree when it installs ours, and puts it back when ours goes (Debian 12's
# 3.0.10 leaves it in place): the stock modules are in DKMS's
# original_module directory meanwhile, where insmod can still load them.
orig=/var/lib/dkms/$PACKAGE_NAME/original_module/$kver/x86_64
in13 stock-moved sh -c "ls $lib/kernel/arch/x86/kvm; echo --; ls $orig"
ko='^kvm(-intel|-amd)?\.ko(\.xz|\.zst|\.gz)?$'
if [ "$(awk 'f; /^--$/ { f = 1 }' "$TEST_LOGS/stock-moved.log" | grep -cE "$ko")" = 3 ] &&
   [ "$(awk '/^--$/ { exit } 1' "$TEST_LOGS/stock-moved.log" | grep -cE "$ko")" = 0 ]; then
	pass "  dkms 3.2 moved the stock modules to $orig"
else
	fail "  dkms 3.2 moved the stock modules to $orig" "" "$TEST_LOGS/stock-moved.log"
fi
modinfo13 vermagic >"$scratch/vermagic"
"$d13" --run sh -c "modinfo -F vermagic \$(ls $orig/kvm.ko $orig/kvm.ko.xz $orig/kvm.ko.zst $orig/kvm.ko.gz 2>/dev/null | head -n1)" \
	>"$scratch/stock-vermagic" 2>&1
if [ -s "$scratch/stock-vermagic" ] &&
   [ "$(cut -d' ' -f2- "$scratch/vermagic" | sort -u)" = "$(cat "$scratch/stock-vermagic")" ]; then
	pass "  their vermagic is the stock modules': $(cat "$scratch/stock-vermagic")"
else
	fail "  their vermagic is the stock modules'" "ours: $(cut -d' ' -f2- "$scratch/vermagic" | sort -u); stock: $(cat "$scratch/stock-vermagic")"
fi

# --- kvm-mbec status ----------------------------------------------------------------
in13 status-json kvm-mbec status --json
if grep -qF "{\"release\": \"$kver\", \"supported\": true, \"ours\": true," "$TEST_LOGS/status-json.log"; then
	pass "kvm-mbec status --json: $kver is supported and has ours"
else
	fail "kvm-mbec status --json: $kver is supported and has ours" "" "$TEST_LOGS/status-json.log"
fi

# --- the kernel's hooks, dkms 3.2's among them --------------------------------------
in13 hooks-list ls /etc/kernel/header_postinst.d
if grep -qx dkms "$TEST_LOGS/hooks-list.log" && grep -qx "$PACKAGE_NAME" "$TEST_LOGS/hooks-list.log"; then
	pass "the headers' hook directory has dkms 3.2's hook and ours"
else
	fail "the headers' hook directory has dkms 3.2's hook and ours" "" "$TEST_LOGS/hooks-list.log"
fi
# hooks13 NAME RELEASE: run-parts over the headers' hook directory.
hooks13() {
	in13 "$1" run-parts --report --exit-on-error "--arg=$2" /etc/kernel/header_postinst.d
}
if hooks13 hooks-supported "$kver" &&
   grep -q "kvm-mbec: $PACKAGE_VERSION is already installed for $kver" "$TEST_LOGS/hooks-supported.log"; then
	pass "the headers' hooks for $kver exit 0: ours is already installed"
else
	fail "the headers' hooks for $kver exit 0: ours is already installed" "" "$TEST_LOGS/hooks-supported.log"
fi
# A newer kernel of the line, with a newer KVM: headers copied from $kver.
abi=$(load_base_for_kver "$kver" && abi_of "$kver")
next=$(load_base_for_kver "$kver" && kver_of $((abi + 1)) amd64 "$(infix_of "$kver")")
newer=${baseversion%%-*}
newer=${newer%.*}.$((abi + 1))-1
in13 fake-next sh -c "cp -a \"\$(readlink -f $lib/build)\" /usr/src/linux-headers-$next &&
	echo '#define LINUX_PACKAGE_ID \" Debian $newer\"' >/usr/src/linux-headers-$next/include/generated/package.h &&
	mkdir -p /lib/modules/$next && ln -s /usr/src/linux-headers-$next /lib/modules/$next/build"
c="a newer $next (KVM $newer): the headers' hooks exit 0 and name the kernel to boot"
if hooks13 hooks-next "$next" &&
   grep -qE "^kvm-mbec: $(re_quote "$next") \\(KVM $(re_quote "$newer")\\) is newer than our base $(re_quote "$baseversion"); it keeps the stock KVM modules: boot $(re_quote "$kver") to keep (MBEC|GMET|MBEC/GMET) until kvm-mbec is updated\$" \
	"$TEST_LOGS/hooks-next.log"; then
	pass "$c"
else
	fail "$c" "" "$TEST_LOGS/hooks-next.log"
fi
in13 next-status sh -c "ls /lib/modules/$next; dkms status -k $next"
if ! grep -q updates "$TEST_LOGS/next-status.log" && ! grep -q installed "$TEST_LOGS/next-status.log"; then
	pass "  nothing was built or installed for $next"
else
	fail "  nothing was built or installed for $next" "" "$TEST_LOGS/next-status.log"
fi

# --- purge --------------------------------------------------------------------------
in13 purge apt-get purge -y "$PACKAGE_NAME-dkms"
modinfo13 -n >"$scratch/paths"
in13 after sh -c "dkms status; ls -d /usr/src/$PACKAGE_NAME-* /etc/kernel/*/$PACKAGE_NAME $lib/updates/dkms/* 2>/dev/null; true"
if in_dir "$lib/kernel/arch/x86/kvm" &&
   [ ! -s "$TEST_LOGS/after.log" ]; then
	pass "apt-get purge: the stock modules back in place, and nothing of ours left (DKMS, /usr/src, hooks, updates/dkms)"
else
	fail "apt-get purge: the stock modules again, and nothing of ours left" \
		"$(tr '\n' ' ' <"$scratch/paths")" "$TEST_LOGS/after.log"
fi
