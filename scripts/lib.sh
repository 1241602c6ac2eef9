# SPDX-License-Identifier: GPL-2.0
# Shared definitions for the kvm-mbec build scripts.  Source it; do not run it.

set -euo pipefail
shopt -s extglob

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}

# The bases: bases/<id>/ holds base.conf (package, version, kernels, the
# series), files (the paths imported) and sha256sums (their content).  Each
# base serves one Debian kernel line (KERNEL_PREFIX<ABI><infix><flavour>,
# one infix per Debian release that builds the line: KERNEL_INFIXES).
# load_base ID makes one the current base; KVM_MBEC_BASE chooses it for the
# whole run, else the base of the running kernel, else the oldest line.
# Scripts that are given a kernel release take its base (load_base_for_kver).
BASE_IDS=$(cd "$TOP/bases" && for d in */base.conf; do [ -f "$d" ] && echo "${d%/base.conf}"; done | sort -V | xargs)
[ -n "$BASE_IDS" ] || { echo "kvm-mbec: error: no bases/*/base.conf" >&2; exit 1; }
# BASE_TARBALL from the environment: a local copy of the base's tarball.
tarball_override=${BASE_TARBALL:-}

# load_base ID: read bases/ID/base.conf and derive the rest.
load_base() {
	[ -f "$TOP/bases/$1/base.conf" ] ||
		die "no base $1 (bases: $BASE_IDS)"
	BASE_DIR=$TOP/bases/$1
	BASE_FILES=$BASE_DIR/files
	BASE_SUMS=$BASE_DIR/sha256sums
	KERNEL_ABIS_REFUSED= BASE_SAME_KVM= KERNEL_INFIXES=
	# shellcheck disable=SC2086 # the names of the variables, or none
	unset ${!KERNEL_REFUSED_WHY_@}
	# shellcheck source=../bases/6.1/base.conf
	. "$BASE_DIR/base.conf"
	# BASE_TARBALL may be overridden from the environment (a local copy, tests).
	if [ -n "$tarball_override" ]; then
		BASE_TARBALL=$tarball_override
		KVM_MBEC_TARBALL_OVERRIDDEN=1
	fi
	# Everything built from the base, per base: base, src, git, full-source.
	BASE_BUILD=$BUILD/$BASE_ID
	# The names of its emulated-host runs (build/vm/logs/<name>.log): the
	# oldest base keeps the plain ones it had before there were several,
	# another base's carry its id.
	VM_SUFFIX=
	[ "$BASE_ID" = "${BASE_IDS%% *}" ] || VM_SUFFIX=-$BASE_ID
	# The first infix is the default kernel's (this Debian release's).
	KERNEL_INFIX=${KERNEL_INFIXES%% *}
	# The supported kernels: every ABI with every infix and flavour.
	SUPPORTED_KERNELS="^$(re_quote "$KERNEL_PREFIX")(${KERNEL_ABIS// /|})$(infixes_re)(${KERNEL_FLAVOURS// /|})\$"
	# The default kernel: the newest supported ABI, first flavour.  The
	# emulated hosts boot it and install-deps installs its headers and image.
	DEFAULT_KVER=$(kver_of "${KERNEL_ABIS##* }" "${KERNEL_FLAVOURS%% *}")
	# The version every module carries: ours, then the base it was built from.
	MODULE_VERSION_STRING="$PACKAGE_VERSION+$BASE_VERSION"
}

# mutant_diff FILE: the diff of mutant FILE (test/mutants/NN-name.patch)
# for the loaded base: test/mutants/<base>/NN-name.diff where that base's
# tree needs its own, else what follows FILE's header.
mutant_diff() {
	local own
	own=$(dirname "$1")/$BASE_ID/$(basename "$1" .patch).diff
	if [ -f "$own" ]; then
		cat "$own"
	else
		sed '1,/^---$/d' "$1"
	fi
}

# re_quote TEXT: TEXT as an extended regular expression that matches it.
re_quote() {
	sed 's/[][\\.^$*+?(){}|]/\\&/g' <<<"$1"
}

# braces WORDS: "a" for one word, "{a,b}" for more, as a shell would expand.
braces() {
	local w=($1)

	if [ ${#w[@]} -eq 1 ]; then
		echo "${w[0]}"
	else
		echo "{$(IFS=,; echo "${w[*]}")}"
	fi
}

# kver_of ABI FLAVOUR: the release of the current base's line.
kver_of() {
	echo "$KERNEL_PREFIX$1${3:-$KERNEL_INFIX}$2"
}

# infixes_re: the base's infixes as one extended regular expression, in
# parentheses when there are several.
infixes_re() {
	local i out=

	for i in $KERNEL_INFIXES; do
		out+=${out:+|}$(re_quote "$i")
	done
	[ "$KERNEL_INFIX" = "$KERNEL_INFIXES" ] && echo "$out" || echo "($out)"
}

# infix_of KVER: the infix of KVER, which is of the current base's line.
infix_of() {
	local i rest=${1#"$KERNEL_PREFIX"}

	for i in $KERNEL_INFIXES; do
		[[ $rest == +([0-9])"$i"?* ]] && { echo "$i"; return 0; }
	done
	return 1
}

# abi_of KVER: the ABI of KVER when it is of the current base's line, else
# nothing and status 1.
abi_of() {
	local rest infix

	[[ $1 == "$KERNEL_PREFIX"* ]] && infix=$(infix_of "$1") || return 1
	rest=${1#"$KERNEL_PREFIX"}
	echo "${rest%%"$infix"*}"
}

# base_of_kver KVER: the id of the base whose line KVER is of; nothing and
# status 1 when none.
base_of_kver() {
	local id

	for id in $BASE_IDS; do
		(load_base "$id" && abi_of "$1" >/dev/null) && { echo "$id"; return 0; }
	done
	return 1
}

# load_base_for_kver KVER: the base of KVER's line, unless KVM_MBEC_BASE
# chose one; stays on the current base when KVER is of no line.
load_base_for_kver() {
	local id

	[ -z "${KVM_MBEC_BASE:-}" ] || return 0
	id=$(base_of_kver "$1") || return 0
	[ "$id" = "$BASE_ID" ] || load_base "$id"
}

# Where downloads are kept between runs, outside the clone (make rebase, the
# base fetched when the installed linux-source has other KVM files).
CACHE=${KVM_MBEC_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/kvm-mbec}

die() {
	echo "kvm-mbec: error: $*" >&2
	exit 1
}

info() {
	echo "kvm-mbec: $*" >&2
}

# dkms.conf is the single place that states our name and version.
dkms_conf_value() {
	sed -n "s/^$1=\"\(.*\)\"$/\1/p" "$TOP/dkms.conf"
}

PACKAGE_NAME=$(dkms_conf_value PACKAGE_NAME)
PACKAGE_VERSION=$(dkms_conf_value PACKAGE_VERSION)

# The current base: KVM_MBEC_BASE, else the running kernel's
# (KVM_MBEC_RUNNING_KERNEL for the tests), else the oldest line.
if [ -n "${KVM_MBEC_BASE:-}" ]; then
	load_base "$KVM_MBEC_BASE"
else
	load_base "$(base_of_kver "${KVM_MBEC_RUNNING_KERNEL:-$(uname -r)}" || echo "${BASE_IDS%% *}")"
fi

# Where our kernel hook goes (scripts/kernel-hook): run by the headers'
# and by the image's postinst, with the release as the argument.
KERNEL_HOOK_DIRS="/etc/kernel/header_postinst.d /etc/kernel/postinst.d"

# The areas under src/, each with our own files and its part of the series.
AREAS="x86 mmu vmx svm nested"

# Where each area's own files land in the kernel tree.
area_dir() {
	case "$1" in
	x86) echo arch/x86/kvm ;;
	nested) echo arch/x86/kvm/nested ;;
	*) echo "arch/x86/kvm/$1" ;;
	esac
}

kernel_supported() {
	[[ $1 =~ $SUPPORTED_KERNELS ]]
}

# The Debian version of the kernel whose headers are in KDIR $1, from
# include/generated/package.h (" Debian 6.1.192-3"); empty if it says none.
headers_debian_version() {
	sed -n 's/^#define LINUX_PACKAGE_ID " *Debian \([^" ]*\)"$/\1/p' \
		"$1/include/generated/package.h" 2>/dev/null
}

# Whether Debian version $1 of a kernel has no newer KVM than our base:
# not later than BASE_VERSION, or recorded in BASE_SAME_KVM.
kvm_not_newer() {
	local v

	dpkg --compare-versions "$1" le "$BASE_VERSION" && return 0
	for v in $BASE_SAME_KVM; do
		[ "$v" = "$1" ] && return 0
	done
	return 1
}

# kernel_refusal KVER: why kvm-mbec must not be built for KVER, on stdout,
# and status 1; status 0 and nothing when it may.  Looks at the release
# (base.conf's ABIs and flavours), the headers, and the freshness guard: the
# kernel's own KVM must not be newer than our base, or we would replace its
# fixes with older code.
kernel_refusal() (
	local kver=$1 kdir kv abi

	load_base_for_kver "$kver"
	kdir=$(kdir_for "$kver")
	if [ -f "$kdir/Makefile" ]; then
		kv=$(headers_debian_version "$kdir")
		if [ -z "$kv" ]; then
			echo "$kver: its headers do not say which Debian version it is ($kdir/include/generated/package.h), so kvm-mbec cannot tell whether its KVM is newer than our base $BASE_VERSION"
			return 1
		fi
		if ! kvm_not_newer "$kv"; then
			echo "$kver (KVM $kv) is newer than our base $BASE_VERSION"
			return 1
		fi
	fi
	if ! kernel_supported "$kver"; then
		if abi=$(abi_of "$kver"); then
			local why=KERNEL_REFUSED_WHY_$abi

			if [ -n "${!why:-}" ]; then
				echo "$kver is not a kernel kvm-mbec $PACKAGE_VERSION supports: ${!why}"
				return 1
			fi
			if [ "$abi" -gt "${KERNEL_ABIS##* }" ]; then
				echo "$kver is a newer kernel ABI than kvm-mbec $PACKAGE_VERSION supports ($(supported_list))"
				return 1
			fi
		fi
		echo "$kver is not a kernel kvm-mbec $PACKAGE_VERSION supports ($(supported_list))"
		return 1
	fi
	if [ ! -f "$kdir/Makefile" ]; then
		echo "$kver has no kernel headers in $kdir (install them: apt-get install linux-headers-$kver)"
		return 1
	fi
	return 0
)

# kernel_newer KVER: whether KVER is of one of our lines and newer than
# its base: a later ABI than the newest we support, or headers that say a
# Debian version with a newer KVM (kvm-mbec refuses it until rebased).
kernel_newer() (
	local abi kv

	load_base_for_kver "$1"
	abi=$(abi_of "$1") || return 1
	[ "$abi" -gt "${KERNEL_ABIS##* }" ] && return 0
	kv=$(headers_debian_version "$(kdir_for "$1")")
	[ -n "$kv" ] && ! kvm_not_newer "$kv"
)

# kernel_keeping_ours KVER: the installed kernel to boot instead of KVER to
# keep kvm-mbec, as kvm-mbec status chooses it: a supported one with ours
# in updates/dkms, of KVER's line first, then of its flavour, then the
# newest.  Nothing and status 1 when no kernel has ours.
kernel_keeping_ours() {
	local d k want line rank

	want=$(kernel_line "$1") || want=
	for d in "$MODULES_ROOT"/*/updates/dkms; do
		k=${d%/updates/dkms}
		k=${k##*/}
		[ "$k" != "$1" ] && compgen -G "$d/kvm.ko*" >/dev/null || continue
		(load_base_for_kver "$k" && kernel_supported "$k") || continue
		line=$(kernel_line "$k") || continue
		rank=0
		[ "${line% *}" = "${want% *}" ] && rank=2
		[ "${line#* }" = "${want#* }" ] && rank=$((rank + 1))
		echo "$rank $k"
	done | sort -k1,1n -k2,2V | tail -n 1 | cut -d' ' -f2 | grep .
}

# kernel_line KVER: "<base id><infix> <flavour>" of KVER's line; status 1
# when it is of none.
kernel_line() (
	local id rest infix

	id=$(base_of_kver "$1") || return 1
	load_base "$id"
	infix=$(infix_of "$1")
	rest=${1#"$KERNEL_PREFIX"}
	echo "$id$infix ${rest#*"$infix"}"
)

# base_extract TARBALL DIR: the base's paths of TARBALL into DIR/<topdir>/,
# and their sha256sums, in the format of bases/<id>/sha256sums, into
# DIR.sums.  Fails only when the tarball cannot be read at all; a missing
# path shows in the sums.
base_extract() {
	local members=() p

	while read -r p; do
		members+=("$BASE_TOPDIR/$p")
	done < <(base_paths)
	rm -rf "$2"
	mkdir -p "$2"
	tar -xf "$1" -C "$2" "${members[@]}" 2>"$2.err"
	# tar also fails when a listed path is gone; that is a content change.
	if [ ! -d "$2/$BASE_TOPDIR" ]; then
		sed 's/^/  /' "$2.err" >&2
		return 1
	fi
	(cd "$2/$BASE_TOPDIR" && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
		xargs -d '\n' sha256sum) >"$2.sums"
}

# base_differences OLD NEW: how the files of sha256sums NEW differ from OLD,
# a line a file: "changed", "new" or "missing", then the path.
base_differences() {
	join -j 2 -a 1 -a 2 -e - -o 0,1.1,2.1 \
		<(awk '{ print $1, $2 }' "$1" | sort -k2,2) \
		<(awk '{ print $1, $2 }' "$2" | sort -k2,2) |
		awk '$2 != $3 { print ($2 == "-" ? "new    " : $3 == "-" ? "missing" : "changed"), $1 }'
}

# archive_kernels: the kernels of this base that apt knows, from the
# linux-headers packages, a line each: "<ABI> <flavour> <candidate version>".
archive_kernels() {
	local prefix=linux-headers-$KERNEL_PREFIX pkg rest abi

	apt-cache pkgnames "$prefix" | sort -u | while read -r pkg; do
		rest=${pkg#"$prefix"}
		abi_of "$KERNEL_PREFIX$rest" >/dev/null || continue
		[[ $rest == *-common?(-rt) ]] && continue
		echo "$pkg"
	done | { xargs -r apt-cache show --no-all-versions 2>/dev/null || true; } |
		sed -n -e 's/^Package: linux-headers-//p' -e 's/^Version: //p' |
		paste -d' ' - - | while read -r pkg rest; do
			abi=$(abi_of "$pkg") || continue
			echo "$abi ${pkg#"$KERNEL_PREFIX$abi$(infix_of "$pkg")"} $rest"
		done | sort -n -k1,1 -k2,2
}

# dkms_exclusive_update: dkms.conf's BUILD_EXCLUSIVE_KERNEL from every
# base.conf as it is now (make rebase and make follow change them).
dkms_exclusive_update() {
	local line

	line="BUILD_EXCLUSIVE_KERNEL=\"$(all_supported_kernels)\""
	line=$line awk '/^BUILD_EXCLUSIVE_KERNEL=/ { print ENVIRON["line"]; next } { print }' \
		"$TOP/dkms.conf" >"$TOP/dkms.conf.new" && mv "$TOP/dkms.conf.new" "$TOP/dkms.conf"
}

# refusal_record CONF ABI [WHY]: with WHY, base.conf CONF refuses ABI
# (KERNEL_ABIS_REFUSED) for that reason (KERNEL_REFUSED_WHY_<ABI>); without,
# it no longer does, and a reason that others name by reference is written
# into them.  make rebase and make follow keep the record with it.
refusal_record() {
	local conf=$1 abi=$2 refused why

	# shellcheck disable=SC1090 # a base.conf
	refused=$(. "$conf" && echo "$KERNEL_ABIS_REFUSED")
	why=$(. "$conf" && v=KERNEL_REFUSED_WHY_$abi && echo "${!v:-}")
	if [ $# -ge 3 ]; then
		refused=$(echo "$refused $abi" | xargs -n 1 | sort -un | xargs)
		why=$3
	else
		refused=$(echo "$refused" | xargs -n 1 | grep -vx "$abi" | xargs)
	fi
	abi=$abi refused=$refused why=$why add=$(($# >= 3)) awk '
		BEGIN { q = "\""; name = "KERNEL_REFUSED_WHY_" ENVIRON["abi"] }
		/^KERNEL_ABIS_REFUSED=/ {
			print "KERNEL_ABIS_REFUSED=" q ENVIRON["refused"] q
			if (ENVIRON["add"] == 1)
				print name "=" q ENVIRON["why"] q
			next
		}
		index($0, name "=") == 1 { next }
		index($0, "=$" name) { sub(/=.*/, "=" q ENVIRON["why"] q) }
		{ print }' "$conf" >"$conf.new" && mv "$conf.new" "$conf"
}

# Every version of the base package that apt knows, oldest first.
archive_base_versions() {
	apt-cache madison "$BASE_PACKAGE" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' |
		sort -u | sort -V
}

# installed_kernels: the releases with headers under $MODULES_ROOT that
# kernel_refusal accepts, a line each, oldest ABI first; within one ABI rt,
# then cloud, then the generic flavour (so the last line is the best).
installed_kernels() {
	local d k id abi rank n=0

	for id in $BASE_IDS; do
		n=$((n + 1))
		for d in "$MODULES_ROOT"/*/build; do
			k=${d%/build}
			k=${k##*/}
			[ "$(base_of_kver "$k")" = "$id" ] || continue
			kernel_refusal "$k" >/dev/null || continue
			abi=$(KVM_MBEC_BASE=$id; load_base "$id"; abi_of "$k")
			case "$k" in
			*-cloud-amd64) rank=1 ;;
			*-rt-amd64) rank=0 ;;
			*) rank=2 ;;
			esac
			echo "$n $abi $rank $k"
		done
	done | sort -n -k1,1 -k2,2 -k3,3 | cut -d' ' -f4
}

# The supported kernels of every base, for people:
# 6.1.0-{50,53}-{amd64,rt-amd64} 6.12.{118}+deb12-{amd64}.
supported_list() {
	local id

	for id in $BASE_IDS; do
		(load_base "$id" && base_supported_list)
	done | paste -sd' '
}

# "+<version>" of every base, in order, each Debian version's '-' as '+'
# (scripts/deb: the Debian version of our package).
bases_version_suffix() {
	local id

	for id in $BASE_IDS; do
		(load_base "$id" && printf '+%s' "${BASE_VERSION//-/+}")
	done
}

# The supported kernels of every base as one regular expression, for
# dkms.conf's BUILD_EXCLUSIVE_KERNEL.
all_supported_kernels() {
	local id

	for id in $BASE_IDS; do
		(load_base "$id" && echo "$SUPPORTED_KERNELS")
	done | paste -sd'|'
}

# all_kernel_lines: each base's kernel line, as "<prefix> <infix> <newest
# supported ABI> <base version>", separated by ';' (tools/Makefile makes
# kvm-mbec status's table of them, to tell a kernel newer than our base).
all_kernel_lines() {
	local id i

	for id in $BASE_IDS; do
		(load_base "$id" && for i in $KERNEL_INFIXES; do
			echo "$KERNEL_PREFIX $i ${KERNEL_ABIS##* } $BASE_PACKAGE $BASE_VERSION"
		done)
	done | paste -sd';'
}

# The supported kernels of the current base only.
base_supported_list() {
	local i

	for i in $KERNEL_INFIXES; do
		kver_of "$(braces "$KERNEL_ABIS")" "$(braces "$KERNEL_FLAVOURS")" "$i"
	done | paste -sd' '
}

# KVM_MBEC_MODULES_ROOT: another /lib/modules, for tests with faked headers.
MODULES_ROOT=${KVM_MBEC_MODULES_ROOT:-/lib/modules}
kdir_for() {
	echo "$MODULES_ROOT/$1/build"
}

# The paths of bases/<id>/files, one a line, without comments.
base_paths() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$BASE_FILES"
}

# Fingerprint of everything that shapes the patched tree: the lock, the
# import list and the series.  A tree whose stamp matches is up to date.
tree_inputs_hash() {
	(
		cd "$TOP"
		cat "$BASE_DIR/base.conf" "$BASE_FILES" "$BASE_SUMS" "$BASE_SERIES"
		while read -r p; do
			cat "src/$p" 2>/dev/null || echo "missing: $p"
		done < <(series_patches)
	) | sha256sum | cut -d' ' -f1
}

# The patches of the series in order, as paths relative to src/;
# KVM_MBEC_SERIES_LIMIT=k: only the first k (scripts/check-series).
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/$BASE_SERIES" |
		awk -v limit="${KVM_MBEC_SERIES_LIMIT:-0}" 'limit == 0 || NR <= limit'
}
