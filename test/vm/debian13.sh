# SPDX-License-Identifier: GPL-2.0
# Debian 13 (trixie) userspaces on this Debian 12 machine, from Debian's
# archive only: mmdebstrap makes one from the packages asked for (nothing
# built here), kept in the cache outside the clone and keyed by the
# packages' versions, so that a new version in the archive makes a new one
# and an unchanged archive reuses it.  Source it after scripts/lib.sh.
#
# The archive's versions are read with apt from a private state directory
# under the cache (the host's apt configuration and package set are not
# touched).  Offline, the newest userspace of that name already in the
# cache is used, and said so.  Environment: DEBIAN13_MIRROR (default
# http://deb.debian.org/debian), DEBIAN13_SECURITY (default
# http://security.debian.org/debian-security), DEBIAN13_SUITE (default
# trixie).  Needs root (mmdebstrap, mount, chroot).

d13_mirror=${DEBIAN13_MIRROR:-http://deb.debian.org/debian}
d13_security=${DEBIAN13_SECURITY:-http://security.debian.org/debian-security}
d13_suite=${DEBIAN13_SUITE:-trixie}
d13_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# d13_sources: the release's sources, a line each (its security updates
# carry the kernels).
d13_sources() {
	echo "deb [signed-by=$d13_keyring] $d13_mirror $d13_suite main"
	echo "deb [signed-by=$d13_keyring] $d13_mirror $d13_suite-updates main"
	echo "deb [signed-by=$d13_keyring] $d13_security $d13_suite-security main"
}

# d13_versions STORE PKG...: "pkg=version ...", the archive's candidates,
# from a private apt state in STORE/apt; status 1 when the archive cannot
# be read or lacks one of them.
d13_versions() {
	local store=$1 apt=$1/apt p v out=()
	shift
	mkdir -p "$apt/lists/partial" "$apt/archives/partial"
	d13_sources >"$apt/sources.list"
	: >"$apt/status"
	local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status"
		-o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o APT::Architecture=amd64 -o Debug::NoLocking=1)
	apt-get "${opts[@]}" -q update >"$apt/update.log" 2>&1 || return 1
	for p in "$@"; do
		v=$(apt-cache "${opts[@]}" show --no-all-versions "$p" 2>/dev/null |
			sed -n 's/^Version: //p' | head -n1)
		[ -n "$v" ] || { echo "$p is not in $d13_suite" >>"$apt/update.log"; return 1; }
		out+=("$p=$v")
	done
	echo "${out[*]}"
}

# d13_root NAME CHECK PKG...: make or find the Debian 13 userspace NAME with
# PKG... (and what they depend on) in $CACHE/debian13-NAME/<versions>/root;
# print "<root> <versions>".  CHECK is a path that must exist in it.
d13_root() {
	local name=$1 check=$2 store=$CACHE/debian13-$1 versions key dir tmp src srcs=()
	shift 2
	[ "$(id -u)" = 0 ] || die "a Debian 13 userspace needs root (mmdebstrap, mount, chroot)"
	if ! versions=$(d13_versions "$store" "$@"); then
		dir=$(find "$store" -mindepth 2 -maxdepth 2 -name .complete -printf '%T@ %h\n' 2>/dev/null |
			sort -rn | head -n1 | cut -d' ' -f2-)
		[ -n "$dir" ] ||
			die "cannot read the $d13_suite archive (see $store/apt/update.log), and no Debian 13 $name userspace is cached"
		info "debian13 $name: the $d13_suite archive is unreachable; using the cached $(cat "$dir/.complete")"
		echo "$dir/root $(cat "$dir/.complete")"
		return 0
	fi
	key=$(echo "$versions" | sed 's/ /_/g; s/=/-/g; s/[:~]/./g')
	dir=$store/$key
	if [ ! -f "$dir/.complete" ]; then
		command -v mmdebstrap >/dev/null || die "mmdebstrap missing (apt-get install mmdebstrap)"
		info "debian13 $name: making a Debian 13 userspace with $versions (mmdebstrap)"
		rm -rf "$dir"
		mkdir -p "$store"
		tmp=$(mktemp -d "$store/.make.XXXXXX")
		# shellcheck disable=SC2064 # expand now
		trap "rm -rf '$tmp'" EXIT
		while read -r src; do srcs+=("$src"); done < <(d13_sources)
		mmdebstrap --variant=apt --include="$(IFS=,; echo "${versions// /,}")" \
			"$d13_suite" "$tmp/root" "${srcs[@]}" >"$tmp/mmdebstrap.log" 2>&1 ||
			{ tail -n 20 "$tmp/mmdebstrap.log" >&2; die "mmdebstrap of $d13_suite failed"; }
		[ -e "$tmp/root$check" ] || die "the $d13_suite userspace has no $check"
		echo "$versions" >"$tmp/.complete"
		mv "$tmp" "$dir"
		trap - EXIT
	fi
	echo "$dir/root $versions"
}

# d13_bind ROOT DIR...: bind-mount each DIR (and /proc, /dev, /tmp) into
# ROOT at its own path.  Call it in a private mount namespace.
d13_bind() {
	local root=$1 d
	shift
	for d in /proc /dev /tmp "$@"; do
		[ -d "$d" ] || continue
		case "$d" in /) continue ;; esac
		mountpoint -q "$root$d" && continue
		mkdir -p "$root$d"
		mount --rbind "$d" "$root$d" || die "bind-mounting $d into $root failed"
	done
}
