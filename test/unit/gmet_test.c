// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the GMET decisions in include/kvm-mbec/gmet.h, the same
 * inline functions kvm-amd.ko uses: the erratum 1218 recomputation of the
 * nested page fault's U/S bit, the caching of L1's nested_ctl, and the
 * nested_ctl that runs L2.  Expected values come from the APM's rules as
 * stated in each case, not from the code.
 *
 * Then kvm-unit-tests' npt_gmet_null, npt_gmet_nx and npt_gmet_us (x86/
 * svm_npt.c), which no emulator here can run, replayed on the NPT
 * permission tables of src/mmu/kvm_mbec_permissions.c (linked in) and the
 * erratum workaround: the NPT entries each test builds, the accesses its
 * L2 makes at CPL 0, and the EXITINFO1 its check accepts.
 */
#include <stdio.h>

#include "kernel_shim.h"
#include <kvm-mbec/gmet.h>
#include <kvm-mbec/permissions.h>

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

/*
 * L2 at CPL 0 under nested paging with GMET: does ACCESS (a PFEC: 0 read,
 * W write, ID fetch) through an NPT leaf with ACC_* bits PTE fault?  A data
 * access reaches the NPT both as the final translation of a CPL 0 access
 * (U/S clear) and as a read of L2's own page tables (U/S set); it faults if
 * either does.  A fetch is the final translation of a CPL 0 fetch.
 */
static bool kut_npt_fault(bool efer_nx, unsigned int pte, u64 access)
{
	struct kvm_mbec_paging_mode mode = {
		.paging = KVM_MBEC_PAGING_NPT,
		.has_user_exec_permission = true,
		.efer_nx = efer_nx,
	};
	const u16 *table = kvm_mbec_permissions(&mode);

	if (access & ID)
		return kvm_mbec_permission_fault(table, access, pte);
	return kvm_mbec_permission_fault(table, access, pte) ||
	       kvm_mbec_permission_fault(table, access | US, pte);
}

static void test_kvm_unit_tests_npt_gmet(void)
{
	const unsigned int rw = KVM_MBEC_ACC_WRITE | KVM_MBEC_ACC_READ;
	const unsigned int text = rw | KVM_MBEC_ACC_EXEC;	/* U=0, NX=0 */
	u64 exitinfo1;
	int nx;

	kvm_mbec_init_permission_tables();

	/*
	 * npt_gmet_null: U=0 on the 2 MiB that hold the test's code and data,
	 * GMET on; L2's code runs, reads and writes there ("the U bit is only
	 * used for execution") and exits with VMMCALL, not #NPF.  EFER.NX as
	 * L1 left it: either.
	 */
	for (nx = 0; nx <= 1; nx++) {
		expect("npt_gmet_null: fetch from U=0", kut_npt_fault(nx, text, ID), 0);
		expect("npt_gmet_null: read of U=0", kut_npt_fault(nx, text, 0), 0);
		expect("npt_gmet_null: write to U=0", kut_npt_fault(nx, text, W), 0);
	}

	/*
	 * npt_gmet_nx: the same, with NX=1 on null_test's page and EFER.NX=1:
	 * the fetch faults, and the check wants EXITINFO1 & ~U/S ==
	 * 0x100000011 (final translation, fetch, present).
	 */
	expect("npt_gmet_nx: fetch from U=0, NX=1 faults",
	       kut_npt_fault(true, rw, ID), 1);
	exitinfo1 = kvm_mbec_gmet_npf_error_code(FINAL | ID | P, 0, true);
	expect("npt_gmet_nx: EXITINFO1 without U/S", exitinfo1 & ~US, 0x100000011ULL);

	/*
	 * npt_gmet_us: U=1 on null_test's page only, EFER.NX=1: a GMET fault
	 * on the supervisor fetch, same EXITINFO1; the hardware may report
	 * U/S=1 (erratum 1218), KVM hands the MMU CPL 0's U/S=0.
	 */
	expect("npt_gmet_us: supervisor fetch from U=1 faults",
	       kut_npt_fault(true, text | KVM_MBEC_ACC_USER, ID), 1);
	expect("npt_gmet_us: read of U=1 does not",
	       kut_npt_fault(true, text | KVM_MBEC_ACC_USER, 0), 0);
	exitinfo1 = kvm_mbec_gmet_npf_error_code(FINAL | ID | US | P, 0, true);
	expect("npt_gmet_us: EXITINFO1 without U/S", exitinfo1 & ~US, 0x100000011ULL);
	expect("npt_gmet_us: U/S from CPL 0", exitinfo1 & US, 0);
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

	test_kvm_unit_tests_npt_gmet();

	printf("gmet test: %d cases, %d failures\n", cases, failures);
	return failures ? 1 : 0;
}
