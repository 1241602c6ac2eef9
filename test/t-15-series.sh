#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The patch workflow: `make git-tree` turns base + series into a git
# repository (base commit + one commit per patch), and `make export-series`
# writes the same series back, byte for byte, into the same areas.

. "$(dirname "$0")/lib.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# series_of ID: base ID's check, with its own copy of the repository.
series_of() {
	local id=$1 repo=$scratch/$1 n commits bad p signoffs
	load_base "$id"
	export KVM_MBEC_BASE=$id
	mkdir -p "$repo/build/$id"
	cp -a "$TOP/scripts" "$TOP/src" "$TOP/include" "$TOP/compat" "$TOP/bases" \
		"$TOP/dkms.conf" "$TOP/Makefile" "$repo/"
	"$TOP/scripts/import" >/dev/null 2>&1
	cp -a "$BASE_BUILD/base" "$repo/build/$id/base"

	expect "$id: make git-tree builds the git tree" make -C "$repo" git-tree
	n=$(series_patches | wc -l)
	commits=$(git -C "$repo/build/$id/git" rev-list --count base..HEAD 2>/dev/null)
	if [ "$commits" = "$n" ]; then
		pass "$id: git tree has the base commit plus one commit per patch ($n)"
	else
		fail "$id: git tree has the base commit plus one commit per patch" "$commits commits for $n patches"
	fi
	expect_fail "$id: make git-tree refuses to overwrite an existing tree" "may hold unexported work" \
		make -C "$repo" git-tree

	expect "$id: make export-series writes the series back" make -C "$repo" export-series
	expect "$id: exported series is identical to the committed one" diff -r "$TOP/src" "$repo/src"

	# Every patch of the series is signed off by the project, and only by it.
	bad=
	while read -r p; do
		signoffs=$(grep '^Signed-off-by:' "$TOP/src/$p")
		[ "$signoffs" = "Signed-off-by: kvm-mbec developers <dev@kvm-mbec.invalid>" ] ||
			bad="$bad $p"
	done < <(grep -v '^#' "$TOP/$BASE_SERIES" | grep .)
	if [ -z "$bad" ]; then
		pass "$id: every patch has exactly the project's Signed-off-by"
	else
		fail "$id: every patch has exactly the project's Signed-off-by" "wrong in:$bad"
	fi

	# Every patch names the upstream commit it backports, as 40 hex digits and
	# the subject in quotes, or says "none" and why.  A trailer continues on
	# lines that start with a space (git interpret-trailers).
	bad=
	while read -r p; do
		awk '/^---$/ { exit } /^Upstream: / { t = 1; printf "\n%s", $0; next }
		     t && /^ / { printf "%s", $0; next } { t = 0 }' "$TOP/src/$p" |
			grep -Eq '^Upstream: ([0-9a-f]{40} +\("[^"]+"\)|none: .{20,})' ||
			bad="$bad $p"
	done < <(series_patches)
	if [ -z "$bad" ]; then
		pass "$id: every patch has an Upstream: trailer (commit and subject, or none and why)"
	else
		fail "$id: every patch has an Upstream: trailer (commit and subject, or none and why)" "missing in:$bad"
	fi

	# make check-series builds each prefix: KVM_MBEC_SERIES_LIMIT=k gives the
	# first k patches, in order.
	if [ "$(KVM_MBEC_SERIES_LIMIT=3 series_patches)" = "$(series_patches | head -n 3)" ] &&
	   [ "$(KVM_MBEC_SERIES_LIMIT=3 series_patches | wc -l)" = 3 ]; then
		pass "$id: KVM_MBEC_SERIES_LIMIT=3 selects the first three patches of the series"
	else
		fail "$id: KVM_MBEC_SERIES_LIMIT=3 selects the first three patches of the series" \
			"$(KVM_MBEC_SERIES_LIMIT=3 series_patches | tr '\n' ' ')"
	fi

	# A new commit in the git tree becomes a new patch in the right area.
	echo "/* kvm-mbec test */" >>"$repo/build/$id/git/arch/x86/kvm/mmu/spte.c"
	git -C "$repo/build/$id/git" -c user.name=t -c user.email=t@t commit -q -a -s \
		-m "KVM: x86/mmu: test commit"
	make -C "$repo" export-series >/dev/null 2>&1
	if tail -n 1 "$repo/$BASE_SERIES" | grep -Eq "^mmu/$id/[0-9]{4}-KVM-x86-mmu-test-commit.patch\$" &&
	   [ -f "$repo/src/$(tail -n 1 "$repo/$BASE_SERIES")" ]; then
		pass "$id: a new mmu commit is exported into src/mmu/$id/ and appended to the series"
	else
		fail "$id: a new mmu commit is exported into src/mmu/$id/ and appended to the series" \
			"series ends with: $(tail -n 1 "$repo/$BASE_SERIES")"
	fi
	# The area comes from the subject: a nested commit that touches vmx.c and
	# x86.c goes to src/nested/.
	echo "/* kvm-mbec test */" >>"$repo/build/$id/git/arch/x86/kvm/vmx/vmx.c"
	echo "/* kvm-mbec test */" >>"$repo/build/$id/git/arch/x86/kvm/x86.c"
	git -C "$repo/build/$id/git" -c user.name=t -c user.email=t@t commit -q -a -s \
		-m "KVM: nVMX: test commit"
	make -C "$repo" export-series >/dev/null 2>&1
	if tail -n 1 "$repo/$BASE_SERIES" | grep -Eq "^nested/$id/[0-9]{4}-KVM-nVMX-test-commit.patch\$"; then
		pass "$id: a commit whose subject says nVMX is exported into src/nested/$id/, whatever files it touches"
	else
		fail "$id: a commit whose subject says nVMX is exported into src/nested/$id/, whatever files it touches" \
			"series ends with: $(tail -n 1 "$repo/$BASE_SERIES")"
	fi
	expect "$id: the extended series applies" env BUILD="$repo/build" "$repo/scripts/prepare-tree"
}

for id in $BASE_IDS; do
	series_of "$id"
done
