#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Model test: the MMU's permission bitmaps (src/mmu/kvm_mbec_permissions.c,
# the file kvm.ko is built from) checked in userspace against a reference
# model written separately from the SDM and the APM (test/unit/ref_model.c,
# test/unit/REF_MODEL_NOTES.md), for every error code x PTE permission x
# control bit, for x86 paging, EPT with MBEC off/on and NPT with GMET
# off/on.  Then mutated copies of the implementation must fail it.  Also the
# GMET decisions of include/kvm-mbec/gmet.h (erratum 1218, nested_ctl
# caching and the nested_ctl that runs L2) and kvm-unit-tests' npt_gmet_*
# replayed on the NPT tables, test/unit/gmet_test.c.

. "$(dirname "$0")/lib.sh"

unit=$TOP/test/unit
impl=$TOP/src/mmu/kvm_mbec_permissions.c
bin=$TEST_LOGS/model_test

# build IMPL OUT: the model test linked with the implementation IMPL.
build() {
	gcc -std=gnu11 -O1 -Wall -Wextra -Werror -I"$TOP/include" -I"$unit" \
		-o "$2" "$unit/model_test.c" "$unit/ref_model.c" \
		-include "$unit/kernel_shim.h" "$1"
}

# build_and_run IMPL OUT: build with IMPL, run it.
build_and_run() {
	build "$1" "$2" && "$2"
}

expect "model test builds (userspace, same source as kvm.ko)" build "$impl" "$bin"
if [ -x "$bin" ]; then
	log=$TEST_LOGS/model.log
	if "$bin" >"$log" 2>&1 && grep -q ' 0 mismatches' "$log"; then
		pass "bitmaps match the reference model: $(sed -n 's/^model test: //p' "$log")"
	else
		fail "bitmaps match the reference model" "" "$log"
	fi
fi

# Mutations: each drops or bends one architectural rule in a copy.
mutants=(
	'MBEC: user fetch checks XS instead of XU|s/exec = KVM_MBEC_ACC_USER;/exec = KVM_MBEC_ACC_EXEC;/'
	'SMEP ignored|s/return mode->cr4_smep \&\& !user_access \&\& user_page;/return false;/'
	'NPT without GMET: U=0 allowed|s/^\t\treturn !user_page;/\t\treturn false;/'
	'CR0.WP ignored|s/(user_access || mode->cr0_wp))/(user_access))/'
	'SMAP ignores RFLAGS.AC|s/!(pfec \& KVM_MBEC_PFERR_NOT_SMAP);/true;/'
	'EPT read ignores R|s/!(acc \& KVM_MBEC_ACC_READ);/false;/'
	'GMET: supervisor fetch of U=1 allowed|s/!(pfec \& KVM_MBEC_PFERR_USER) \&\& user_page;/false;/'
)
for m in "${mutants[@]}"; do
	name=${m%%|*}
	src=$TEST_LOGS/mutant.c
	sed "${m#*|}" "$impl" >"$src"
	if cmp -s "$src" "$impl"; then
		fail "mutant '$name' is detected" "the mutation did not apply to $impl"
		continue
	fi
	expect_fail "mutant '$name' is detected" ' [1-9][0-9]* mismatches' \
		build_and_run "$src" "$TEST_LOGS/mutant"
done

# GMET: erratum 1218, the cached nested_ctl, vmcb02's nested_ctl.
gbin=$TEST_LOGS/gmet_test
expect "GMET unit test builds (the inline functions kvm-amd.ko uses)" \
	gcc -std=gnu11 -O1 -Wall -Wextra -Werror -I"$TOP/include" -I"$unit" \
	-o "$gbin" "$unit/gmet_test.c" -include "$unit/kernel_shim.h" "$impl"
if [ -x "$gbin" ]; then
	log=$TEST_LOGS/gmet.log
	if "$gbin" >"$log" 2>&1; then
		pass "GMET decisions: $(sed -n 's/^gmet test: //p' "$log")"
	else
		fail "GMET decisions" "" "$log"
	fi
fi
