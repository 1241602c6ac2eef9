#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DKMS end to end, for the default ABI (test_kver), with one dkms build:
# make dist; the tarball builds without linux-source; Secure Boot without an
# enrolled key is refused before anything is replaced (fake mokutil); with a
# throwaway signing key, dkms add/build/install puts signed modules with our
# version in updates/dkms, which modinfo prefers; a re-run works; dkms itself
# refuses an unsupported kernel; uninstall brings the stock modules back.
# Needs root and dkms.  Leaves the system as it found it, even on failure.

. "$(dirname "$0")/lib.sh"

kver=$(test_kver)
pkg=$PACKAGE_NAME
version=$PACKAGE_VERSION
src=/usr/src/$pkg-$version
tarball=$TOP/$pkg-$version.tar.gz
lib=/lib/modules/$kver
stock_dir=$lib/kernel/arch/x86/kvm
unsupported=6.1.0-99-amd64

if [ "$(id -u)" != 0 ]; then
	skip "dkms" "needs root"
	exit 0
fi
if ! command -v dkms >/dev/null; then
	skip "dkms" "dkms is not installed (scripts/install-deps)"
	exit 0
fi
if [ -z "$kver" ] || ! compgen -G "$stock_dir/kvm.ko*" >/dev/null; then
	skip "dkms" "no supported kernel with headers and stock modules (scripts/install-deps)"
	exit 0
fi
if [ -n "$(dkms status -m "$pkg" 2>/dev/null)" ] || [ -e "$src" ]; then
	skip "dkms" "$pkg is already in DKMS or $src exists; run make uninstall first"
	exit 0
fi

tmp=$(mktemp -d)
base_moved=
autoinstall_off=
test_conf=/etc/dkms/framework.conf.d/zz-$pkg-test.conf
default_keys_before=$(ls /var/lib/dkms/mok.key /var/lib/dkms/mok.pub 2>/dev/null)

cleanup() {
	set +e
	if [ -n "$(dkms status -m "$pkg" 2>/dev/null)" ]; then
		dkms remove "$pkg/$version" --all >/dev/null 2>&1
	fi
	rm -rf "$src"
	[ -d "$lib/kernel" ] && depmod -a "$kver"
	[ -n "$base_moved" ] && mv -f "$base_moved" "$BASE_TARBALL"
	rm -f "$test_conf"
	[ -n "$autoinstall_off" ] && rm -f /etc/dkms/no-autoinstall
	# dkms generates /var/lib/dkms/mok.{key,pub} when signing without them.
	if [ -z "$default_keys_before" ]; then
		rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# While our package is added, a headers package being configured elsewhere
# would make DKMS build it for that kernel too; hold that off meanwhile.
if [ ! -e /etc/dkms/no-autoinstall ]; then
	touch /etc/dkms/no-autoinstall
	autoinstall_off=1
fi

installed_nowhere() {
	[ -z "$(dkms status -m "$pkg" 2>/dev/null)" ] && [ ! -e "$src" ] &&
		[ "$(modinfo -k "$kver" -n kvm)" = "$stock_dir/kvm.ko" ] &&
		[ ! -e "$lib/updates/dkms/kvm.ko" ]
}

# --- make dist -------------------------------------------------------------
rm -f "$tarball"
expect "make dist writes $pkg-$version.tar.gz" make -s -C "$TOP" dist
tar -tzf "$tarball" >"$tmp/list" 2>/dev/null
check_tarball() {
	local p
	for p in dkms.conf Makefile bases/$BASE_ID/base.conf bases/$BASE_ID/files \
		bases/$BASE_ID/sha256sums scripts/lib.sh scripts/build-modules scripts/autoinstall \
		scripts/prepare-tree include compat .kvm-mbec-dist; do
		grep -qxE "$pkg-$version/$p/?" "$tmp/list" || { echo "missing $p"; return 1; }
	done
	for id in $BASE_IDS; do
		for p in "bases/$id/series" "build/$id/src/.kvm-mbec-tree"; do
			grep -qxE "$pkg-$version/$p/?" "$tmp/list" || { echo "missing $p"; return 1; }
		done
	done
	if grep -vE "^$pkg-$version/" "$tmp/list"; then
		echo "entries outside $pkg-$version/"
		return 1
	fi
	if grep -E "^$pkg-$version/(test|\.ci|\.git|build/kver|build/[^/]*/base)/" "$tmp/list"; then
		echo "the tarball carries tests, CI, git or per-kernel builds"
		return 1
	fi
}
expect "dist tarball: one top dir, patched tree with stamp, no tests" check_tarball
check_stamp() {
	local id

	mkdir -p "$tmp/x" && tar -xzf "$tarball" -C "$tmp/x" || return 1
	for id in $BASE_IDS; do
		[ "$(cat "$tmp/x/$pkg-$version/build/$id/src/.kvm-mbec-tree")" = \
		  "$(load_base "$id" && tree_inputs_hash)" ] || { echo "build/$id/src: stale stamp"; return 1; }
	done
}
expect "dist tarball: every base's build/<id>/src stamp matches its base and series" check_stamp

# From here on, no linux-source: the tarball must build without it.
if [ -f "$BASE_TARBALL" ]; then
	base_moved=$tmp/$(basename "$BASE_TARBALL")
	mv "$BASE_TARBALL" "$base_moved"
fi

# --- Secure Boot, with a fake mokutil --------------------------------------
mkdir -p "$tmp/bin" "$tmp/keys"
cat >"$tmp/bin/mokutil" <<'EOF'
#!/bin/sh
case "$1" in
--sb-state) echo "SecureBoot enabled" ;;
--test-key)
	if [ "${FAKE_MOK_ENROLLED:-0}" = 1 ]; then
		echo "$2 is already enrolled"
	else
		echo "$2 is not enrolled"
		exit 1
	fi
	;;
*) exit 1 ;;
esac
EOF
chmod +x "$tmp/bin/mokutil"
key=$tmp/keys/mok.key
cert=$tmp/keys/mok.der
cn="kvm-mbec test signing key $$"
cat >"$test_conf" <<EOF
# Written by test/t-50-dkms.sh; removed when it ends.
mok_signing_key="$key"
mok_certificate="$cert"
EOF

c="Secure Boot, no signing key: refused"
expect_fail "$c" "Secure Boot is enabled, but the DKMS signing key is missing" \
	env PATH="$tmp/bin:$PATH" "$TOP/scripts/dkms-install" "$kver"
log_says "Secure Boot, no signing key: the message says how to enrol" "$c" "mokutil --import $cert"
expect "Secure Boot, no signing key: nothing added, stock modules in use" installed_nowhere

openssl req -new -x509 -nodes -days 2 -subj "/CN=$cn" -newkey rsa:2048 \
	-keyout "$key" -outform DER -out "$cert" >"$TEST_LOGS/openssl.log" 2>&1 ||
	fail "throwaway signing key" "openssl req failed" "$TEST_LOGS/openssl.log"

c="Secure Boot, key not enrolled: refused"
expect_fail "$c" "certificate $cert is not enrolled" \
	env PATH="$tmp/bin:$PATH" FAKE_MOK_ENROLLED=0 "$TOP/scripts/dkms-install" "$kver"
log_says "Secure Boot, key not enrolled: the message says how to enrol" "$c" "mokutil --import $cert"
log_says "Secure Boot, key not enrolled: the message names reboot and MokManager" "$c" "reboot.*MokManager"
expect "Secure Boot, key not enrolled: nothing added, stock modules in use" installed_nowhere

# --- install: Secure Boot on, key enrolled (fake), no linux-source ----------
start=$(date +%s)
expect "dkms-install $kver (Secure Boot, enrolled key, no linux-source)" \
	env PATH="$tmp/bin:$PATH" FAKE_MOK_ENROLLED=1 "$TOP/scripts/dkms-install" "$kver"
info "dkms-install took $(($(date +%s) - start))s"

expect "linux-source was absent during the build" test ! -e "$BASE_TARBALL"
make_log=/var/lib/dkms/$pkg/$version/$kver/x86_64/log/make.log
no_import() {
	[ -f "$make_log" ] || { echo "no $make_log"; return 1; }
	! grep -E "verifying $BASE_TARBALL|extracting .* KVM paths|applied [0-9]+ patches" "$make_log"
}
expect "the dkms build used the shipped patched tree (no import, no patching)" no_import

expect "dkms status: $pkg/$version, $kver: installed" \
	grep -qE "^$pkg/$version, $kver, x86_64: installed" <(dkms status -m "$pkg")

check_ours() {
	local f
	resolves_to "$lib/updates/dkms" || return 1
	for f in "$lib"/updates/dkms/kvm{,-intel,-amd}.ko; do
		[ "$(modinfo -F version "$f")" = "$MODULE_VERSION_STRING" ] || return 1
	done
}
expect "modinfo -k $kver: kvm, kvm_intel, kvm_amd are ours in updates/dkms, version $MODULE_VERSION_STRING" check_ours
expect "modules.dep: kvm-intel depends on updates/dkms/kvm.ko" \
	grep -qE "^updates/dkms/kvm-intel.ko: .*updates/dkms/kvm.ko" "$lib/modules.dep"
expect "the stock modules are untouched in kernel/arch/x86/kvm" \
	test -f "$stock_dir/kvm.ko" -a -f "$stock_dir/kvm-intel.ko" -a -f "$stock_dir/kvm-amd.ko"

check_signed() {
	local f signer sig_key serial
	# sign-file names the signer by issuer and serial number; modinfo's
	# sig_key is that serial, as colon-separated hex.
	# Compared without colons or leading zeros.
	serial=$(openssl x509 -inform DER -in "$cert" -noout -serial | sed 's/^serial=//; s/^0*//')
	echo "certificate: CN '$cn', serial $serial"
	for f in "$lib"/updates/dkms/kvm{,-intel,-amd}.ko; do
		signer=$(modinfo -F signer "$f")
		sig_key=$(modinfo -F sig_key "$f" | tr -d : | sed 's/^0*//')
		echo "$f: signer '$signer', sig_key $sig_key"
		[ "$signer" = "$cn" ] && [ -n "$serial" ] && [ "$sig_key" = "$serial" ] || return 1
		[ "$(tail -c 28 "$f")" = "~Module signature appended~" ] || return 1
	done
}
expect "installed modules are signed with the configured key" check_signed

# --- a re-run with the same version -----------------------------------------
c="dkms-install again, same version: succeeds"
expect "$c" env PATH="$tmp/bin:$PATH" FAKE_MOK_ENROLLED=1 "$TOP/scripts/dkms-install" "$kver"
# Unchanged source is left installed; changed source (others edit the tree
# meanwhile) is removed first and rebuilt.  Both are a working re-run.
log_says "the re-run keeps or replaces the installed $pkg/$version" "$c" \
	"already installed for $kver|removing the previously added $pkg/$version"
expect "after the re-run, still installed and preferred" check_ours

# --- an unsupported kernel ---------------------------------------------------
expect_fail "dkms build for $unsupported: refused by DKMS's BUILD_EXCLUSIVE" \
	"BUILD_EXCLUSIVE directive which does not match this kernel" \
	dkms build -m "$pkg" -v "$version" -k "$unsupported" --kernelsourcedir "$lib/build"
expect "nothing was built for $unsupported" test ! -e "/var/lib/dkms/$pkg/$version/$unsupported"
expect_fail "dkms-install $unsupported: refused as unsupported" \
	"$unsupported is a newer kernel ABI than kvm-mbec [^ ]* supports" "$TOP/scripts/dkms-install" "$unsupported"

if command -v setpriv >/dev/null; then
	expect_fail "dkms-install as non-root: refused" "needs root" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$TOP/scripts/dkms-install" "$kver"
fi

# --- uninstall ----------------------------------------------------------------
expect "dkms-uninstall" "$TOP/scripts/dkms-uninstall"
check_stock() {
	resolves_to "$stock_dir" || return 1
	[ -z "$(dkms status -m "$pkg")" ] && [ ! -e "$src" ] &&
		[ ! -e "$lib/updates/dkms/kvm.ko" ]
}
expect "after uninstall: stock modules again, nothing left in DKMS or /usr/src" check_stock
