#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Which kernels we build for: the supported list is one setting (base.conf),
# the default kernel derives from it, the freshness guard refuses a kernel
# whose KVM is newer than our base (faked header trees), choose-kver says
# what happens to a running kernel we do not support, and check-debian
# reports what the archive has that we do not (a fake apt-cache).
# Runs once per base.

. "$(dirname "$0")/lib.sh"
# One base's line at a time: check-debian and choose-kver stay on it.
export KVM_MBEC_BASE=$BASE_ID

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# --- one setting -------------------------------------------------------------
dkms_regex=$(dkms_conf_value BUILD_EXCLUSIVE_KERNEL)
if [ "$dkms_regex" = "$(all_supported_kernels)" ]; then
	pass "dkms.conf BUILD_EXCLUSIVE_KERNEL is every base.conf's kernel list ($dkms_regex)"
else
	fail "dkms.conf BUILD_EXCLUSIVE_KERNEL is every base.conf's kernel list" \
		"dkms.conf: $dkms_regex; base.conf: $(all_supported_kernels)"
fi
newest=$(echo "$KERNEL_ABIS" | xargs -n 1 | sort -n | tail -n 1)
if [ "$DEFAULT_KVER" = "$(kver_of "$newest" amd64)" ]; then
	pass "the default kernel is the newest supported ABI: $DEFAULT_KVER"
else
	fail "the default kernel is the newest supported ABI" "DEFAULT_KVER=$DEFAULT_KVER, newest ABI $newest"
fi
hard=$(cd "$TOP" && grep -rnE "$(for id in $BASE_IDS; do (load_base "$id" &&
	echo "$(re_quote "$KERNEL_PREFIX")[0-9]+($(infixes_re))(amd64|cloud|rt)"); done | paste -sd'|')" Makefile scripts test/vm .ci |
	grep -v '/README' | grep -v -- '-99-')
if [ -z "$hard" ]; then
	pass "no kernel release is hard-coded in Makefile, scripts/, test/vm/, .ci/"
else
	fail "no kernel release is hard-coded in Makefile, scripts/, test/vm/, .ci/" "$(head -n 3 <<<"$hard")"
fi
grep -q '^AUTOINSTALL=' "$TOP/dkms.conf" &&
	fail "dkms.conf sets no AUTOINSTALL (our kernel hook installs for new kernels)" ||
	pass "dkms.conf sets no AUTOINSTALL (our kernel hook installs for new kernels)"

# --- faked header trees --------------------------------------------------------
real=$(kdir_for "$DEFAULT_KVER")
if [ ! -f "$real/include/generated/package.h" ]; then
	skip "freshness guard" "no headers for $DEFAULT_KVER (scripts/install-deps)"
	exit 0
fi
real_version=$(headers_debian_version "$real")

# fake_headers ROOT RELEASE VERSION: ROOT/RELEASE/build, a copy of the
# default kernel's headers that says it is Debian VERSION.
fake_headers() {
	local d=$1/$2/build
	mkdir -p "$1/$2"
	cp -a "$(readlink -f "$real")" "$d"
	echo "#define LINUX_PACKAGE_ID \" Debian $3\"" >"$d/include/generated/package.h"
}

newer=$(later_debian_version)
# An accepted release, but its headers say a later Debian version than ours.
fake_headers "$scratch/newer" "$DEFAULT_KVER" "$newer"
export KVM_MBEC_MODULES_ROOT=$scratch/newer
expect_fail "freshness guard: $DEFAULT_KVER with KVM $newer is refused" \
	"$(re_quote "$DEFAULT_KVER") \\(KVM $newer\\) is newer than our base $BASE_VERSION" \
	"$TOP/scripts/choose-kver" "$DEFAULT_KVER"
expect_fail "freshness guard: make KVER=$DEFAULT_KVER refuses it before building" \
	"$(re_quote "$DEFAULT_KVER") \\(KVM $newer\\) is newer than our base $BASE_VERSION" \
	env BUILD="$scratch/build" "$TOP/scripts/build-modules" "$DEFAULT_KVER"
expect "freshness guard: nothing was built" test ! -e "$scratch/build/kver"
expect_fail "freshness guard: make without KVER finds no acceptable headers" \
	"no supported kernel headers are installed" \
	env KVM_MBEC_RUNNING_KERNEL="$DEFAULT_KVER" "$TOP/scripts/choose-kver"

# The project records that version's KVM files as the base's: accepted.
repo=$scratch/repo
mkdir -p "$repo"
cp -a "$TOP/scripts" "$TOP/bases" "$TOP/dkms.conf" "$repo/"
sed -i "s/^BASE_SAME_KVM=.*/BASE_SAME_KVM=\"$newer\"/" "$repo/bases/$BASE_ID/base.conf"
expect "freshness guard: accepted once BASE_SAME_KVM records $newer" \
	"$repo/scripts/choose-kver" "$DEFAULT_KVER"
# Headers that do not say their version are refused, not guessed.
rm "$scratch/newer/$DEFAULT_KVER/build/include/generated/package.h"
expect_fail "freshness guard: headers without LINUX_PACKAGE_ID are refused" \
	"do not say which Debian version" "$TOP/scripts/choose-kver" "$DEFAULT_KVER"

# A running kernel newer than we support, beside supported headers.
next=$(kver_of $((newest + 1)) amd64)
fake_headers "$scratch/next" "$DEFAULT_KVER" "$real_version"
fake_headers "$scratch/next" "$next" "$newer"
export KVM_MBEC_MODULES_ROOT=$scratch/next
c="make install on a newer running kernel: refused, saying what happens"
expect_fail "$c" "the running kernel $(re_quote "$next") \\(KVM $newer\\) is newer than our base $BASE_VERSION; it keeps the stock KVM modules" \
	env KVM_MBEC_RUNNING_KERNEL="$next" "$TOP/scripts/choose-kver" --install
log=$TEST_LOGS/$(echo "$c" | tr -c 'A-Za-z0-9_.-' '_').log
if grep -q "make install KVER=$DEFAULT_KVER" "$log" && ! grep -q "^$DEFAULT_KVER\$" "$log"; then
	pass "  it names make install KVER=$DEFAULT_KVER and does not choose it silently"
else
	fail "  it names make install KVER=$DEFAULT_KVER and does not choose it silently" "" "$log"
fi
c="make (build) on a newer running kernel: builds for $DEFAULT_KVER and says why"
expect "$c" env KVM_MBEC_RUNNING_KERNEL="$next" "$TOP/scripts/choose-kver"
log=$TEST_LOGS/$(echo "$c" | tr -c 'A-Za-z0-9_.-' '_').log
if grep -q "^$DEFAULT_KVER\$" "$log" && grep -q "is newer than our base.*building for $DEFAULT_KVER" "$log"; then
	pass "  it prints $DEFAULT_KVER and the reason"
else
	fail "  it prints $DEFAULT_KVER and the reason" "" "$log"
fi
# A newer ABI without headers, and a flavour we do not know.
expect_fail "an ABI newer than ours is named as such" "is a newer kernel ABI than kvm-mbec" \
	"$TOP/scripts/choose-kver" "$(kver_of $((newest + 2)) amd64)"
expect_fail "an unknown flavour is refused" "is not a kernel kvm-mbec [^ ]* supports" \
	"$TOP/scripts/choose-kver" "$(kver_of "$newest" foo-amd64)"
unset KVM_MBEC_MODULES_ROOT

# --- check-debian, against a fake archive --------------------------------------
mkdir -p "$scratch/bin"
cat >"$scratch/bin/apt-cache" <<'EOF'
#!/bin/bash
# A fake apt-cache: FAKE_SOURCE_VERSIONS, FAKE_HEADERS ("<release without
# the line's prefix>=version ...", as 57-amd64 or 118+deb12-amd64).
case "$1" in
madison)
	for v in $FAKE_SOURCE_VERSIONS; do
		echo " $2 | $v | http://deb.debian.org/debian-security bookworm-security/main amd64 Packages"
	done ;;
pkgnames)
	for h in $FAKE_HEADERS; do echo "$2${h%%=*}"; done
	echo "$2${FAKE_HEADERS%%-*}-common" ;;
show)
	shift 2
	for p in "$@"; do
		for h in $FAKE_HEADERS; do
			[[ $p == *[.-]"${h%%=*}" ]] && printf 'Package: %s\nVersion: %s\n\n' "$p" "${h#*=}"
		done
	done ;;
esac
EOF
chmod +x "$scratch/bin/apt-cache"
# rel KVER: KVER without the line's prefix, as FAKE_HEADERS has it.
rel() {
	echo "${1#"$KERNEL_PREFIX"}"
}
current=""
for a in $KERNEL_ABIS; do
	for f in $KERNEL_FLAVOURS; do current="$current $(rel "$(kver_of "$a" "$f")")=$BASE_VERSION"; done
done
c="check-debian: an archive like our record is up to date"
expect "$c" env PATH="$scratch/bin:$PATH" CHECK_DEBIAN_UPDATE=0 FAKE_SOURCE_VERSIONS="$BASE_VERSION" \
	FAKE_HEADERS="$current" "$TOP/scripts/check-debian"
c="check-debian: a newer source, a new ABI and a new flavour are reported"
expect_fail "$c" "base: $BASE_PACKAGE $newer in the archive is newer than our base $BASE_VERSION: make rebase VERSION=$newer" \
	env PATH="$scratch/bin:$PATH" CHECK_DEBIAN_UPDATE=0 FAKE_SOURCE_VERSIONS="$BASE_VERSION $newer" \
	FAKE_HEADERS="$current $(rel "$next")=$newer $(rel "$(kver_of "$newest" foo-amd64)")=$BASE_VERSION" "$TOP/scripts/check-debian"
log=$TEST_LOGS/$(echo "$c" | tr -c 'A-Za-z0-9_.-' '_').log
for want in "kernel: $(re_quote "$next") \\($newer\\) is a new ABI with a newer KVM than our base" \
	"kernel: $(re_quote "$(kver_of "$newest" foo-amd64)") \\($(re_quote "$BASE_VERSION")\\) is a flavour we do not build for"; do
	if grep -qE -- "$want" "$log"; then
		pass "  check-debian says: $want"
	else
		fail "  check-debian says: $want" "" "$log"
	fi
done
expect_fail "check-debian: no $BASE_PACKAGE known to apt is an error" "apt knows no $BASE_PACKAGE" \
	env PATH="$scratch/bin:$PATH" CHECK_DEBIAN_UPDATE=0 FAKE_SOURCE_VERSIONS="" FAKE_HEADERS="$current" \
	"$TOP/scripts/check-debian"
