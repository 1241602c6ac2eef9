#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A kernel upgrade never fails because of us.  With kvm-mbec registered in
# DKMS (dkms-install --register, as a package would), run the kernel's real
# hook directories the way the headers' and the image's postinst run them
# (run-parts --exit-on-error), for the supported default kernel and for
# faked new kernels that we do not support: a newer ABI with a newer KVM, a
# flavour we do not know, and Secure Boot without a key.  Assert the exit
# codes, what lands in updates/dkms and the one-line messages.  Also shows
# that with DKMS's AUTOINSTALL (our dkms.conf before) the same run fails.
# Needs root and dkms.  Leaves the system as it found it, even on failure.
# Runs once per base in make check-full.

. "$(dirname "$0")/lib.sh"

kver=$(test_kver)
pkg=$PACKAGE_NAME
version=$PACKAGE_VERSION
src=/usr/src/$pkg-$version
lib=/lib/modules/$kver
hooks=(/etc/kernel/header_postinst.d/$pkg /etc/kernel/postinst.d/$pkg)

if [ "$(id -u)" != 0 ] || ! command -v dkms >/dev/null; then
	skip "kernel hooks" "needs root and dkms (scripts/install-deps)"
	exit 0
fi
if [ -z "$kver" ] || ! compgen -G "$lib/kernel/arch/x86/kvm/kvm.ko*" >/dev/null; then
	skip "kernel hooks" "no supported kernel with headers and stock modules (scripts/install-deps)"
	exit 0
fi
if [ -n "$(dkms status -m "$pkg" 2>/dev/null)" ] || [ -e "$src" ] ||
   [ -e "${hooks[0]}" ] || [ -e "${hooks[1]}" ]; then
	skip "kernel hooks" "$pkg is already in DKMS, in $src or /etc/kernel; run make uninstall first"
	exit 0
fi

newer=$(later_debian_version)
abi=${KERNEL_ABIS##* }
next=$(kver_of $((abi + 1)) amd64)
flavour=$(kver_of "$abi" kvmmbectest-amd64)
fakes=("$next" "$flavour")

tmp=$(mktemp -d)
# initramfs-tools, in postinst.d, remakes the initramfs and its record.
initrd=/boot/initrd.img-$kver
initrd_state=/var/lib/initramfs-tools/$kver
[ -f "$initrd" ] && cp -a "$initrd" "$tmp/initrd"
[ -f "$initrd_state" ] && cp -a "$initrd_state" "$tmp/initrd-state"
default_keys_before=$(ls /var/lib/dkms/mok.key /var/lib/dkms/mok.pub 2>/dev/null)

# What the test may touch, to compare after (test/lib.sh).
watched=(/etc/kernel /etc/dkms /var/lib/dkms /var/lib/initramfs-tools /boot "$lib")
snapshot "$tmp/before" "${watched[@]}"

cleanup() {
	set +e
	[ -n "$(dkms status -m "$pkg" 2>/dev/null)" ] && dkms remove "$pkg/$version" --all >/dev/null 2>&1
	rm -rf "$src" "${hooks[@]}"
	for f in "${fakes[@]}"; do
		rm -rf "/lib/modules/$f" "/usr/src/linux-headers-$f" "/var/lib/initramfs-tools/$f"
	done
	depmod -a "$kver"
	if [ -f "$tmp/initrd" ]; then cp -a "$tmp/initrd" "$initrd"; else rm -f "$initrd"; fi
	if [ -f "$tmp/initrd-state" ]; then
		cp -a "$tmp/initrd-state" "$initrd_state"
	else
		rm -f "$initrd_state" "$initrd.dpkg-bak" "$initrd.bak"
		rmdir /var/lib/initramfs-tools 2>/dev/null
	fi
	[ -z "$default_keys_before" ] && rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# fake_kernel RELEASE VERSION: headers for RELEASE that say Debian VERSION
# (a copy of the default kernel's), linked from /lib/modules/RELEASE/build.
fake_kernel() {
	cp -a "$(readlink -f "$lib/build")" "/usr/src/linux-headers-$1"
	echo "#define LINUX_PACKAGE_ID \" Debian $2\"" >"/usr/src/linux-headers-$1/include/generated/package.h"
	mkdir -p "/lib/modules/$1"
	ln -s "/usr/src/linux-headers-$1" "/lib/modules/$1/build"
}

# hooks_run NAME DIR RELEASE [ENV...]: run-parts over DIR as the kernel's
# postinst does; NAME's log gets the output, $tmp/NAME.rc the exit code.
hooks_run() {
	local name=$1 dir=$2 release=$3 args
	shift 3
	args=(--report --exit-on-error "--arg=$release")
	[ "$dir" = /etc/kernel/postinst.d ] && args+=("--arg=/boot/vmlinuz-$release")
	env DEB_MAINT_PARAMS=configure "$@" run-parts "${args[@]}" "$dir" \
		>"$TEST_LOGS/$name.log" 2>&1
	echo $? >"$tmp/$name.rc"
}

# hook_says NAME TITLE RC PATTERN: the run exited RC and said PATTERN.
hook_says() {
	local rc
	rc=$(cat "$tmp/$1.rc")
	if [ "$rc" = "$3" ] && grep -qE -- "$4" "$TEST_LOGS/$1.log"; then
		pass "$2"
	else
		fail "$2" "exit $rc (want $3); want /$4/" "$TEST_LOGS/$1.log"
	fi
}

nothing_for() {
	[ ! -e "/lib/modules/$1/updates/dkms/kvm.ko" ] &&
		[ -z "$(dkms status -m "$pkg" -k "$1" 2>/dev/null | grep ': installed')" ]
}

# --- registered, nothing built ------------------------------------------------
expect "dkms-install --register adds $pkg/$version and installs the hook" \
	"$TOP/scripts/dkms-install" --register
registered() {
	[ -x "${hooks[0]}" ] && [ -x "${hooks[1]}" ] && cmp "$TOP/scripts/kernel-hook" "${hooks[0]}" &&
		dkms status -m "$pkg" -v "$version" | grep -q "^$pkg/$version: added" && nothing_for "$kver"
}
expect "  the hook is in both directories, DKMS has $pkg added, nothing built" registered

# --- Secure Boot on, no signing key: stock stays, the hook still exits 0 -------
mkdir -p "$tmp/bin"
printf '#!/bin/sh\n[ "$1" = --sb-state ] && echo "SecureBoot enabled"\nexit 1\n' >"$tmp/bin/mokutil"
chmod +x "$tmp/bin/mokutil"
if [ -z "$default_keys_before" ]; then
	hooks_run sb-headers /etc/kernel/header_postinst.d "$kver" PATH="$tmp/bin:$PATH"
	hook_says sb-headers "Secure Boot without a key: the headers' hooks exit 0 and say why" 0 \
		"$pkg: not installing for $kver: Secure Boot is enabled, but the DKMS signing key is missing"
	expect "  nothing was installed for $kver" nothing_for "$kver"
else
	skip "Secure Boot without a key" "/var/lib/dkms/mok.key exists here"
fi

# --- a supported kernel -------------------------------------------------------------
hooks_run headers /etc/kernel/header_postinst.d "$kver"
hook_says headers "supported $kver: the headers' hooks exit 0 and install ours" 0 \
	"$pkg: installed $version for $kver in $lib/updates/dkms"
ours_installed() {
	local m
	for m in kvm kvm_intel kvm_amd; do
		[ "$(modinfo -k "$kver" -n "$m")" = "$lib/updates/dkms/${m//_/-}.ko" ] || return 1
		[ "$(modinfo -k "$kver" -F version "$m")" = "$MODULE_VERSION_STRING" ] || return 1
	done
}
expect "  updates/dkms holds ours, which modinfo prefers, version $MODULE_VERSION_STRING" ours_installed
hooks_run image /etc/kernel/postinst.d "$kver"
hook_says image "supported $kver: the image's hooks (initramfs-tools too) exit 0" 0 \
	"$pkg: $version is already installed for $kver"

# --- a newer kernel ABI with a newer KVM ------------------------------------------
fake_kernel "$next" "$newer"
# It names the kernel to boot to keep ours: $kver has them now.
msg="$pkg: $next \\(KVM $newer\\) is newer than our base $BASE_VERSION; it keeps the stock KVM modules: boot $(re_quote "$kver") to keep (MBEC|GMET|MBEC/GMET) until $pkg is updated\$"
hooks_run next-headers /etc/kernel/header_postinst.d "$next"
hook_says next-headers "$next (KVM $newer): the headers' hooks exit 0 with one line" 0 "$msg"
if [ "$(grep -c "^$pkg:" "$TEST_LOGS/next-headers.log")" = 1 ]; then
	pass "  exactly one line from $pkg"
else
	fail "  exactly one line from $pkg" "" "$TEST_LOGS/next-headers.log"
fi
expect "  nothing was built or installed for $next" nothing_for "$next"
# initramfs-tools cannot make an initramfs for a kernel without an image:
# INITRD=No, as /etc/kernel-img.conf can say, skips it.
hooks_run next-image /etc/kernel/postinst.d "$next" INITRD=No
hook_says next-image "$next: the image's hooks exit 0 with the same line" 0 "$msg"

# --- a flavour we do not know ---------------------------------------------------------
fake_kernel "$flavour" "$BASE_VERSION"
hooks_run flavour-headers /etc/kernel/header_postinst.d "$flavour"
hook_says flavour-headers "$flavour: the headers' hooks exit 0 and say it is not supported" 0 \
	"$pkg: $flavour is not a kernel $pkg $version supports .*; it keeps the stock KVM modules"
expect "  nothing was built or installed for $flavour" nothing_for "$flavour"

# --- the design this replaces: DKMS's AUTOINSTALL fails the headers' postinst --------
echo 'AUTOINSTALL="yes"' >>"$src/dkms.conf"
hooks_run old-headers /etc/kernel/header_postinst.d "$next"
sed -i '/^AUTOINSTALL="yes"$/d' "$src/dkms.conf"
if [ "$(cat "$tmp/old-headers.rc")" != 0 ]; then
	pass "with AUTOINSTALL=yes instead, the same run for $next fails (exit $(cat "$tmp/old-headers.rc"))"
else
	fail "with AUTOINSTALL=yes instead, the same run for $next fails" "it exited 0" "$TEST_LOGS/old-headers.log"
fi

# --- uninstall ---------------------------------------------------------------------------
expect "dkms-uninstall" "$TOP/scripts/dkms-uninstall"
stock_again() {
	[ ! -e "${hooks[0]}" ] && [ ! -e "${hooks[1]}" ] && [ -z "$(dkms status -m "$pkg")" ] &&
		[[ $(modinfo -k "$kver" -n kvm) == "$lib/kernel/arch/x86/kvm/kvm.ko"?(.xz|.zst|.gz) ]]
}
expect "  the hooks are gone, DKMS has no $pkg, kvm is stock again" stock_again
hooks_run after /etc/kernel/header_postinst.d "$kver"
hook_says after "after uninstall, the headers' hooks exit 0 and build nothing of ours" 0 '.*'
expect "  nothing of ours for $kver" nothing_for "$kver"

# --- nothing left behind -------------------------------------------------------------
mv "$tmp/before.paths" "$tmp/before.sums" "$TEST_LOGS/"
cleanup
tmp=$(mktemp -d)
snapshot "$tmp/after" "${watched[@]}"
expect "afterwards the system is as before (/etc/kernel, /lib/modules, /usr/src, /var/lib/dkms, /boot)" \
	same_snapshot "$TEST_LOGS/before" "$tmp/after"
rm -rf "$tmp"
trap - EXIT
