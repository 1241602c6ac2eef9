#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stock modules that import kvm.ko symbols (kvmgt, and the stock kvm-intel
# and kvm-amd we replace) must still load against our kvm.ko: with
# CONFIG_MODVERSIONS the kernel refuses a module whose recorded CRC of an
# imported symbol differs from the exporter's ("disagrees about version of
# symbol").  So, for the default ABI: every kvm symbol each stock dependent
# imports is exported by our kvm.ko with the same CRC, and our kvm.ko still
# exports everything the stock kvm.ko does.  See docs/stock-dependents.md.
# Runs once per base.

. "$(dirname "$0")/lib.sh"

kver=$(test_kver)
image=linux-image-$kver-unsigned
symvers=$BUILD/kver/$kver/arch/x86/kvm/Module.symvers
stock_symvers=/lib/modules/$kver/build/Module.symvers

if [ -z "$kver" ]; then
	skip "stock dependents" "no supported kernel headers installed"
	exit 0
fi
if ! dpkg-query -W -f '${Status}' "$image" 2>/dev/null | grep -q 'ok installed'; then
	image=linux-image-$kver
	if ! dpkg-query -W -f '${Status}' "$image" 2>/dev/null | grep -q 'ok installed'; then
		skip "stock dependents" "no stock image for $kver (scripts/install-deps)"
		exit 0
	fi
fi
command -v modprobe >/dev/null || { skip "stock dependents" "no modprobe (kmod)"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$symvers" ]; then
	expect "build the modules for $kver" "$TOP/scripts/build-modules" "$kver"
fi
if [ ! -f "$symvers" ]; then
	fail "our Module.symvers for $kver" "missing: $symvers"
	exit 0
fi

# Our kvm.ko's exports, and the stock kvm.ko's (from the headers' Module.symvers).
awk '$3 ~ /(^|\/)arch\/x86\/kvm\/kvm$/ { print $2, $1 }' "$symvers" | sort >"$tmp/ours"
awk '$3 == "arch/x86/kvm/kvm" { print $2, $1 }' "$stock_symvers" | sort >"$tmp/stock"
expect "our kvm.ko exports symbols (Module.symvers)" test -s "$tmp/ours"
expect "the stock kvm.ko's exports are known (headers' Module.symvers)" test -s "$tmp/stock"

same_exports() {
	# Every stock export, with the same CRC; ours may add some.
	local missing
	missing=$(comm -23 "$tmp/stock" "$tmp/ours")
	[ -z "$missing" ] || { echo "stock exports missing or with another CRC in ours:"; echo "$missing"; return 1; }
	echo "ours adds: $(comm -13 "$tmp/stock" "$tmp/ours" | cut -d' ' -f1 | tr '\n' ' ')"
}
expect "our kvm.ko exports every stock kvm.ko symbol with the same CRC" same_exports

# The stock modules whose depends= names kvm.  6.1's are plain .ko files,
# whose NUL-separated .modinfo strings grep -z reads one by one; 6.12's are
# .ko.xz, which xz -dc opens first.
dpkg-query -L "$image" | grep -E '\.ko(\.xz)?$' | while read -r ko; do
	case $ko in
	*.xz) xz -dc "$ko" ;;
	*) cat "$ko" ;;
	esac | grep -qazE '^depends=(.*,)?kvm(,.*)?$' && echo "$ko"
done | sort >"$tmp/dependents"
list_dependents() {
	cat "$tmp/dependents"
	# What we found when this test was written: kvmgt, besides kvm-intel/kvm-amd.
	grep -qE '/kernel/drivers/gpu/drm/i915/kvmgt\.ko(\.xz)?$' "$tmp/dependents"
}
expect "stock dependents of kvm.ko in $image include kvmgt" list_dependents

while read -r ko; do
	mod=$(basename "$ko")
	mod=${mod%%.ko*}
	check_crcs() {
		local n=0 bad=0 crc sym ourcrc
		modprobe --dump-modversions "$ko" >"$tmp/imports" || return 1
		while read -r crc sym; do
			# Only the symbols the stock kvm.ko provides.
			grep -q "^$sym " "$tmp/stock" || continue
			n=$((n + 1))
			ourcrc=$(awk -v s="$sym" '$1 == s { print $2 }' "$tmp/ours")
			if [ "$ourcrc" != "$crc" ]; then
				echo "$sym: $mod wants $crc, our kvm.ko has ${ourcrc:-no such export}"
				bad=$((bad + 1))
			fi
		done <"$tmp/imports"
		echo "$mod imports $n kvm symbols, $bad differ"
		[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
	}
	expect "stock $mod: CRCs of the kvm symbols it imports match our kvm.ko" check_crcs
done <"$tmp/dependents"
