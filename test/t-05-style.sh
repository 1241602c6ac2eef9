#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Our own C files and headers, and every patch of the series, pass the base
# tree's checkpatch.pl --strict; and the checker does catch a bad file.

. "$(dirname "$0")/lib.sh"

expect "checkpatch --strict: our files and the series are clean" "$TOP/scripts/checkpatch"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
printf '// SPDX-License-Identifier: GPL-2.0\nint f(int x){\n  return x;}\n' >"$scratch/bad.c"
expect_fail "checkpatch reports a badly styled file" "ERROR" "$TOP/scripts/checkpatch" "$scratch/bad.c"
