// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the GMET decisions in include/kvm-mbec/gmet.h, the same
 * inline functions kvm-amd.ko uses: the erratum 1218 recomputation of the
 * nested page fault's U/S bit, the caching of L1's nested_ctl, and the
 * nested_ctl that runs L2.  Expected values come from the APM's rules as
 * stated in each case, not from the code.
 */
#include <stdio.h>

#include "kernel_shim.h"
#include <kvm-mbec/gmet.h>

#define P	BIT_ULL(0)
#define W	BIT_ULL(1)
#define US	BIT_ULL(2)
#define ID	BIT_ULL(4)
#define NP	BIT_ULL(0)	/* nested_ctl: NP_ENABLE */
#define GMET	BIT_ULL(3)	/* nested_ctl: GMET enable (APM table B-1) */
#define FINAL	BIT_ULL(32)	/* EXITINFO1: fault on the final translation */

static int failures, cases;

static void expect(const char *what, u64 got, u64 want)
{
	cases++;
	if (got == want)
		return;
	failures++;
	printf("FAIL %s: got %#llx, want %#llx\n", what, got, want);
}

int main(void)
{
	u8 cpl;

	/* Erratum 1218: only fetches, only with GMET, U/S := (CPL == 3). */
	for (cpl = 0; cpl <= 3; cpl++) {
		u64 us = cpl == 3 ? US : 0;

		expect("GMET fetch, U/S reported 1",
		       kvm_mbec_gmet_npf_error_code(FINAL | ID | US | P, cpl, true),
		       FINAL | ID | us | P);
		expect("GMET fetch, U/S reported 0",
		       kvm_mbec_gmet_npf_error_code(FINAL | ID, cpl, true),
		       FINAL | ID | us);
		expect("GMET write left alone",
		       kvm_mbec_gmet_npf_error_code(FINAL | W | US | P, cpl, true),
		       FINAL | W | US | P);
		expect("GMET read left alone",
		       kvm_mbec_gmet_npf_error_code(FINAL | US, cpl, true),
		       FINAL | US);
		expect("no GMET: fetch left alone",
		       kvm_mbec_gmet_npf_error_code(FINAL | ID | US, cpl, false),
		       FINAL | ID | US);
	}

	/* L1's GMET enable survives caching only when it is advertised. */
	expect("cached, advertised",
	       kvm_mbec_gmet_cached_nested_ctl(NP | GMET, true),
	       NP | GMET);
	expect("cached, not advertised",
	       kvm_mbec_gmet_cached_nested_ctl(NP | GMET, false),
	       NP);
	expect("cached, other bits kept",
	       kvm_mbec_gmet_cached_nested_ctl(NP | BIT_ULL(1), false),
	       NP | BIT_ULL(1));

	/* vmcb02: with nested NPT, GMET exactly as L1 asked; else vmcb01's. */
	expect("nested NPT, L1 GMET on",
	       kvm_mbec_gmet_vmcb02_nested_ctl(NP | GMET, true, NP | GMET),
	       NP | GMET);
	expect("nested NPT, L1 GMET off",
	       kvm_mbec_gmet_vmcb02_nested_ctl(NP | GMET, true, NP),
	       NP);
	expect("nested NPT, KVM without GMET",
	       kvm_mbec_gmet_vmcb02_nested_ctl(NP, true, NP),
	       NP);
	expect("L1 without NPT: vmcb01's",
	       kvm_mbec_gmet_vmcb02_nested_ctl(NP | GMET, false, 0),
	       NP | GMET);

	printf("gmet test: %d cases, %d failures\n", cases, failures);
	return failures ? 1 : 0;
}
