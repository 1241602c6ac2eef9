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

# make follow on a copy moved back to $prev, as a Debian update leaves us:
# check-debian, the rebase, the build matrix, the tests, the report and a
# commit on a branch of its own.  The build of an older ABI fails here
# (headers that stop make): that ABI is refused, with the reason.
# follow_copy DIR: a copy that make follow can run in (its tests too),
# with the moved-back record committed, and the trees the rebase above
# built.  Every copy is made at the path of that rebase's, $repo, so that
# kbuild finds its commands unchanged and builds nothing again.
cp -a "$repo/build" "$scratch/built"
follow_copy() {
	rm -rf "$1"
	copy_repo "$1"
	sed -i 's/^[0-9a-f]\{64\}\(  arch\/x86\/kvm\/x86.c\)$/0000000000000000000000000000000000000000000000000000000000000000\1/' \
		"$1/bases/$BASE_ID/sha256sums"
	cp -a "$TOP/test" "$1/"
	cp -a "$scratch/built" "$1/build"
	git -C "$1" add -A
	git -C "$1" -c user.name=t -c user.email=t@t commit -q -m "moved back to $prev"
}
export CHECK_DEBIAN_UPDATE=0 FOLLOW_DEPS=0 FOLLOW_TESTS=t-30-symbols
fol=$repo
follow_copy "$fol"
older_abis=$(. "$fol/bases/$BASE_ID/base.conf" && echo "$KERNEL_ABIS")
old_abi=${older_abis##* }
kvers=$DEFAULT_KVER
if [ -n "$old_abi" ]; then
	broken=$(kver_of "$old_abi" "${KERNEL_FLAVOURS%% *}")
	mkdir -p "$scratch/modules/$broken/build/include/generated"
	printf 'all modules:\n\t@echo "fake.h:1: error: no such kernel (t-12)"; exit 1\n' \
		>"$scratch/modules/$broken/build/Makefile"
	cp "$(kdir_for "$DEFAULT_KVER")/include/generated/package.h" \
		"$scratch/modules/$broken/build/include/generated/"
	kvers="$DEFAULT_KVER $broken"
fi
# A test that make check runs on one base only (t-70, t-72) runs on the
# base that make follow moves: a probe says which base and kernel it got.
cat >"$fol/test/t-98-probe.sh" <<'PROBE'
#!/bin/bash
# Runs once per base in make check-full.
. "$(dirname "$0")/lib.sh"
pass "probe: base ${KVM_MBEC_BASE:-none}, kernel ${KVER:-none}"
PROBE
git -C "$fol" add -A
git -C "$fol" -c user.name=t -c user.email=t@t commit -q -m "a probe test"
branch=follow/$BASE_ID-${BASE_VERSION//\~/_}
start=$(git -C "$fol" rev-parse --abbrev-ref HEAD)
c="make follow VERSION=$BASE_VERSION from $prev"
expect "$c" env -u KVER FOLLOW_KVERS="$kvers" FOLLOW_TESTS="t-30-symbols t-98-probe" \
	make -s -C "$fol" follow VERSION="$BASE_VERSION"
log=$(log_of "$c")
tests_log=$fol/build/follow/$BASE_VERSION/tests.log
expect "  a test that runs per base only in check-full runs on the base it follows, on its default kernel" \
	grep -qxF "PASS: t-98-probe ($BASE_ID): probe: base $BASE_ID, kernel $DEFAULT_KVER" "$tests_log"
report=$fol/build/follow/$BASE_VERSION/report.md
for want in "^== check-debian" "^base: $(re_quote "$BASE_PACKAGE $BASE_VERSION") in the archive is newer than our base $(re_quote "$prev")" \
	"^== make rebase VERSION=$(re_quote "$BASE_VERSION")" "the series applies as it is" \
	"^== tests on $(re_quote "$DEFAULT_KVER"): t-30-symbols" "passed, 0 failed" \
	"^follow: ready to review: git log -p $(re_quote "$start..$branch")$"; do
	if grep -qE -- "$want" "$log"; then
		pass "  it says: $want"
	else
		fail "  it says: $want" "" "$log"
	fi
done
for want in "^\\| rebase \\| ok \\|" "^\\| matrix \\| ok \\|" "^\\| tests \\| ok \\|" "^\\| commit \\| ok \\|" \
	"^## KVM files changed" "^  changed arch/x86/kvm/x86.c$" "^## Debian changelog entries"; do
	if grep -qE -- "$want" "$report" 2>/dev/null; then
		pass "  its report has: $want"
	else
		fail "  its report has: $want" "" "$report"
	fi
done
got="$(git -C "$fol" rev-parse --abbrev-ref HEAD) $(git -C "$fol" diff --name-only HEAD~1 HEAD | xargs)"
got="$got; uncommitted: $(git -C "$fol" status --porcelain -- bases dkms.conf src | xargs)"
want="$branch bases/$BASE_ID/base.conf bases/$BASE_ID/sha256sums dkms.conf; uncommitted: "
if [ "$got" = "$want" ]; then
	pass "  it commits the new record on $branch, and nothing else"
else
	fail "  it commits the new record on $branch, and nothing else" "got: $got" "$log"
fi
if [ -n "$old_abi" ]; then
	expect "  the older ABI $old_abi that no longer builds is refused, with the compiler's reason" \
		bash -c '. "$1/bases/$2/base.conf" && v=KERNEL_REFUSED_WHY_$3 &&
			[[ " $KERNEL_ABIS_REFUSED " == *" $3 "* ]] && [[ " $KERNEL_ABIS " != *" $3 "* ]] &&
			[[ ${!v} == *"no such kernel (t-12)"* ]] &&
			! grep -q -- "$3" <<<"$(grep ^BUILD_EXCLUSIVE_KERNEL= "$1/dkms.conf")"' _ "$fol" "$BASE_ID" "$old_abi"
	if grep -q "^- .*$old_abi.*no such kernel (t-12)" "$report" 2>/dev/null; then
		pass "  the report names the refused ABI"
	else
		fail "  the report names the refused ABI" "" "$report"
	fi
else
	skip "  make follow refuses an older ABI that no longer builds" "this base's copy keeps no older ABI"
fi

# It stops at the first failing step, with its evidence, and commits nothing.
bad=$repo
follow_copy "$bad"
bad_patch >"$bad/src/x86/9999-bad.patch"
echo "x86/9999-bad.patch" >>"$bad/$BASE_SERIES"
git -C "$bad" add -A
git -C "$bad" -c user.name=t -c user.email=t@t commit -q -m "a patch that does not apply"
c="make follow with a patch that does not apply stops at the rebase"
expect_fail "$c" "follow: stopped at rebase" \
	env FOLLOW_KVERS="$DEFAULT_KVER" make -s -C "$bad" follow VERSION="$BASE_VERSION"
if grep -q '^--- arch/x86/kvm/x86.c.rej$' "$bad/build/follow/$BASE_VERSION/rebase.log" 2>/dev/null &&
	grep -q '^| rebase | stopped |' "$bad/build/follow/$BASE_VERSION/report.md" 2>/dev/null; then
	pass "  its evidence has the rejects, its report the step"
else
	fail "  its evidence has the rejects, its report the step" "" "$bad/build/follow/$BASE_VERSION/rebase.log"
fi
expect "  nothing is committed or changed" \
	bash -c '[ "$(git -C "$1" rev-parse --abbrev-ref HEAD)" = "$2" ] && [ -z "$(git -C "$1" status --porcelain -- bases dkms.conf)" ]' _ "$bad" "$start"

fails=$repo
follow_copy "$fails"
c="make follow whose tests fail stops there"
expect_fail "$c" "follow: stopped at tests" \
	env FOLLOW_KVERS="$DEFAULT_KVER" FOLLOW_TESTS=t-99-none make -s -C "$fails" follow VERSION="$BASE_VERSION"
expect "  it commits nothing and leaves the new record for a look" \
	bash -c '[ "$(git -C "$1" rev-parse --abbrev-ref HEAD)" = "$2" ] && [ "$(git -C "$1" rev-list --count HEAD)" = 1 ] &&
		[ -n "$(git -C "$1" status --porcelain -- bases)" ]' _ "$fails" "$start"
expect_fail "make follow with uncommitted changes to the record refuses" "commit or stash these first" \
	make -s -C "$fails" follow VERSION="$BASE_VERSION"
