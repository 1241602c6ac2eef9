#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Import and checksum of the pinned base, and the series applying onto it:
# good input works, bad input gives a clear error and loses nothing.

. "$(dirname "$0")/lib.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

expect "import verifies and extracts the pinned base" "$TOP/scripts/import"
if [ "$(cat "$BUILD/base/.kvm-mbec-base" 2>/dev/null)" = "$BASE_SHA256" ] &&
   [ -f "$BUILD/base/arch/x86/kvm/mmu/mmu.c" ] && [ -f "$BUILD/base/virt/kvm/kvm_main.c" ]; then
	pass "imported tree carries the lock's checksum and the KVM sources"
else
	fail "imported tree carries the lock's checksum and the KVM sources"
fi

# Only KVM paths are imported: nothing outside base.files.
extra=$(cd "$BUILD/base" && find . -type f ! -name .kvm-mbec-base | sed 's|^\./||' |
	grep -vE '^(arch/x86/kvm/|virt/kvm/)' |
	grep -vxFf <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/base.files"))
if [ -z "$extra" ]; then
	pass "import extracts only the paths in base.files"
else
	fail "import extracts only the paths in base.files" "extra: $(echo "$extra" | head -3)"
fi

# The imported files are the upstream files listed in shared/, byte for byte.
hashes=$TOP/../shared/upstream-kvm-6.1.192.sha256
if [ -f "$hashes" ]; then
	expect "imported files match shared/upstream-kvm-6.1.192.sha256" \
		bash -c "cd '$BUILD/base' && grep -E ' (arch/x86/kvm|virt/kvm|include/linux/kvm)' '$hashes' | sha256sum -c --quiet"
else
	skip "imported files match shared/upstream-kvm-6.1.192.sha256" "no shared/ beside the repo"
fi

# A corrupt tarball is refused, and the base imported before survives.
mkdir -p "$scratch/build"
cp -a "$BUILD/base" "$scratch/build/base"
cp "$BASE_TARBALL" "$scratch/corrupt.tar.xz"
printf 'kvm-mbec' | dd of="$scratch/corrupt.tar.xz" bs=1 seek=4096 conv=notrunc 2>/dev/null
expect_fail "corrupt tarball gives a checksum error" "checksum mismatch.*corrupt\.tar\.xz" \
	env BUILD="$scratch/build" BASE_TARBALL="$scratch/corrupt.tar.xz" "$TOP/scripts/import" --force
if [ -f "$scratch/build/base/arch/x86/kvm/x86.c" ] && [ -f "$scratch/build/base/.kvm-mbec-base" ]; then
	pass "failed import leaves the previous base intact"
else
	fail "failed import leaves the previous base intact"
fi
expect_fail "missing tarball as non-root says how to install it" "apt-get install $BASE_PACKAGE=$BASE_VERSION|is missing" \
	env BUILD="$scratch/build" BASE_TARBALL="$scratch/nonexistent.tar.xz" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$TOP/scripts/import" --force

# A series that does not apply stops with the patch's name, and the tree
# built before survives.  Work on a copy of the repository's own files.
repo=$scratch/repo
mkdir -p "$repo"
cp -a "$TOP/scripts" "$TOP/src" "$TOP/include" "$TOP/compat" "$TOP/base.lock" \
	"$TOP/base.files" "$TOP/dkms.conf" "$repo/"
mkdir -p "$repo/build"
cp -a "$BUILD/base" "$repo/build/base"
expect "series applies onto the base" env BUILD="$repo/build" "$repo/scripts/prepare-tree"
cat >"$repo/src/x86/9999-bad.patch" <<'PATCH'
From: test <test@localhost>
Subject: [PATCH] KVM: x86: a patch whose context is not in the base

---
 arch/x86/kvm/x86.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c
--- a/arch/x86/kvm/x86.c
+++ b/arch/x86/kvm/x86.c
@@ -1,3 +1,3 @@
-this line is not in x86.c
+nor is this one
 // SPDX-License-Identifier: GPL-2.0-only
PATCH
echo "x86/9999-bad.patch" >>"$repo/src/series"
expect_fail "bad patch gives a clear error naming it" "patch src/x86/9999-bad.patch does not apply" \
	env BUILD="$repo/build" "$repo/scripts/prepare-tree"
if [ -f "$repo/build/src/.kvm-mbec-tree" ] && [ -f "$repo/build/src/arch/x86/kvm/x86.c" ]; then
	pass "failed series leaves the previous tree intact"
else
	fail "failed series leaves the previous tree intact"
fi
echo "x86/0000-missing.patch" >"$repo/src/series"
expect_fail "series naming a missing patch gives a clear error" "lists x86/0000-missing.patch, but" \
	env BUILD="$repo/build" "$repo/scripts/prepare-tree"
