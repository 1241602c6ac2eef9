// SPDX-License-Identifier: GPL-2.0
/*
 * Model test: the MMU's permission bitmaps (src/mmu/kvm_mbec_permissions.c,
 * the same file kvm.ko is built from) against the reference model of
 * ref_model.c, written separately from the SDM and the APM.
 *
 * Every page-fault error code the MMU can look up, every PTE permission,
 * every relevant control bit, for x86 paging, EPT (MBEC off/on) and NPT
 * (GMET off/on).  The driver maps architectural inputs to the MMU's inputs
 * the way the kernel does: permission_fault() for the error code and the
 * not-SMAP slot, FNAME(gpte_access)() and spte_access() for ACC_* bits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_shim.h"
#include <kvm-mbec/permissions.h>
#include "ref_model.h"

static unsigned long checked, mismatches;

static const char *const paging_name[] = { "x86", "ept", "npt" };

static void check(const struct kvm_mbec_paging_mode *mode,
		  const struct ref_ctl *ctl, const struct ref_pte *pte,
		  const struct ref_access *acc, unsigned int pfec,
		  unsigned int pte_access)
{
	const u16 *table = kvm_mbec_permissions(mode);
	bool want = ref_fault(ctl, pte, acc);
	bool got = kvm_mbec_permission_fault(table, pfec, pte_access);

	checked++;
	if (want == got)
		return;
	if (++mismatches <= 20)
		printf("MISMATCH %s split=%d wp=%d smep=%d smap=%d nx=%d",
		       paging_name[mode->paging], mode->has_user_exec_permission,
		       mode->cr0_wp, mode->cr4_smep, mode->cr4_smap,
		       mode->efer_nx);
	if (mismatches <= 20)
		printf(" | pte r=%d w=%d x=%d xu=%d u=%d | %s user=%d implicit=%d ac=%d",
		       pte->r, pte->w, pte->x, pte->xu, pte->u,
		       acc->fetch ? "fetch" : acc->write ? "write" : "read",
		       acc->user, acc->implicit, acc->eflags_ac);
	if (mismatches <= 20)
		printf(" | pfec=%#x acc=%#x: model %s, MMU %s\n", pfec,
		       pte_access, want ? "fault" : "no fault",
		       got ? "fault" : "no fault");
}

static void set_kind(struct ref_access *acc, int kind)
{
	acc->write = kind == 1;
	acc->fetch = kind == 2;
}

static unsigned int pfec_of(const struct ref_access *acc, bool user_bit,
			    bool not_smap)
{
	return (acc->write ? KVM_MBEC_PFERR_WRITE : 0) |
	       (acc->fetch ? KVM_MBEC_PFERR_FETCH : 0) |
	       (user_bit ? KVM_MBEC_PFERR_USER : 0) |
	       (not_smap ? KVM_MBEC_PFERR_NOT_SMAP : 0);
}

/* ACC_* bits of an x86 or NPT entry, as FNAME(gpte_access)() builds them. */
static unsigned int x86_acc_bits(const struct ref_pte *pte, bool read)
{
	return (pte->w ? KVM_MBEC_ACC_WRITE : 0) |
	       (pte->x ? KVM_MBEC_ACC_EXEC : 0) |
	       (pte->u ? KVM_MBEC_ACC_USER : 0) |
	       (read ? KVM_MBEC_ACC_READ : 0);
}

/*
 * Reads, writes and fetches, user or not, with the not-SMAP slot of the
 * error code both clear and set (EPT and NPT must ignore it).
 */
static void check_user_accesses(const struct kvm_mbec_paging_mode *mode,
				const struct ref_ctl *ctl,
				const struct ref_pte *pte, unsigned int acc_bits)
{
	struct ref_access acc;
	unsigned int a;

	for (a = 0; a < 12; a++) {
		memset(&acc, 0, sizeof(acc));
		set_kind(&acc, a % 3);
		acc.user = (a / 3) & 1;
		check(mode, ctl, pte, &acc, pfec_of(&acc, acc.user, (a / 6) & 1),
		      acc_bits);
	}
}

/* x86 paging: CR0.WP, CR4.SMEP/SMAP, EFER.NX, user/implicit/AC. */
static void test_x86(void)
{
	struct kvm_mbec_paging_mode mode = { .paging = KVM_MBEC_PAGING_X86 };
	struct ref_ctl ctl = { .paging = REF_PAGING_X86 };
	struct ref_access acc;
	struct ref_pte pte;
	unsigned int bits, p, a, acc_bits, pfec;

	for (bits = 0; bits < 32; bits++) {
		ctl.cr0_wp = bits & 1;
		mode.cr0_wp = ctl.cr0_wp;
		ctl.cr4_smep = bits & 2;
		mode.cr4_smep = ctl.cr4_smep;
		ctl.cr4_smap = bits & 4;
		mode.cr4_smap = ctl.cr4_smap;
		ctl.efer_nx = bits & 8;
		mode.efer_nx = ctl.efer_nx;
		/* ignored for x86 paging: must not change the answer */
		mode.has_user_exec_permission = bits & 16;
		for (p = 0; p < 16; p++) {
			memset(&pte, 0, sizeof(pte));
			pte.r = true;
			pte.w = p & 1;
			pte.x = p & 2;
			pte.u = p & 4;
			/* x86-format callers may leave READ out */
			acc_bits = x86_acc_bits(&pte, p & 8);
			for (a = 0; a < 24; a++) {
				memset(&acc, 0, sizeof(acc));
				set_kind(&acc, a % 3);
				acc.user = (a / 3) & 1;
				acc.implicit = (a / 6) & 1;
				acc.eflags_ac = (a / 12) & 1;
				if (acc.user && acc.implicit)
					continue; /* implicit accesses are supervisor */
				/* permission_fault(): not_smap = AC && !implicit */
				pfec = pfec_of(&acc, acc.user,
					       acc.eflags_ac && !acc.implicit);
				check(&mode, &ctl, &pte, &acc, pfec, acc_bits);
			}
		}
	}
}

/* EPT: MBEC off/on, R/W/X(S)/XU, U/S of the guest-linear address. */
static void test_ept(void)
{
	struct kvm_mbec_paging_mode mode = { .paging = KVM_MBEC_PAGING_EPT };
	struct ref_ctl ctl = { .paging = REF_PAGING_EPT };
	struct ref_pte pte;
	unsigned int bits, p, acc_bits;

	for (bits = 0; bits < 32; bits++) {
		ctl.mbec = bits & 1;
		mode.has_user_exec_permission = ctl.mbec;
		/* ignored for EPT: must not change the answer */
		mode.cr0_wp = bits & 2;
		mode.cr4_smep = bits & 4;
		mode.cr4_smap = bits & 8;
		mode.efer_nx = bits & 16;
		for (p = 0; p < 16; p++) {
			memset(&pte, 0, sizeof(pte));
			pte.r = p & 1;
			pte.w = p & 2;
			pte.x = p & 4;
			pte.xu = p & 8;
			/* the walk stops before the bitmap for these */
			if (!ref_ept_present(&ctl, &pte) ||
			    ref_ept_misconfig(&ctl, &pte))
				continue;
			acc_bits = (pte.r ? KVM_MBEC_ACC_READ : 0) |
				   (pte.w ? KVM_MBEC_ACC_WRITE : 0) |
				   (pte.x ? KVM_MBEC_ACC_EXEC : 0) |
				   (pte.xu ? KVM_MBEC_ACC_USER : 0);
			check_user_accesses(&mode, &ctl, &pte, acc_bits);
		}
	}
}

/* NPT: GMET off/on, EFER.NX, U/W/NX, CPL 3 or not. */
static void test_npt(void)
{
	struct kvm_mbec_paging_mode mode = { .paging = KVM_MBEC_PAGING_NPT };
	struct ref_ctl ctl = { .paging = REF_PAGING_NPT };
	struct ref_pte pte;
	unsigned int bits, p, acc_bits;

	for (bits = 0; bits < 32; bits++) {
		ctl.gmet = bits & 1;
		mode.has_user_exec_permission = ctl.gmet;
		ctl.efer_nx = bits & 2;
		mode.efer_nx = ctl.efer_nx;
		/* ignored for NPT: must not change the answer */
		mode.cr0_wp = bits & 4;
		mode.cr4_smep = bits & 8;
		mode.cr4_smap = bits & 16;
		for (p = 0; p < 16; p++) {
			memset(&pte, 0, sizeof(pte));
			pte.r = true;
			pte.w = p & 1;
			pte.x = p & 2;
			pte.u = p & 4;
			acc_bits = x86_acc_bits(&pte, p & 8);
			check_user_accesses(&mode, &ctl, &pte, acc_bits);
		}
	}
}

/* Every mode's shared table equals a table filled for that mode alone. */
static void test_table_index(void)
{
	struct kvm_mbec_paging_mode mode;
	unsigned int bits;
	u16 fresh[KVM_MBEC_PERMISSION_ENTRIES];

	for (bits = 0; bits < KVM_MBEC_NR_PERMISSION_TABLES; bits++) {
		mode = (struct kvm_mbec_paging_mode) {
			.paging = bits >> 5,
			.has_user_exec_permission = bits & 16,
			.cr0_wp = bits & 8,
			.cr4_smep = bits & 4,
			.cr4_smap = bits & 2,
			.efer_nx = bits & 1,
		};
		kvm_mbec_fill_permissions(fresh, &mode);
		checked++;
		if (memcmp(fresh, kvm_mbec_permissions(&mode), sizeof(fresh))) {
			mismatches++;
			printf("MISMATCH table index: mode %#x shares a table it should not\n",
			       bits);
		}
	}
}

int main(void)
{
	kvm_mbec_init_permission_tables();
	test_x86();
	test_ept();
	test_npt();
	test_table_index();
	printf("model test: %lu combinations checked, %lu mismatches\n",
	       checked, mismatches);
	return mismatches ? 1 : 0;
}
