#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Our modules keep every parameter of the stock modules, with the same type
# and description (modinfo -p), so that existing modprobe.d files still work.

. "$(dirname "$0")/lib.sh"

kver=$(test_kver) || { fail "a supported kernel's headers are installed"; exit 0; }
mods=$BUILD/kver/$kver/arch/x86/kvm
stock=/lib/modules/$kver/kernel/arch/x86/kvm
[ -f "$mods/kvm.ko" ] || "$TOP/scripts/build-modules" "$kver" >"$TEST_LOGS/build.log" 2>&1

for m in kvm kvm-intel kvm-amd; do
	name="$m.ko has every stock parameter"
	# Debian compresses 6.12's stock modules (.ko.xz); modinfo reads both.
	st=$(compgen -G "$stock/$m.ko*" | head -n 1)
	if [ -z "$st" ]; then
		fail "$name" "no stock $stock/$m.ko: install linux-image-$kver-unsigned (scripts/install-deps)"
		continue
	fi
	if [ ! -f "$mods/$m.ko" ]; then
		fail "$name" "$m.ko was not built"
		continue
	fi
	theirs=$(modinfo -p "$st" | sort)
	ours=$(modinfo -p "$mods/$m.ko" | sort)
	lost=$(comm -23 <(echo "$theirs") <(echo "$ours"))
	n=$(echo "$theirs" | grep -c .)
	if [ "$n" -gt 0 ] && [ -z "$lost" ]; then
		pass "$name ($n stock, $(echo "$ours" | grep -c .) ours)"
	else
		fail "$name" "missing or changed: $(echo "$lost" | head -3)"
	fi
done
