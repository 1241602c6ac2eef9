#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make rebase where the series does not apply as it is, on made-up Debian
# versions of our base (KVM_MBEC_CACHE: fetch-source finds them there, no
# apt): one patch's hunk has a context line changed (the 3-way merge moves
# it, and the patch is written back), the new base has one patch's change
# already (it is dropped), the line a patch changes is changed (it stops
# with the conflicts and changes nothing).  No builds.

. "$(dirname "$0")/lib.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

"$TOP/scripts/import" >"$TEST_LOGS/t-13-import.log" 2>&1 ||
	{ fail "the base imports" "" "$TEST_LOGS/t-13-import.log"; exit 0; }
export KVM_MBEC_CACHE=$scratch/cache

# at FILE START TEXT: the line of our base's FILE that is TEXT, the nearest
# to START (the series before the patch may have moved it).
at() {
	grep -nxF -- "$3" "$BASE_BUILD/base/$1" | cut -d: -f1 |
		awk -v s="$2" '{ d = $1 - s; d = d < 0 ? -d : d; if (n == "" || d < best) { best = d; n = $1 } } END { print n }'
}

# The last patch of the series that changes one base file in one hunk,
# applies to our base alone, and has a context line with another one
# between it and its first change (not blank) and a line it removes, both
# in our base.
pick=
while read -r p; do
	[ "$(grep -c '^diff --git' "$TOP/src/$p")" = 1 ] && [ "$(grep -c '^@@ ' "$TOP/src/$p")" = 1 ] || continue
	sed '1,/^---$/d' "$TOP/src/$p" | patch -s -p1 --dry-run -d "$BASE_BUILD/base" >/dev/null 2>&1 || continue
	file=$(sed -n 's|^+++ b/||p' "$TOP/src/$p")
	start=$(sed -n 's/^@@ -\([0-9]*\),.*/\1/p' "$TOP/src/$p")
	hunk=$(sed -n '/^@@ /,$p' "$TOP/src/$p" | sed '1d')
	ctx=$(awk '/^[-+]/ { exit } { print }' <<<"$hunk" | head -n -2 | grep -m1 '^ .*[^[:space:]]' | cut -c2-)
	removed=$(grep -m1 '^-' <<<"$hunk" | cut -c2-)
	[ -n "$ctx" ] && [ -n "$removed" ] || continue
	ctx_line=$(at "$file" "$start" "$ctx")
	removed_line=$(at "$file" "$start" "$removed")
	[ -n "$ctx_line" ] && [ -n "$removed_line" ] || continue
	pick=$p
	break
done < <(series_patches | tac)
[ -n "$pick" ] || { fail "the series has a patch with one hunk to move" "none"; exit 0; }
subject=$(sed -n 's/^Subject: \[PATCH\] //p' "$TOP/src/$pick")

# fake VERSION EDIT: a cache entry for VERSION whose KVM files are our base's
# after the shell command EDIT ran in their directory.
fake() {
	local dir=$KVM_MBEC_CACHE/${BASE_PACKAGE}_$1 src=$scratch/src-$1

	rm -rf "$src"
	mkdir -p "$dir" "$src"
	cp -a "$BASE_BUILD/base/." "$src/$BASE_TOPDIR"
	rm -f "$src/$BASE_TOPDIR"/.kvm-mbec-*
	(cd "$src/$BASE_TOPDIR" && eval "$2")
	tar -cJf "$dir/linux-source.tar.xz" -C "$src" "$BASE_TOPDIR"
	printf '%s (%s) unstable; urgency=medium\n\n  * %s\n\n -- t-13 <t@t>  Sun, 06 Dec 2026 12:00:00 +0000\n\n' \
		"linux" "$1" "made up by t-13" "linux" "$BASE_VERSION" "our base" | gzip >"$dir/changelog.Debian.gz"
	touch "$dir/.complete"
}
fake "$BASE_VERSION" :

# repo DIR: the files make rebase reads and writes, in a git repository.
repo() {
	mkdir -p "$1"
	cp -a "$TOP/scripts" "$TOP/src" "$TOP/include" "$TOP/compat" "$TOP/bases" \
		"$TOP/dkms.conf" "$TOP/Makefile" "$1/"
	git -C "$1" init -q
	git -C "$1" add -A
	git -C "$1" -c user.name=t -c user.email=t@t commit -q -m copy
}
rebase_to() {
	REBASE_BUILD=0 ABIS="$KERNEL_ABIS" "$1/scripts/rebase" "$2"
}
# scenario NAME EDIT: the made-up version $v of our base (fake EDIT), and a
# copy of the repository to rebase, $r.
scenario() {
	v=$BASE_VERSION+t13.$1
	fake "$v" "$2"
	r=$scratch/$1
	repo "$r"
}

# A context line of the hunk changes: the 3-way merge moves the patch.
scenario merge "sed -i '${ctx_line}s|\$| /* t-13 */|' $file"
c="make rebase where a context line of src/$pick changed"
expect "$c" rebase_to "$r" "$v"
log_says "  it tries the 3-way merge" "$c" "does not apply as it is .*: a 3-way merge of the series from $(re_quote "$BASE_VERSION")"
log_says "  every patch applies after it" "$c" "^every patch applies after a 3-way merge"
expect "  the patch written back has the new context line" grep -qF '/* t-13 */' "$r/src/$pick"
expect "  the record is the new version's" grep -qxF "BASE_VERSION=$v" "$r/bases/$BASE_ID/base.conf"
expect "  the series written back applies to the new base as it is" \
	env BASE_TARBALL="$KVM_MBEC_CACHE/${BASE_PACKAGE}_$v/linux-source.tar.xz" "$r/scripts/prepare-tree"

# The new base has the patch's change: it is dropped.
scenario drop "sed '1,/^---\$/d' '$TOP/src/$pick' | patch -s -p1"
c="make rebase onto a base that has the change of src/$pick"
expect "$c" rebase_to "$r" "$v"
log_says "  it says the patch is dropped" "$c" "^dropped, the new base has it: $(re_quote "$subject")"
expect "  the series no longer names it" bash -c '! grep -qF "$2" "$1"' _ "$r/$BASE_SERIES" "$(basename "$pick")"
expect "  and has one patch less" test "$(grep -vc '^#' "$r/$BASE_SERIES")" = "$(series_patches | wc -l | awk '{ print $1 - 1 }')"

# The line the patch removes changed: a conflict, and nothing changes.
scenario conflict "sed -i '${removed_line}s|\$| /* t-13 conflict */|' $file"
c="make rebase where a line src/$pick changes changed too"
expect_fail "$c" "patch src/$(re_quote "$pick") does not apply" rebase_to "$r" "$v"
log_says "  it names the patch the merge stops at" "$c" "^the 3-way merge stops at: $(re_quote "$subject")"
log_says "  and so does its error" "$c" "and the 3-way merge conflicts at \"$(re_quote "$subject")\""
log_says "  it shows the conflict" "$c" "^\\+\\+<<<<<<< "
expect "  the conflicts and the merge are kept for a hand" \
	test -s "$r/build/rebase/$v/conflicts.diff" -a -d "$r/build/rebase/$v/merge/.git"
expect "  nothing is changed" bash -c '[ -z "$(git -C "$1" status --porcelain -- bases src dkms.conf)" ]' _ "$r"
