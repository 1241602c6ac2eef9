#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian package kvm-mbec-dkms (make deb) end to end, with apt, for the
# default kernel (DEFAULT_KVER): it builds with debhelper and is lintian
# clean (beyond its explained overrides); it ships the make dist tree as
# /usr/src/kvm-mbec-<version>/, the kernel hook, the status tool and a
# commented /etc/modprobe.d/kvm-mbec.conf.  apt-get install with Secure Boot
# on and no signing key (fake mokutil) and a kernel we do not support
# succeeds, builds nothing and says why in one line each; a reinstall
# builds and installs ours for the default kernel; a higher version
# (DKMS_VERSION=) upgrades it, leaving only that version in DKMS; remove
# and purge bring the stock modules back and leave nothing of ours.
# Two DKMS builds.  Needs root, dkms, debhelper and lintian.  Leaves the
# system as it found it, even on failure.

. "$(dirname "$0")/lib.sh"

kver=$DEFAULT_KVER
pkg=$PACKAGE_NAME
debpkg=$pkg-dkms
lib=/lib/modules/$kver
stock_dir=$lib/kernel/arch/x86/kvm
hooks=("/etc/kernel/header_postinst.d/$pkg" "/etc/kernel/postinst.d/$pkg")
conf=/etc/modprobe.d/$pkg.conf
v1=$PACKAGE_VERSION
v2=$PACKAGE_VERSION.1
deb_version1=$v1$(bases_version_suffix)-1
deb1=$TOP/${debpkg}_${deb_version1}_amd64.deb
deb_version2=$v2$(bases_version_suffix)-1
deb2=$TOP/${debpkg}_${deb_version2}_amd64.deb
# The default kernel of every other base (6.12.118+deb12-amd64 beside
# 6.1.0-57-amd64), installed beside it (scripts/install-deps): one package
# builds each from its own base.  "kver:base-version" each.
others=() other_libs=()
for id in $BASE_IDS; do
	[ "$id" != "$BASE_ID" ] || continue
	others+=("$(load_base "$id" && echo "$DEFAULT_KVER:$BASE_VERSION")")
	other_libs+=("/lib/modules/${others[-1]%%:*}")
done
# A newer ABI than we support, as an installed image without headers.
unsupported=$(kver_of $((${KERNEL_ABIS##* } + 1)) amd64)

if [ "$(id -u)" != 0 ]; then
	skip "debian package" "needs root"
	exit 0
fi
for t in dkms dpkg-buildpackage dh lintian apt-get; do
	if ! command -v "$t" >/dev/null; then
		skip "debian package" "$t is not installed (scripts/install-deps)"
		exit 0
	fi
done
if ! compgen -G "$stock_dir/kvm.ko*" >/dev/null || [ ! -f "$lib/build/Makefile" ]; then
	skip "debian package" "$kver has no headers or stock modules (scripts/install-deps)"
	exit 0
fi
for o in "${others[@]}"; do
	if [ ! -d "/lib/modules/${o%%:*}/kernel" ] || [ ! -f "/lib/modules/${o%%:*}/build/Makefile" ]; then
		fail "the other base's kernel ${o%%:*} is installed beside $kver, with headers" \
			"scripts/install-deps installs it"
		exit 0
	fi
done
# dpkg-query: the package's status, empty when dpkg does not know it.
deb_status() {
	dpkg-query -W -f '${Status}' "$debpkg" 2>/dev/null
}
st=$(deb_status)
if [ -n "$st" ] && [ "$st" != "unknown ok not-installed" ]; then
	skip "debian package" "$debpkg is on this system ($st); apt-get purge $debpkg first"
	exit 0
fi
if [ -n "$(dkms status -m "$pkg" 2>/dev/null)" ] || compgen -G "/usr/src/$pkg-*" >/dev/null ||
   [ -e "${hooks[0]}" ] || [ -e "${hooks[1]}" ] || [ -e "$conf" ]; then
	skip "debian package" "$pkg is already installed (in DKMS, /usr/src or /etc); run make uninstall first"
	exit 0
fi

tmp=$(mktemp -d)
sb_conf=/etc/dkms/framework.conf.d/zz-$pkg-t54.conf
default_keys_before=$(ls /var/lib/dkms/mok.key /var/lib/dkms/mok.pub 2>/dev/null)
fake_kernel=
[ -e "/lib/modules/$unsupported" ] || fake_kernel=/lib/modules/$unsupported

# What the test may touch, to compare after (snapshot, test/lib.sh): also
# the package's own files, and what dpkg knows of the package.
deb_snapshot() {
	snapshot "$1" /etc/kernel /etc/modprobe.d /etc/dkms /var/lib/dkms "$lib" \
		"${other_libs[@]}" \
		/usr/sbin/kvm-mbec /usr/share/man/man8/kvm-mbec.8.gz "/usr/share/doc/$debpkg" \
		"/usr/share/lintian/overrides/$debpkg"
	echo "dpkg: $(deb_status)" >>"$1.sums"
}
deb_snapshot "$tmp/before"
mv "$tmp/before.paths" "$tmp/before.sums" "$TEST_LOGS/"

# apt-get without questions, waiting for a dpkg lock that other work holds.
apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 "$@"
}
# The same with the fake mokutil first in the maintainer scripts' PATH (apt
# gives dpkg DPkg::Path): Secure Boot on.
apt_get_sb() {
	apt_get -o DPkg::Path="$tmp/bin:$PATH" "$@"
}

cleanup() {
	set +e
	rm -f "$sb_conf"
	st=$(deb_status)
	if [ -n "$st" ] && [ "$st" != "unknown ok not-installed" ]; then
		apt_get purge "$debpkg" >"$TEST_LOGS/cleanup.log" 2>&1 ||
			dpkg --purge --force-all "$debpkg" >>"$TEST_LOGS/cleanup.log" 2>&1
	fi
	for v in $(dkms status -m "$pkg" 2>/dev/null | sed -n "s|^$pkg/\([^,:]*\)[,:].*|\1|p" | sort -u); do
		dkms remove -m "$pkg" -v "$v" --all >/dev/null 2>&1
	done
	rm -rf "/usr/src/$pkg-"* "/var/lib/dkms/$pkg" "${hooks[@]}" "$conf"
	[ -n "$fake_kernel" ] && rm -rf "$fake_kernel"
	depmod -a "$kver"
	for o in "${others[@]}"; do depmod -a "${o%%:*}"; done
	[ -z "$default_keys_before" ] && rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	rm -f "$deb2"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ours VERSION: DKMS has exactly kvm-mbec/VERSION, installed for $kver and
# every other installed supported kernel, and its modules, with
# VERSION+<that kernel's BASE_VERSION>, are the ones modinfo finds.
ours() {
	local st m k want n=0
	st=$(dkms status -m "$pkg")
	echo "$st"
	# Every installed supported kernel with headers, of either base (the
	# other base's default kernel among them, checked above): ours, built
	# from that kernel's own base.
	while read -r k; do
		n=$((n + 1))
		grep -qF "$pkg/$1, $k, x86_64: installed" <<<"$st" || return 1
		want=$1+$(load_base "$(base_of_kver "$k")" && echo "$BASE_VERSION")
		for m in kvm kvm_intel kvm_amd; do
			[ "$(modinfo -k "$k" -F version "$m")" = "$want" ] || return 1
			[[ $(modinfo -k "$k" -F filename "$m") == "/lib/modules/$k/updates/dkms/"* ]] ||
				return 1
		done
	done < <(installed_kernels)
	[ "$(grep -c . <<<"$st")" = "$n" ] && grep -qF "$pkg/$1, $kver, x86_64: installed" <<<"$st" &&
		resolves_to "$lib/updates/dkms"
}
stock() {
	local l

	resolves_to "$stock_dir" && [ -z "$(dkms status -m "$pkg")" ] &&
		! compgen -G "$lib/updates/dkms/kvm*.ko" >/dev/null || return 1
	for l in "${other_libs[@]}"; do
		! compgen -G "$l/updates/dkms/kvm*.ko" >/dev/null || return 1
	done
}
hooks_installed() {
	local h
	for h in "${hooks[@]}"; do
		[ -L "$h" ] && [ -x "$h" ] || return 1
		readlink "$h"
		[ "$(readlink "$h")" = "/usr/src/$pkg-$1/scripts/kernel-hook" ] || return 1
		dpkg-query -S "$h" | grep -q "^$debpkg: " || return 1
	done
}

# --- build -------------------------------------------------------------------
start=$(date +%s)
rm -f "$deb1"
expect "make deb writes $(basename "$deb1")" make -s -C "$TOP" deb
info "make deb took $(($(date +%s) - start))s"
if [ ! -f "$deb1" ]; then
	fail "the package was built" "no $deb1"
	exit 0
fi
fields() {
	dpkg-deb -f "$deb1" Package Version Architecture Depends Recommends
	[ "$(dpkg-deb -f "$deb1" Architecture)" = amd64 ] &&
		[ "$(dpkg-deb -f "$deb1" Version)" = "$deb_version1" ] &&
		[[ $(dpkg-deb -f "$deb1" Depends) == *"dkms (>= "* ]] &&
		[[ $(dpkg-deb -f "$deb1" Recommends) == *linux-headers-amd64* ]]
}
expect "control: amd64, version $deb_version1, Depends dkms, Recommends linux-headers-amd64" fields
dpkg-deb -c "$deb1" >"$tmp/contents"
contents() {
	local p
	for p in "./usr/sbin/kvm-mbec" "./usr/share/man/man8/kvm-mbec.8.gz" "./etc/modprobe.d/kvm-mbec.conf" \
		"./etc/kernel/header_postinst.d/kvm-mbec -> /usr/src/$pkg-$v1/scripts/kernel-hook" \
		"./etc/kernel/postinst.d/kvm-mbec -> /usr/src/$pkg-$v1/scripts/kernel-hook" \
		"./usr/src/$pkg-$v1/dkms.conf"; do
		grep -qF " $p" "$tmp/contents" || { echo "missing: $p"; return 1; }
	done
}
expect "contents: the tool, its man page, the modprobe.d file, the hook as symlinks, the source" contents
same_tree() {
	mkdir -p "$tmp/x" "$tmp/dist"
	dpkg-deb -x "$deb1" "$tmp/x" &&
		tar -xzf "$BUILD/deb/$pkg-$v1.tar.gz" -C "$tmp/dist" &&
		diff -r "$tmp/dist/$pkg-$v1" "$tmp/x/usr/src/$pkg-$v1"
}
expect "/usr/src/$pkg-$v1 in the package is the make dist tree, file for file" same_tree

lintian --info "$deb1" >"$TEST_LOGS/lintian.log" 2>&1
rc=$?
lintian_tags=$(grep -E '^[EW]: ' "$TEST_LOGS/lintian.log")
if [ "$rc" = 0 ] && [ -z "$lintian_tags" ]; then
	pass "lintian: no errors or warnings (the overrides say why for the rest)"
else
	fail "lintian: no errors or warnings" "exit $rc: $lintian_tags" "$TEST_LOGS/lintian.log"
fi

# --- install: Secure Boot on without a key, and a kernel we do not support -----
mkdir -p "$tmp/bin"
# shellcheck disable=SC2016 # $1 is the fake mokutil's
printf '#!/bin/sh\n[ "$1" = --sb-state ] && echo "SecureBoot enabled"\nexit 1\n' >"$tmp/bin/mokutil"
chmod +x "$tmp/bin/mokutil"
cat >"$sb_conf" <<EOF
# Written by test/t-54-deb.sh; removed when it ends.
mok_signing_key="$tmp/keys/mok.key"
mok_certificate="$tmp/keys/mok.der"
EOF
[ -n "$fake_kernel" ] && mkdir -p "$fake_kernel/kernel"
c="apt-get install (Secure Boot without a key): succeeds"
expect "$c" apt_get_sb install --no-install-recommends "$deb1"
rm -f "$sb_conf"
log_says "  the postinst says why not for $kver, in one line" "$c" \
	"^$pkg: not installing for $kver: Secure Boot is enabled, but the DKMS signing key is missing"
if [ -n "$fake_kernel" ]; then
	log_says "  the postinst says in one line that $unsupported keeps the stock modules" "$c" \
		"^$pkg: $unsupported is a newer kernel ABI than $pkg $v1 supports .*; it keeps the stock KVM modules"
fi
added_only() {
	[ "$(deb_status)" = "install ok installed" ] &&
		[ "$(dkms status -m "$pkg")" = "$pkg/$v1: added" ] && resolves_to "$stock_dir"
}
expect "  $debpkg is installed, $pkg/$v1 added to DKMS, the stock modules in use" added_only

# --- reinstall: builds and installs ours -----------------------------------------
start=$(date +%s)
c="apt-get install --reinstall: succeeds"
expect "$c" apt_get install --reinstall --no-install-recommends "$deb1"
info "the reinstall (one DKMS build) took $(($(date +%s) - start))s"
log_says "  the postinst installs $v1 for $kver" "$c" "^$pkg: installed $v1 for $kver in $lib/updates/dkms"
expect "dkms status: only $pkg/$v1, installed for $kver${others:+, ${others[*]%%:*}} and any other supported kernel with headers; modinfo -k finds ours, version $v1+<that kernel's base>" ours "$v1"
make_log=/var/lib/dkms/$pkg/$v1/$kver/x86_64/log/make.log
no_import() {
	[ -f "$make_log" ] || { echo "no $make_log"; return 1; }
	! grep -E "verifying $BASE_TARBALL|extracting .* KVM paths|applied [0-9]+ patches" "$make_log"
}
expect "  the DKMS build used the shipped patched tree (no import, no patching)" no_import
expect "  /usr/src/$pkg-$v1 is still the make dist tree" diff -r "$tmp/dist/$pkg-$v1" "/usr/src/$pkg-$v1"
expect "the kernel hook is in both directories, a symlink of $debpkg to the shipped hook" hooks_installed "$v1"
c="the hook for $kver: exits 0, already installed"
expect "$c" "${hooks[0]}" "$kver"
log_says "  it says so" "$c" "^$pkg: $v1 is already installed for $kver"
tool_runs() {
	local rc
	/usr/sbin/kvm-mbec status
	rc=$?
	echo "exit $rc"
	[ "$rc" -lt 126 ] && [ -f /usr/share/man/man8/kvm-mbec.8.gz ]
}
expect "/usr/sbin/kvm-mbec runs; its man page is in man8" tool_runs
conf_commented() {
	dpkg-query -W -f '${Conffiles}\n' "$debpkg" | grep -q "^ $conf " &&
		! grep -qE '^[[:space:]]*options' "$conf" &&
		grep -qE '^#[[:space:]]*options kvm_intel enable_mbec=1$' "$conf" &&
		grep -qE '^#[[:space:]]*options kvm_amd enable_gmet=1$' "$conf" &&
		grep -q 'rmmod kvm_intel kvm; modprobe kvm_intel' "$conf"
}
expect "$conf: a conffile, enable_mbec and enable_gmet commented out, how to reload" conf_commented

# --- upgrade to a higher version --------------------------------------------------
expect "make deb DKMS_VERSION=$v2 writes $(basename "$deb2")" make -s -C "$TOP" deb DKMS_VERSION="$v2"
expect "  $deb_version2 is higher than $deb_version1" dpkg --compare-versions "$deb_version2" gt "$deb_version1"
start=$(date +%s)
c="apt-get install $(basename "$deb2") (upgrade): succeeds"
expect "$c" apt_get install --no-install-recommends "$deb2"
info "the upgrade (one DKMS build) took $(($(date +%s) - start))s"
log_says "  the old prerm removes $pkg/$v1 from DKMS" "$c" "^$pkg: removing $pkg/$v1 from DKMS"
log_says "  the postinst installs $v2 for $kver" "$c" "^$pkg: installed $v2 for $kver in $lib/updates/dkms"
expect "dkms status: only $pkg/$v2, installed for $kver${others:+, ${others[*]%%:*}} and any other supported kernel with headers; modinfo finds it, version $v2+<that kernel's base>" ours "$v2"
only_new() {
	[ ! -e "/usr/src/$pkg-$v1" ] && [ ! -e "/var/lib/dkms/$pkg/$v1" ] && [ -f "/usr/src/$pkg-$v2/dkms.conf" ]
}
expect "  /usr/src and /var/lib/dkms have $v2 only" only_new
expect "  the kernel hook points at $v2" hooks_installed "$v2"

# --- remove, then purge ------------------------------------------------------------
expect "apt-get remove $debpkg: succeeds" apt_get remove "$debpkg"
expect "  the stock modules are used again; DKMS has no $pkg" stock
removed() {
	[ ! -e "${hooks[0]}" ] && [ ! -L "${hooks[0]}" ] && [ ! -e "${hooks[1]}" ] && [ ! -L "${hooks[1]}" ] &&
		! compgen -G "/usr/src/$pkg-*" >/dev/null && [ ! -e /usr/sbin/kvm-mbec ] &&
		[ -f "$conf" ] && [ "$(deb_status)" = "deinstall ok config-files" ]
}
expect "  the hooks, the source and the tool are gone; the conffile stays until purge" removed
expect "apt-get purge $debpkg: succeeds" apt_get purge "$debpkg"
purged() {
	[ ! -e "$conf" ] && [ -z "$(deb_status)" ] && [ ! -e "/var/lib/dkms/$pkg" ] && stock
}
expect "  $conf and /var/lib/dkms/$pkg are gone, dpkg forgot $debpkg, kvm is stock" purged

# --- nothing left behind -------------------------------------------------------------
cleanup
trap - EXIT
tmp=$(mktemp -d)
deb_snapshot "$tmp/after"
expect "afterwards the system is as before (/etc/kernel, /etc/modprobe.d, /etc/dkms, /lib/modules, /usr/src, /var/lib/dkms)" \
	same_snapshot "$TEST_LOGS/before" "$tmp/after"
rm -rf "$tmp"
