# SPDX-License-Identifier: GPL-2.0
# Shared definitions for the kvm-mbec build scripts.  Source it; do not run it.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}

# BASE_TARBALL may be overridden from the environment (a local copy, tests).
tarball_override=${BASE_TARBALL:-}
# shellcheck source=../base.lock
. "$TOP/base.lock"
BASE_TARBALL=${tarball_override:-$BASE_TARBALL}

die() {
	echo "kvm-mbec: error: $*" >&2
	exit 1
}

info() {
	echo "kvm-mbec: $*" >&2
}

# dkms.conf is the single place that states our version and kernels.
dkms_conf_value() {
	sed -n "s/^$1=\"\(.*\)\"$/\1/p" "$TOP/dkms.conf"
}

PACKAGE_NAME=$(dkms_conf_value PACKAGE_NAME)
PACKAGE_VERSION=$(dkms_conf_value PACKAGE_VERSION)
SUPPORTED_KERNELS=$(dkms_conf_value BUILD_EXCLUSIVE_KERNEL)

# The version every module carries: ours, then the base it was built from.
MODULE_VERSION_STRING="$PACKAGE_VERSION+$BASE_VERSION"

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

kdir_for() {
	echo "/lib/modules/$1/build"
}

# Fingerprint of everything that shapes the patched tree: the lock, the
# import list and the series.  A tree whose stamp matches is up to date.
tree_inputs_hash() {
	(
		cd "$TOP"
		cat base.lock base.files src/series
		while read -r p; do
			cat "src/$p" 2>/dev/null || echo "missing: $p"
		done < <(series_patches)
	) | sha256sum | cut -d' ' -f1
}

# The patches of the series in order, as paths relative to src/.
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/src/series"
}
