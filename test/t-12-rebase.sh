#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make rebase, on copies of the repository: from a record that says it is at
# the archive's previous linux-source-6.1 (one KVM file marked as different,
# the newest ABI missing) onto our BASE_VERSION, it names the changed file
# and the changelog entries, applies the series, writes the record that the
# repository has, and builds for the supported kernel; a patch that does not
# apply stops it with the rejects and changes nothing.  Fetches with
# apt-get download (cached in $CACHE).
# Runs once per base in make check-full.

. "$(dirname "$0")/lib.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

prev=$(archive_base_versions | while read -r v; do
	dpkg --compare-versions "$v" lt "$BASE_VERSION" && echo "$v"
done | tail -n 1)
if [ -z "$prev" ]; then
	skip "make rebase" "apt knows no $BASE_PACKAGE older than $BASE_VERSION (apt-get update?)"
	exit 0
fi
if [ ! -f "$(kdir_for "$DEFAULT_KVER")/Makefile" ]; then
	skip "make rebase" "no headers for $DEFAULT_KVER (scripts/install-deps)"
	exit 0
fi

# copy_repo DIR: the files make rebase reads and writes, in DIR, with the
# record moved back to $prev and without the newest ABI.
copy_repo() {
	mkdir -p "$1"
	cp -a "$TOP/scripts" "$TOP/src" "$TOP/include" "$TOP/compat" "$TOP/bases" \
		"$TOP/dkms.conf" "$TOP/Makefile" "$1/"
	git -C "$1" init -q
	git -C "$1" add -A
	local conf=$1/bases/$BASE_ID/base.conf older
	older=$(echo "$KERNEL_ABIS" | xargs -n 1 | head -n -1 | xargs)
	sed -i -e "s/^BASE_VERSION=.*/BASE_VERSION=$prev/" -e 's/^BASE_SAME_KVM=.*/BASE_SAME_KVM=""/' \
		-e "s/^KERNEL_ABIS=.*/KERNEL_ABIS=\"$older\"/" "$conf"
	sed -i "s/|${KERNEL_ABIS##* })-/)-/" "$1/dkms.conf"
}

# Only the default kernel's headers, so that one build stands for all.
mkdir -p "$scratch/modules/$DEFAULT_KVER"
ln -s "$(readlink -f "$(kdir_for "$DEFAULT_KVER")")" "$scratch/modules/$DEFAULT_KVER/build"
export KVM_MBEC_MODULES_ROOT=$scratch/modules

repo=$scratch/repo
copy_repo "$repo"
sums=$repo/bases/$BASE_ID/sha256sums
sed -i 's/^[0-9a-f]\{64\}\(  arch\/x86\/kvm\/x86.c\)$/0000000000000000000000000000000000000000000000000000000000000000\1/' "$sums"
c="make rebase VERSION=$BASE_VERSION from $prev"
expect "$c" make -s -C "$repo" rebase VERSION="$BASE_VERSION"
log=$TEST_LOGS/$(echo "$c" | tr -c 'A-Za-z0-9_.-' '_').log
for want in "== $BASE_PACKAGE $prev -> $BASE_VERSION" "^  changed arch/x86/kvm/x86.c$" \
	"^== Debian changelog entries since $prev" "^  Version: $BASE_VERSION Date: " \
	"all $(series_patches | wc -l) patches apply" "$(re_quote "$DEFAULT_KVER") +\\| $(re_quote "$BASE_ID") +\\| ok " \
	"rebased onto $BASE_PACKAGE $BASE_VERSION"; do
	if grep -qE -- "$want" "$log"; then
		pass "  it says: $want"
	else
		fail "  it says: $want" "" "$log"
	fi
done
same_record() {
	local v
	for v in BASE_VERSION KERNEL_ABIS; do
		diff <(grep "^$v=" "$TOP/bases/$BASE_ID/base.conf") \
			<(grep "^$v=" "$repo/bases/$BASE_ID/base.conf") || return 1
	done
	# One file changed, so nothing is recorded as the same KVM.
	grep -qx 'BASE_SAME_KVM=""' "$repo/bases/$BASE_ID/base.conf" &&
		cmp "$TOP/bases/$BASE_ID/sha256sums" "$sums" &&
		cmp "$TOP/dkms.conf" "$repo/dkms.conf"
}
expect "  the record it writes is the repository's (version, ABIs, sha256sums, dkms.conf)" same_record
expect "  the modules it built are there" test -f "$repo/build/kver/$DEFAULT_KVER/arch/x86/kvm/kvm.ko"

# A patch that does not apply: the rejects, and nothing changed.
bad=$scratch/bad
copy_repo "$bad"
cp "$bad/bases/$BASE_ID/base.conf" "$scratch/conf.before"
bad_patch >"$bad/src/x86/9999-bad.patch"
echo "x86/9999-bad.patch" >>"$bad/$BASE_SERIES"
c="make rebase with a patch that does not apply stops"
expect_fail "$c" "patch src/x86/9999-bad.patch does not apply to $BASE_PACKAGE $BASE_VERSION" \
	make -s -C "$bad" rebase VERSION="$BASE_VERSION"
log=$TEST_LOGS/$(echo "$c" | tr -c 'A-Za-z0-9_.-' '_').log
if grep -q '^--- arch/x86/kvm/x86.c.rej$' "$log" && grep -q 'Nothing was changed' "$log"; then
	pass "  it shows the rejects and says nothing was changed"
else
	fail "  it shows the rejects and says nothing was changed" "" "$log"
fi
expect "  base.conf is unchanged" cmp "$scratch/conf.before" "$bad/bases/$BASE_ID/base.conf"

expect_fail "make rebase to an older version is refused" "older than our base" \
	make -s -C "$TOP" rebase VERSION=6.1.1-1
expect_fail "make rebase without VERSION says how" "usage: make rebase VERSION=" \
	make -s -C "$TOP" rebase
