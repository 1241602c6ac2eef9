#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Import of the base, checked by content, and the series applying onto it:
# any linux-source with our KVM files works, other ones are refused with the
# files that differ, and bad input gives a clear error and loses nothing.
# Runs once per base.

. "$(dirname "$0")/lib.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

sums_sha=$(sha256sum <"$BASE_SUMS" | cut -d' ' -f1)
expect "import verifies and extracts the base" "$TOP/scripts/import"
if [ "$(cat "$BASE_BUILD/base/.kvm-mbec-base" 2>/dev/null)" = "$sums_sha" ] &&
   [ -f "$BASE_BUILD/base/arch/x86/kvm/mmu/mmu.c" ] && [ -f "$BASE_BUILD/base/virt/kvm/kvm_main.c" ]; then
	pass "imported tree carries the stamp of sha256sums and the KVM sources"
else
	fail "imported tree carries the stamp of sha256sums and the KVM sources"
fi

# Only KVM paths are imported: nothing outside the base's files.
extra=$(cd "$BASE_BUILD/base" && find . -type f ! -name '.kvm-mbec-*' | sed 's|^\./||' |
	grep -vE '^(arch/x86/kvm/|virt/kvm/)' | grep -vxFf <(base_paths))
if [ -z "$extra" ]; then
	pass "import extracts only the paths in bases/$BASE_ID/files"
else
	fail "import extracts only the paths in bases/$BASE_ID/files" "extra: $(echo "$extra" | head -3)"
fi
expect "the imported files are those of bases/$BASE_ID/sha256sums" \
	bash -c "cd '$BASE_BUILD/base' && sha256sum -c --quiet '$BASE_SUMS'"

# The imported files are the upstream files listed in shared/ for this
# base's upstream release, byte for byte.
hashes=$TOP/../shared/upstream-kvm-${BASE_VERSION%%-*}.sha256
if [ -f "$hashes" ]; then
	expect "imported files match shared/${hashes##*/}" \
		bash -c "cd '$BASE_BUILD/base' && grep -E ' (arch/x86/kvm|virt/kvm|include/linux/kvm)' '$hashes' | sha256sum -c --quiet"
else
	skip "imported files match shared/${hashes##*/}" "no ${hashes##*/} in shared/ beside the repo"
fi

# fake_source NAME [EDIT...]: a small linux-source tarball in $scratch/NAME
# holding the base's KVM files, one file outside them that differs from any
# real one (as 6.1.192-3 changed only fs/nfsd/nfs4state.c), and then EDITs
# applied: "change PATH", "add PATH" or "remove PATH".
fake_source() {
	local name=$1 d=$scratch/$1.d
	shift
	rm -rf "$d"
	mkdir -p "$d"
	cp -a "$BASE_BUILD/base" "$d/$BASE_TOPDIR"
	rm -f "$d/$BASE_TOPDIR"/.kvm-mbec-*
	mkdir -p "$d/$BASE_TOPDIR/fs/nfsd"
	echo "/* not KVM: $name */" >"$d/$BASE_TOPDIR/fs/nfsd/nfs4state.c"
	while [ $# -gt 0 ]; do
		case "$1" in
		change) echo "/* kvm-mbec test: changed */" >>"$d/$BASE_TOPDIR/$2" ;;
		add) echo "/* kvm-mbec test: new */" >"$d/$BASE_TOPDIR/$2" ;;
		remove) rm -f "$d/$BASE_TOPDIR/$2" ;;
		esac
		shift 2
	done
	tar -cJf "$scratch/$name.tar.xz" -C "$d" "$BASE_TOPDIR"
	echo "$scratch/$name.tar.xz"
}

# Another linux-source version whose KVM files match: accepted by content.
mkdir -p "$scratch/build"
same=$(fake_source same)
expect "a linux-source of another version with the same KVM files is accepted" \
	env BUILD="$scratch/build" BASE_TARBALL="$same" "$TOP/scripts/import" --force
expect "  and its import is the base, stamp and all" \
	bash -c "cd '$scratch/build/$BASE_ID/base' && sha256sum -c --quiet '$BASE_SUMS' &&
		[ \"\$(cat .kvm-mbec-base)\" = '$sums_sha' ] && [ ! -e fs/nfsd/nfs4state.c ]"

# One whose KVM files differ: refused, naming each file and the rebase, and
# the base imported before survives.
c="a linux-source whose KVM files differ is refused"
differs=$(fake_source differs change arch/x86/kvm/x86.c add arch/x86/kvm/mmu/new.c remove virt/kvm/pfncache.c)
expect_fail "$c" "differ from our base $BASE_PACKAGE $BASE_VERSION in 3 files" \
	env BUILD="$scratch/build" BASE_TARBALL="$differs" "$TOP/scripts/import" --force
log=$TEST_LOGS/$(echo "$c" | tr -c 'A-Za-z0-9_.-' '_').log
for want in "changed arch/x86/kvm/x86.c" "new +arch/x86/kvm/mmu/new.c" "missing virt/kvm/pfncache.c" \
	"needs a rebase onto it \(make rebase VERSION="; do
	if grep -qE -- "$want" "$log"; then
		pass "  the refusal says: $want"
	else
		fail "  the refusal says: $want" "" "$log"
	fi
done
if [ -f "$scratch/build/$BASE_ID/base/arch/x86/kvm/x86.c" ] &&
   [ "$(cat "$scratch/build/$BASE_ID/base/.kvm-mbec-base")" = "$sums_sha" ]; then
	pass "failed import leaves the previous base intact"
else
	fail "failed import leaves the previous base intact"
fi

# A corrupt tarball is refused too.
cp "$same" "$scratch/corrupt.tar.xz"
printf 'kvm-mbec' | dd of="$scratch/corrupt.tar.xz" bs=1 seek=4096 conv=notrunc 2>/dev/null
expect_fail "corrupt tarball is refused" "could not read .*corrupt\.tar\.xz|differ from our base" \
	env BUILD="$scratch/build" BASE_TARBALL="$scratch/corrupt.tar.xz" "$TOP/scripts/import" --force

# A tarball whose every KVM file differs: the refusal lists the first 40.
# It listed them through head(1), whose early exit could kill the writer
# with SIGPIPE now and then (under load), and set -o pipefail ended the
# import without a word.  A head that closes its input at once makes that
# happen every time.
every=()
while read -r f; do every+=(change "$f"); done < <(awk '{ print $2 }' "$BASE_SUMS")
all=$(fake_source all-changed "${every[@]}")
mkdir -p "$scratch/early-head"
printf '#!/bin/sh\nexec 0<&-\nexit 0\n' >"$scratch/early-head/head"
chmod +x "$scratch/early-head/head"
for path in "$PATH" "$scratch/early-head:$PATH"; do
	c="a tarball whose every KVM file differs is refused with the first 40$([ "$path" = "$PATH" ] || echo ", also when head(1) closes its input early")"
	expect_fail "$c" "differ from our base $(re_quote "$BASE_PACKAGE $BASE_VERSION") in $(wc -l <"$BASE_SUMS") files" \
		env PATH="$path" BUILD="$scratch/build" BASE_TARBALL="$all" "$TOP/scripts/import" --force
	expect "  it lists 40 of them" test "$(grep -c '^  changed ' "$(log_of "$c")")" = 40
done

# No pinned version in the hint: installing the archive's version never
# needs a downgrade, and any version with our KVM files will do.
expect_fail "missing tarball as non-root says how to install it, without a version" \
	"install it with: sudo apt-get install $BASE_PACKAGE\$" \
	env BUILD="$scratch/build" BASE_TARBALL="$scratch/nonexistent.tar.xz" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$TOP/scripts/import" --force

# The installed linux-source has other KVM files (a Debian update that
# changed KVM, before we rebased): the build takes our base's version from
# the archive with apt-get download instead, and leaves the package alone.
if [ "$(id -u)" = 0 ] && [ -f "$BASE_TARBALL" ]; then
	real_sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
	moved=$scratch/real-source.tar.xz
	mv "$BASE_TARBALL" "$moved"
	cp "$differs" "$BASE_TARBALL"
	c="installed linux-source with other KVM files: our base is fetched instead"
	expect "$c" env BUILD="$scratch/build" "$TOP/scripts/import" --force
	log=$TEST_LOGS/$(echo "$c" | tr -c 'A-Za-z0-9_.-' '_').log
	mv -f "$moved" "$BASE_TARBALL"
	if grep -q "differ from our base" "$log" && grep -q "fetched into" "$log" &&
	   (cd "$scratch/build/$BASE_ID/base" && sha256sum -c --quiet "$BASE_SUMS") &&
	   [ "$(cat "$scratch/build/$BASE_ID/base/.kvm-mbec-tarball")" = "$CACHE/${BASE_PACKAGE}_$BASE_VERSION/linux-source.tar.xz" ]; then
		pass "  it warns, names the changed files, and imports $BASE_VERSION from the cache"
	else
		fail "  it warns, names the changed files, and imports $BASE_VERSION from the cache" "" "$log"
	fi
	expect "  the installed linux-source is put back unchanged" \
		bash -c "[ \"\$(sha256sum '$BASE_TARBALL' | cut -d' ' -f1)\" = '$real_sum' ]"
else
	skip "installed linux-source with other KVM files: our base is fetched instead" "needs root and $BASE_TARBALL"
fi

# A series that does not apply stops with the patch's name, and the tree
# built before survives.  Work on a copy of the repository's own files.
repo=$scratch/repo
mkdir -p "$repo"
cp -a "$TOP/scripts" "$TOP/src" "$TOP/include" "$TOP/compat" "$TOP/bases" \
	"$TOP/dkms.conf" "$repo/"
mkdir -p "$repo/build/$BASE_ID"
cp -a "$BASE_BUILD/base" "$repo/build/$BASE_ID/base"
expect "series applies onto the base" env BUILD="$repo/build" "$repo/scripts/prepare-tree"
bad_patch >"$repo/src/x86/9999-bad.patch"
echo "x86/9999-bad.patch" >>"$repo/$BASE_SERIES"
expect_fail "bad patch gives a clear error naming it" "patch src/x86/9999-bad.patch does not apply" \
	env BUILD="$repo/build" "$repo/scripts/prepare-tree"
if [ -f "$repo/build/$BASE_ID/src/.kvm-mbec-tree" ] && [ -f "$repo/build/$BASE_ID/src/arch/x86/kvm/x86.c" ]; then
	pass "failed series leaves the previous tree intact"
else
	fail "failed series leaves the previous tree intact"
fi
echo "x86/0000-missing.patch" >"$repo/$BASE_SERIES"
expect_fail "series naming a missing patch gives a clear error" "lists x86/0000-missing.patch, but" \
	env BUILD="$repo/build" "$repo/scripts/prepare-tree"
