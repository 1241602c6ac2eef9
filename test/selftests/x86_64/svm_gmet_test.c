// SPDX-License-Identifier: GPL-2.0
/*
 * svm_gmet_test: an L1 hypervisor that enables AMD's Guest Mode Execute
 * Trap (GMET) in vmcb12 and runs L2 over nested page table (NPT) leaves of
 * every U/S, NX and R/W combination, 4 KiB and 2 MiB, with U/S=0 also
 * above a leaf (in a PDE, in a PDPTE), fetching, reading and writing at
 * CPL0, 1, 2 and 3, and writing with a rep insb that L0 emulates (KVM's
 * own walk of L1's NPT must give L1 the #NPF the CPU gives).  Also: the
 * same matrix with GMET off in vmcb12; L1's GMET bit is ignored where L1's
 * CPUID does not offer GMET (this part runs on every host with nested SVM
 * and NPT, also where KVM offers no GMET, before the test reports SKIP);
 * with L0's shadow entry present first (a CPL3 read and fetch of each page
 * before its CPL0, 1 and 2 fetches, so that the CPU's own GMET check of a
 * present U/S=1 entry decides them, not KVM's walk), at 4 KiB and 2 MiB;
 * the bit survives KVM_GET/SET_NESTED_STATE taken in L2 into a new VM,
 * and the CPU's check applies there too.  The 2 MiB groups check, with
 * the VM's pages_2m statistic, that L0 maps their leaves with 2 MiB
 * entries; a host that cannot (no transparent huge pages, no
 * KVM_CAP_NESTED_STATE) fails instead of skipping those cases.  Each
 * group ends with one "PASS group: <name>" or "FAIL group: <name>" line.
 *
 * The expectations (expect_exit()) come from the AMD APM vol. 2:
 * 15.25.5-7 (nested paging: NPT entries are x86-64 page table entries,
 * walked with L1's EFER.NXE; the permissions are those of every level of
 * the walk, U/S and R/W ANDed, NX ORed; every guest access is a user
 * access at the nested level, so U/S=0 faults every access; #NPF is
 * #VMEXIT 0x400 with the faulting guest physical address in EXITINFO2 and
 * a #PF error code in EXITINFO1: bit 0 P, 1 write, 2 user, 3 reserved
 * bit, 4 fetch (with EFER.NXE), 32 final address, 33 guest page table
 * walk) and 15.25.13 "Guest Mode Execute Trap Extension" with Table 15-21
 * "GMET Page Configuration" (CPUID Fn8000_000A EDX[17]; nested_ctl bit 3:
 * an instruction fetch at CPL<3 from a page whose nested translation is
 * U/S=1 takes #NPF; U/S does not restrict data accesses nor CPL3 fetches,
 * so U/S=0 pages are readable and executable at any CPL; R/W and NX
 * apply as usual; CPL1 and CPL2 are supervisor).  EXITINFO1.US: without
 * GMET every access is a user access (15.25.6); with GMET it reports the
 * access's mode, 1 iff CPL=3, for fetches (kvm-unit-tests npt_gmet_us)
 * and for data accesses too (Linux 7.2's svm_translate_nested_gpa():
 * "Non-GMET walks are always user-walks"; AMD erratum 1218, "EXITINFO1[2]
 * May Be Incorrectly Set When GMET is Enabled").  The same cases are in
 * kvm-unit-tests' npt_gmet_null, npt_gmet_nx, npt_gmet_us.
 *
 * AMD erratum 1218: on some CPUs EXITINFO1.US of a GMET fetch fault does
 * not reflect the fetch's mode (either way).  L0 must hide it, so the test
 * checks that bit exactly; -u masks it, to see whether it is needed.
 *
 * Options: -u mask EXITINFO1.US of fetch faults under GMET; -t SECONDS the
 * alarm per case group (default 60): a vCPU that never comes back from
 * KVM_RUN (say, looping on #NPF in L0) is a failure that names the case.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "kvm_mbec_st_compat.h"
#include "svm_util.h"
#include "svm_gmet_lib.h"
#include "guest_pt_lib.h"

/* L1 linear = L1 physical = L2 physical, for every test page. */
#define TEST_GPA	0xc0000000ULL	/* slot 1 */
#define TEST_SLOT	1
#define TEST_SIZE	(10 * PG_SIZE_2M)
#define CODE_GPA	TEST_GPA		/* L2's stubs and their pointer */
#define STACK_GPA	(TEST_GPA + 0x1000)	/* L2's stack, every CPL */
#define STACK_TOP	(STACK_GPA + PAGE_SIZE)
#define MATRIX_4K_GPA	(TEST_GPA + 0x2000)	/* one 4 KiB leaf per U/S, NX, RW */
#define PDE_US0_GPA	(TEST_GPA + PG_SIZE_2M)	/* a 4 KiB leaf, its PDE U/S=0 */
#define MATRIX_2M_GPA	(TEST_GPA + 2 * PG_SIZE_2M)	/* one 2 MiB leaf per U/S, NX, RW */
#define PDPTE_US0_GPA	0x100000000ULL	/* slot 2: a 2 MiB leaf, its PDPTE U/S=0 */
#define PDPTE_SLOT	2
#define NR_PERMS	8		/* U/S x NX x RW */
#define DATA_OFFSET	0x800		/* where L2 reads and writes a test page */
#define RET_INSN	0xc3		/* at offset 0 of every test page */
#define INS_PORT	0x2222		/* L2's rep insb: L0 exits to the host */
#define INS_BYTE	0x5a		/* what the host gives the rep insb */
#define NR_CPLS		4
#define RFLAGS_IOPL3	(3ULL << 12)	/* L2's in/out at every CPL */

/*
 * The stubs on the code page: mov rax, [rip + d] (the pointer L1 sets);
 * the access; vmmcall.  The fetch is call rax, to the test page's ret.
 */
#define STUB_FETCH	0x00
#define STUB_READ	0x20
#define STUB_WRITE	0x40
#define STUB_INS	0x60
#define STUB_POINTER	0x100

/* mov rax, [rip + d]; call rax; vmmcall */
static const u8 stub_fetch[] = {
	0x48, 0x8b, 0x05, STUB_POINTER - STUB_FETCH - 7, 0, 0, 0,
	0xff, 0xd0, 0x0f, 0x01, 0xd9,
};

/* mov rax, [rip + d]; mov rax, [rax]; vmmcall */
static const u8 stub_read[] = {
	0x48, 0x8b, 0x05, STUB_POINTER - STUB_READ - 7, 0, 0, 0,
	0x48, 0x8b, 0x00, 0x0f, 0x01, 0xd9,
};

/* mov rax, [rip + d]; mov [rax], rax; vmmcall */
static const u8 stub_write[] = {
	0x48, 0x8b, 0x05, STUB_POINTER - STUB_WRITE - 7, 0, 0, 0,
	0x48, 0x89, 0x00, 0x0f, 0x01, 0xd9,
};

/*
 * mov rax, [rip + d]; mov rdi, rax; mov edx, INS_PORT; mov ecx, 1;
 * rep insb; vmmcall.  L1 does not intercept I/O, so L0 emulates the
 * string I/O, and its write to the test page goes through KVM's own
 * walk of L1's NPT, not the CPU's.
 */
static const u8 stub_ins[] = {
	0x48, 0x8b, 0x05, STUB_POINTER - STUB_INS - 7, 0, 0, 0,
	0x48, 0x89, 0xc7,
	0xba, INS_PORT & 0xff, INS_PORT >> 8, 0, 0,
	0xb9, 1, 0, 0, 0,
	0xf3, 0x6c, 0x0f, 0x01, 0xd9,
};

/* OP_L2_CODE: l2_sync_code(), the nested state round trip. */
enum op { OP_FETCH, OP_READ, OP_WRITE, OP_INS, OP_L2_CODE };
static const char * const op_name[] = {
	"fetch", "read", "write", "rep insb (emulated write)", "C code",
};

static const u16 stub_at[] = { STUB_FETCH, STUB_READ, STUB_WRITE, STUB_INS };
/* The access, after the load of the pointer (and, for insb, its operands) */
static const u16 stub_access[] = { 7, 7, 7, 20 };
static const u16 stub_vmmcall[] = {
	STUB_FETCH + sizeof(stub_fetch) - 3,
	STUB_READ + sizeof(stub_read) - 3,
	STUB_WRITE + sizeof(stub_write) - 3,
	STUB_INS + sizeof(stub_ins) - 3,
};

/* Host-side actions (GUEST_SYNC_ARGS from L1, or from L2). */
enum sync {
	SYNC_GROUP_START = 1,	/* arg: the group */
	SYNC_GROUP_END,		/* arg: the group */
	SYNC_CASE_FAILED,	/* arg: the case; L1 goes on */
	SYNC_IN_L2,		/* KVM_GET/SET_NESTED_STATE now */
	SYNC_BASELINE_2M,	/* arg: the case; read pages_2m before it */
};

/* The primed groups: L0's shadow entry present before the CPL<3 fetches */
#define PRIMED		"L0's entry present first (CPL3 read and fetch, then CPL0-2 fetches)"

struct gmet_case {
	/* Set by the host. */
	u64 target;		/* the test page: L2 linear = L2 physical */
	u64 npte[4];		/* the NPT entries translating it, PML4E first */
	u8 nr_npte;
	u8 op;
	u8 cpl;
	u8 gmet;		/* GMET applies: offered to L1 and on in vmcb12 */
	u8 group;
	u8 leaf_level;		/* PG_LEVEL_4K or PG_LEVEL_2M, for the name */
	u8 us0_level;		/* the non-leaf level with U/S=0, or 0 */
	u8 primed;		/* in a primed group, for the name */
	u8 baseline_2m;		/* L1 syncs SYNC_BASELINE_2M before it */
	/* Set by L1. */
	u8 failed;
	u64 exit_code;
	u64 info1;
	u64 info2;
	u64 rip;
};

struct gmet_group {
	u64 first;
	u64 nr;
	u64 nested_ctl;
	u64 ncr3;
	u64 gmet;		/* GMET applies (host only) */
	u64 want_2m;		/* 2 MiB leaves L0 must map anew (host only) */
};

#define MAX_CASES	1024
#define MAX_GROUPS	12

/* Shared by the host and L1. */
struct gmet_test {
	u64 mask_fetch_us;	/* -u */
	u64 nr_groups;
	u64 nr;
	u64 current;		/* the case L1 runs, for the alarm */
	struct gmet_group g[MAX_GROUPS];
	struct gmet_case c[MAX_CASES];
};

/**
 * expect_exit - what L1 must see after one case, from the APM
 * @c: the case: the NPT entries of the translation, the access, the CPL,
 *	whether GMET applies
 * @info1: set to the expected EXITINFO1 of a #NPF (its NPF_CHECKED bits)
 *
 * A pure function, run by L1 to check and by the host to report.
 *
 * Return: SVM_EXIT_VMMCALL if the access succeeds, else SVM_EXIT_NPF.
 */
static u32 expect_exit(const struct gmet_case *c, u64 *info1)
{
	bool fetch = c->op == OP_FETCH, user = true, writable = true, nx = false;
	bool write = c->op == OP_WRITE || c->op == OP_INS;
	bool fault;
	int i;

	*info1 = 0;
	/* L2's own code on L1's pages (U/S=0 with GMET): it runs to VMMCALL. */
	if (c->op == OP_L2_CODE)
		return SVM_EXIT_VMMCALL;

	/* 15.25.5: every level of the walk; U/S and R/W ANDed, NX ORed. */
	for (i = 0; i < c->nr_npte; i++) {
		user = user && (c->npte[i] & NPT_US);
		writable = writable && (c->npte[i] & NPT_RW);
		nx = nx || (c->npte[i] & NPT_NX);
	}
	if (c->gmet)
		/* Table 15-21: U/S=1 is not executable at CPL<3; nothing else. */
		fault = fetch && c->cpl < 3 && user;
	else
		/* 15.25.5: all nested accesses are user accesses. */
		fault = !user;
	/* R/W and NX as in x86 paging; L1's EFER.NXE is 1. */
	fault = fault || (write && !writable) || (fetch && nx);
	if (!fault)
		return SVM_EXIT_VMMCALL;

	/* 15.25.6: a protection fault on the final guest physical address. */
	*info1 = NPF_P | NPF_FINAL_GPA;
	if (write)
		*info1 |= NPF_RW;
	if (fetch)
		*info1 |= NPF_ID;
	/*
	 * Without GMET a user access (15.25.6); with GMET the access's mode,
	 * fetch or data: 1 iff CPL3 (15.25.13; Linux 7.2, erratum 1218's title).
	 */
	if (!c->gmet || c->cpl == 3)
		*info1 |= NPF_US;
	return SVM_EXIT_NPF;
}

#define NPF_CHECKED	(NPF_P | NPF_RW | NPF_US | NPF_RSV | NPF_ID | NPF_FINAL_GPA | NPF_PT_WALK)

/**
 * info1_mask - the EXITINFO1 bits a case compares
 * @c: the case
 * @mask_fetch_us: -u: leave out US of fetch faults under GMET (erratum 1218)
 *
 * Return: the mask.
 */
static u64 info1_mask(const struct gmet_case *c, bool mask_fetch_us)
{
	if (mask_fetch_us && c->gmet && c->op == OP_FETCH)
		return NPF_CHECKED & ~NPF_US;
	return NPF_CHECKED;
}

/**
 * expected_rip - L2's RIP at the exit L1 must see
 * @c: the case
 * @exit_code: the expected exit
 *
 * VMMCALL exits at the stub's VMMCALL, a #NPF at the faulting instruction:
 * the ret on the test page, or the stub's access.
 *
 * Return: the address.
 */
static u64 expected_rip(const struct gmet_case *c, u32 exit_code)
{
	if (exit_code == SVM_EXIT_VMMCALL)
		return CODE_GPA + stub_vmmcall[c->op];
	return c->op == OP_FETCH ? c->target :
	       CODE_GPA + stub_at[c->op] + stub_access[c->op];
}

/**
 * expected_gpa - EXITINFO2 of the #NPF: the address L2 accessed
 * @c: the case
 *
 * Return: the address.
 */
static u64 expected_gpa(const struct gmet_case *c)
{
	return c->op == OP_FETCH ? c->target : c->target + DATA_OFFSET;
}

/**
 * info2_mask - the EXITINFO2 bits a case compares
 * @c: the case
 *
 * KVM's own walk of L1's NPT, for an access that L0 emulates (the rep
 * insb), translates the page frame of the access (gfn_to_gpa() in
 * paging_tmpl.h, 6.1 as upstream), so the #NPF it reflects names the
 * page, not the byte: only the page is compared.
 *
 * Return: the mask.
 */
static u64 info2_mask(const struct gmet_case *c)
{
	return c->op == OP_INS ? ~(u64)(PAGE_SIZE - 1) : ~0ULL;
}

/**
 * case_ok - whether L1 saw what it must
 * @c: the case, with the exit L1 recorded
 * @mask_fetch_us: -u
 *
 * Return: true if exit code, RIP and, for #NPF, EXITINFO1 and 2 match.
 */
static bool case_ok(const struct gmet_case *c, bool mask_fetch_us)
{
	u64 info1;
	u32 exit_code = expect_exit(c, &info1);

	if (c->exit_code != exit_code)
		return false;
	if (c->op == OP_L2_CODE)
		return true;
	if (c->rip != expected_rip(c, exit_code))
		return false;
	if (exit_code == SVM_EXIT_VMMCALL)
		return true;
	return (c->info1 & info1_mask(c, mask_fetch_us)) == info1 &&
	       (c->info2 & info2_mask(c)) == (expected_gpa(c) & info2_mask(c));
}

/**
 * l2_sync_code - L2 for the nested state round trip
 *
 * Stops in L2 with a ucall (L1 does not intercept I/O, so it goes to L0
 * and to userspace, the vCPU in guest mode), then exits to L1.
 */
static void l2_sync_code(void)
{
	GUEST_SYNC_ARGS(SYNC_IN_L2, 0, 0, 0, 0);
	vmmcall();
}

/**
 * l1_run_case - run L2 once, for one access, and check the exit
 * @svm: L1's SVM pages
 * @t: the cases
 * @i: the case to run
 * @cs0: CS of L2 at CPL0, as generic_svm_setup() made it
 * @ss0: SS of L2 at CPL0
 *
 * L2 starts afresh at the case's stub each time, so nothing needs to be
 * fixed up after a #NPF.
 */
static void l1_run_case(struct svm_test_data *svm, struct gmet_test *t, u64 i,
			const struct vmcb_seg *cs0, const struct vmcb_seg *ss0)
{
	u64 *pointer = (u64 *)(CODE_GPA + STUB_POINTER);
	struct gmet_case *c = &t->c[i];
	struct vmcb *vmcb = svm->vmcb;

	if (c->baseline_2m)
		GUEST_SYNC_ARGS(SYNC_BASELINE_2M, i, 0, 0, 0);
	if (c->op == OP_L2_CODE) {
		vmcb->save.rip = (u64)l2_sync_code;
	} else {
		*pointer = c->op == OP_FETCH ? c->target : c->target + DATA_OFFSET;
		vmcb->save.rip = CODE_GPA + stub_at[c->op];
	}
	/* As if called: the ABI's stack alignment for l2_sync_code(). */
	vmcb->save.rsp = STACK_TOP - 8;
	vmcb->save.cs = *cs0;
	vmcb->save.ss = *ss0;
	vmcb->save.cpl = c->cpl;
	/* in and out at every CPL (IOPL 3), for the rep insb */
	vmcb->save.rflags = X86_EFLAGS_FIXED | RFLAGS_IOPL3;
	if (c->cpl) {
		/*
		 * Long-mode code and data with DPL = CPL (APM 4.8; VMCB
		 * attributes, App. B): CPL1 and CPL2 are supervisor modes
		 * like CPL0, for L1's paging (the test pages are user pages,
		 * and L1 runs without SMEP and SMAP) and for GMET.
		 */
		vmcb->save.cs.selector = (cs0->selector & ~3) | c->cpl;
		vmcb->save.cs.attrib = (cs0->attrib & ~SVM_SELECTOR_DPL_MASK) |
				       (c->cpl << SVM_SELECTOR_DPL_SHIFT);
		vmcb->save.ss.selector = (vmcb->save.ds.selector & ~3) | c->cpl;
		vmcb->save.ss.attrib = (ss0->attrib & ~SVM_SELECTOR_DPL_MASK) |
				       (c->cpl << SVM_SELECTOR_DPL_SHIFT);
	}

	t->current = i;
	run_guest(vmcb, svm->vmcb_gpa);
	c->exit_code = vmcb->control.exit_code;
	c->info1 = vmcb->control.exit_info_1;
	c->info2 = vmcb->control.exit_info_2;
	c->rip = vmcb->save.rip;
	if (!case_ok(c, t->mask_fetch_us)) {
		c->failed = 1;
		GUEST_SYNC_ARGS(SYNC_CASE_FAILED, i, 0, 0, 0);
	}
}

/**
 * l1_guest_code - the L1 hypervisor: every group, every case, in order
 * @svm: its SVM pages
 * @t: the cases
 */
static void l1_guest_code(struct svm_test_data *svm, struct gmet_test *t)
{
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_seg cs0, ss0;
	u64 g, i;

	GUEST_ASSERT_2(t->nr <= MAX_CASES && t->nr_groups <= MAX_GROUPS,
		       t->nr, t->nr_groups);
	generic_svm_setup(svm, NULL, (void *)STACK_TOP);
	/* VMMCALL is intercepted already; L2's faults must reach L1 too. */
	vmcb->control.intercept |= BIT_ULL(INTERCEPT_SHUTDOWN);
	vmcb->control.intercept_exceptions = BIT(UD_VECTOR) | BIT(DF_VECTOR) |
					     BIT(GP_VECTOR) | BIT(PF_VECTOR);
	cs0 = vmcb->save.cs;
	ss0 = vmcb->save.ss;

	for (g = 0; g < t->nr_groups; g++) {
		const struct gmet_group *grp = &t->g[g];

		GUEST_SYNC_ARGS(SYNC_GROUP_START, g, 0, 0, 0);
		vmcb->control.nested_ctl = grp->nested_ctl;
		vmcb->control.nested_cr3 = grp->ncr3;
		/* Another NPT or GMET setting: flush what L2 may have cached. */
		vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
		for (i = grp->first; i < grp->first + grp->nr; i++) {
			l1_run_case(svm, t, i, &cs0, &ss0);
			vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
		}
		GUEST_SYNC_ARGS(SYNC_GROUP_END, g, 0, 0, 0);
	}
	GUEST_DONE();
}

/* Host side. */

static char group_name[MAX_GROUPS][128];
static struct gmet_test *alarm_test;	/* the VM's cases, for the alarm */
static unsigned int group_timeout = 60;
static int nr_cases, nr_failed;

/* Failed cases printed in full; the rest are counted (the guest keeps 150 lines) */
#define MAX_REPORTED	10
static int nr_reported;

/**
 * leaf_perms - the U/S, NX and R/W of one matrix leaf
 * @k: 0 to NR_PERMS - 1; bit 0 U/S, bit 1 NX, bit 2 R/W
 *
 * Return: the NPT bits.
 */
static u64 leaf_perms(int k)
{
	return (k & 1 ? NPT_US : 0) | (k & 2 ? NPT_NX : 0) | (k & 4 ? NPT_RW : 0);
}

/**
 * case_name - a case in words
 * @t: the cases
 * @i: the case
 * @buf: where to write
 * @size: its size
 */
static void case_name(const struct gmet_test *t, u64 i, char *buf, size_t size)
{
	const struct gmet_case *c = &t->c[i];
	u64 leaf = c->npte[c->nr_npte ? c->nr_npte - 1 : 0];

	if (c->op == OP_L2_CODE) {
		snprintf(buf, size, "%s: L2 at CPL0 stops in a ucall, then VMMCALL",
			 group_name[c->group]);
		return;
	}
	snprintf(buf, size, "%s: CPL%d %s, %s leaf U/S=%d NX=%d RW=%d%s%s",
		 group_name[c->group], c->cpl, op_name[c->op],
		 c->leaf_level == PG_LEVEL_2M ? "2M" : "4K", !!(leaf & NPT_US),
		 !!(leaf & NPT_NX), !!(leaf & NPT_RW),
		 c->us0_level == PG_LEVEL_2M ? " under a PDE with U/S=0" :
		 c->us0_level == PG_LEVEL_1G ? " under a PDPTE with U/S=0" : "",
		 c->primed ? " (L0's entry present)" : "");
}

/**
 * report_failure - print what a failed case expected and what L1 saw
 * @t: the cases
 * @i: the case
 *
 * Only the first MAX_REPORTED failures are printed; main() counts the rest.
 */
static void report_failure(const struct gmet_test *t, u64 i)
{
	const struct gmet_case *c = &t->c[i];
	char name[256], want[192];
	u64 info1;
	u32 exit_code = expect_exit(c, &info1);

	if (++nr_reported > MAX_REPORTED)
		return;
	case_name(t, i, name, sizeof(name));
	if (c->op == OP_L2_CODE)
		snprintf(want, sizeof(want), "a VMMCALL exit");
	else if (exit_code == SVM_EXIT_VMMCALL)
		snprintf(want, sizeof(want), "VMMCALL exit at 0x%lx",
			 expected_rip(c, exit_code));
	else
		snprintf(want, sizeof(want),
			 "#NPF EXITINFO1 0x%lx (mask 0x%lx) EXITINFO2 0x%lx (mask 0x%lx) at 0x%lx",
			 info1, info1_mask(c, t->mask_fetch_us), expected_gpa(c),
			 info2_mask(c), expected_rip(c, exit_code));
	printf("FAIL %s: expected %s; L1 got exit 0x%lx EXITINFO1 0x%lx EXITINFO2 0x%lx at 0x%lx",
	       name, want, c->exit_code, c->info1, c->info2, c->rip);
	printf(" (NPT %lx %lx %lx %lx)\n", c->npte[0], c->npte[1], c->npte[2], c->npte[3]);
}

/**
 * on_alarm - SIGALRM: a case group took too long, most likely a vCPU
 *	that never returns from KVM_RUN; name the case and fail
 * @sig: SIGALRM
 *
 * KVM_RUN returns -EINTR to deliver the signal, and the library's
 * vcpu_run() would just retry, so the handler ends the test itself.  It
 * formats with snprintf(): the main thread is in the KVM_RUN ioctl, not in
 * stdio, when the signal arrives.
 */
static void on_alarm(int sig)
{
	const struct gmet_test *t = alarm_test;
	char msg[400], name[256] = "before the first case";
	int n;

	if (t && t->current < t->nr)
		case_name(t, t->current, name, sizeof(name));
	n = snprintf(msg, sizeof(msg),
		     "FAIL svm_gmet_test: no progress for %u s (-t) in %s\n",
		     group_timeout, name);
	if (write(STDOUT_FILENO, msg, n) < 0)
		_exit(KSFT_FAIL);
	_exit(KSFT_FAIL);
}

/**
 * add_group - start a case group: one NPT, one nested_ctl
 * @t: the cases
 * @name: printed with its cases
 * @nested_ctl: vmcb12's nested_ctl
 * @ncr3: vmcb12's nCR3: the NPT
 * @offered: L1's CPUID has GMET; with bit 3 of @nested_ctl, GMET applies
 */
static void add_group(struct gmet_test *t, const char *name, u64 nested_ctl,
		      u64 ncr3, bool offered)
{
	struct gmet_group *g;

	TEST_ASSERT(t->nr_groups < MAX_GROUPS, "too many groups");
	snprintf(group_name[t->nr_groups], sizeof(group_name[0]), "%s", name);
	g = &t->g[t->nr_groups++];
	g->first = t->nr;
	g->nr = 0;
	g->nested_ctl = nested_ctl;
	g->ncr3 = ncr3;
	g->gmet = offered && (nested_ctl & SVM_NESTED_CTL_GMET_ENABLE);
	g->want_2m = 0;
}

/**
 * add_case - one access of L2, in the last group
 * @vm: the VM
 * @t: the cases
 * @target: the test page
 * @op: the access
 * @cpl: L2's CPL
 * @leaf_level: the NPT leaf's level
 * @us0_level: the non-leaf level with U/S=0, or 0
 *
 * The NPT entries of the case are read back from the group's NPT.
 */
static void add_case(struct kvm_vm *vm, struct gmet_test *t, u64 target,
		     enum op op, int cpl, int leaf_level, int us0_level)
{
	struct gmet_group *g = &t->g[t->nr_groups - 1];
	struct gmet_case *c;

	TEST_ASSERT(t->nr < MAX_CASES, "too many cases");
	c = &t->c[t->nr++];
	g->nr++;
	c->target = target;
	c->op = op;
	c->cpl = cpl;
	c->gmet = g->gmet;
	c->group = t->nr_groups - 1;
	c->leaf_level = leaf_level;
	c->us0_level = us0_level;
	if (op != OP_L2_CODE)
		c->nr_npte = npt_walk(vm, g->ncr3, target, c->npte);
}

/**
 * add_accesses - fetch, read, write and emulated write at every CPL of
 *	one test page
 * @vm: the VM
 * @t: the cases
 * @target: the test page
 * @leaf_level: its NPT leaf's level
 * @us0_level: the non-leaf level with U/S=0, or 0
 *
 * Fetches go first, CPL0 first: the CPL<3 fetches of a page meet L0's
 * shadow entry not present, and KVM's walk of L1's NPT decides them.
 */
static void add_accesses(struct kvm_vm *vm, struct gmet_test *t, u64 target,
			 int leaf_level, int us0_level)
{
	int op, cpl;

	for (op = OP_FETCH; op <= OP_INS; op++)
		for (cpl = 0; cpl < NR_CPLS; cpl++)
			add_case(vm, t, target, op, cpl, leaf_level, us0_level);
}

/**
 * add_primed - a CPL3 read and fetch of one test page, then its CPL0, 1
 *	and 2 fetches
 * @vm: the VM
 * @t: the cases
 * @target: the test page
 * @leaf_level: its NPT leaf's level
 *
 * Every page is readable at CPL3 under GMET, so the read makes L0's
 * shadow entry present (with L1's U/S, NX and R/W, and GMET on in vmcb02)
 * and the CPU's own GMET check decides the CPL<3 fetches: a #NPF that L0
 * must reflect to L1 after its erratum 1218 workaround, or no exit.
 */
static void add_primed(struct kvm_vm *vm, struct gmet_test *t, u64 target,
		       int leaf_level)
{
	int cpl, first = t->nr;

	add_case(vm, t, target, OP_READ, 3, leaf_level, 0);
	add_case(vm, t, target, OP_FETCH, 3, leaf_level, 0);
	for (cpl = 0; cpl < 3; cpl++)
		add_case(vm, t, target, OP_FETCH, cpl, leaf_level, 0);
	for (; first < t->nr; first++)
		t->c[first].primed = 1;
}

/**
 * add_primed_groups - two groups of add_primed(): every 4K, every 2M leaf
 * @vm: the VM
 * @t: the cases
 * @ncr3: an NPT with GMET that no group used yet, so that every leaf's
 *	shadow entry is made anew by its first access
 */
static void add_primed_groups(struct kvm_vm *vm, struct gmet_test *t, u64 ncr3)
{
	const u64 np_gmet = SVM_NESTED_CTL_NP_ENABLE | SVM_NESTED_CTL_GMET_ENABLE;
	int k;

	add_group(t, "GMET on, 4K leaves, " PRIMED, np_gmet, ncr3, true);
	for (k = 0; k < NR_PERMS; k++)
		add_primed(vm, t, MATRIX_4K_GPA + k * PAGE_SIZE, PG_LEVEL_4K);
	add_group(t, "GMET on, 2M leaves, " PRIMED, np_gmet, ncr3, true);
	t->g[t->nr_groups - 1].want_2m = 1;
	for (k = 0; k < NR_PERMS; k++)
		add_primed(vm, t, MATRIX_2M_GPA + k * PG_SIZE_2M, PG_LEVEL_2M);
}

/**
 * add_matrix - three groups: 4K leaves, 2M leaves, U/S=0 above the leaf
 * @vm: the VM
 * @t: the cases
 * @what: the groups' name
 * @nested_ctl: vmcb12's nested_ctl
 * @ncr3: the NPT
 * @offered: L1's CPUID has GMET
 */
static void add_matrix(struct kvm_vm *vm, struct gmet_test *t, const char *what,
		       u64 nested_ctl, u64 ncr3, bool offered)
{
	char name[64];
	int k;

	snprintf(name, sizeof(name), "%s, 4K leaves", what);
	add_group(t, name, nested_ctl, ncr3, offered);
	for (k = 0; k < NR_PERMS; k++)
		add_accesses(vm, t, MATRIX_4K_GPA + k * PAGE_SIZE, PG_LEVEL_4K, 0);
	snprintf(name, sizeof(name), "%s, 2M leaves", what);
	add_group(t, name, nested_ctl, ncr3, offered);
	/* The first group of this VM and NPT to touch the 2M leaves */
	t->g[t->nr_groups - 1].want_2m = 1;
	for (k = 0; k < NR_PERMS; k++)
		add_accesses(vm, t, MATRIX_2M_GPA + k * PG_SIZE_2M, PG_LEVEL_2M, 0);
	snprintf(name, sizeof(name), "%s, U/S=0 above the leaf", what);
	add_group(t, name, nested_ctl, ncr3, offered);
	add_accesses(vm, t, PDE_US0_GPA, PG_LEVEL_4K, PG_LEVEL_2M);
	add_accesses(vm, t, PDPTE_US0_GPA, PG_LEVEL_2M, PG_LEVEL_1G);
}

/**
 * build_npt - an NPT that identity-maps L1's memory and the test pages
 * @vm: the VM
 * @base: NPT_RW and NPT_US of everything but the test pages: L2's code,
 *	stack and page tables
 *
 * With GMET, L2's code must be U/S=0 to run at CPL0; without, U/S=1 to
 * run at all.  The test pages are the same in every NPT: the matrix
 * leaves, and U/S=1 R/W leaves under a PDE and a PDPTE with U/S=0.
 *
 * Return: its root, for nCR3.
 */
static u64 build_npt(struct kvm_vm *vm, u64 base)
{
	struct userspace_mem_region *slot0 = memslot2region(vm, 0);
	u64 root = npt_alloc_root(vm);
	int k;

	npt_map_range(vm, root, slot0->region.guest_phys_addr,
		      slot0->region.memory_size, base);
	npt_set_leaf(vm, root, CODE_GPA, PG_LEVEL_4K, base);
	npt_set_leaf(vm, root, STACK_GPA, PG_LEVEL_4K, base);
	for (k = 0; k < NR_PERMS; k++) {
		npt_set_leaf(vm, root, MATRIX_4K_GPA + k * PAGE_SIZE, PG_LEVEL_4K,
			     leaf_perms(k));
		npt_set_leaf(vm, root, MATRIX_2M_GPA + k * PG_SIZE_2M, PG_LEVEL_2M,
			     leaf_perms(k));
	}
	npt_set_leaf(vm, root, PDE_US0_GPA, PG_LEVEL_4K, NPT_US | NPT_RW);
	npt_set_upper(vm, root, PDE_US0_GPA, PG_LEVEL_2M, NPT_US, 0);
	npt_set_leaf(vm, root, PDPTE_US0_GPA, PG_LEVEL_2M, NPT_US | NPT_RW);
	npt_set_upper(vm, root, PDPTE_US0_GPA, PG_LEVEL_1G, NPT_US, 0);
	return root;
}

/**
 * map_test_page - map a page for L2 in L1's page tables, user-mode
 * @vm: the VM
 * @gpa: the page (linear = physical)
 * @code: its first byte, or 0 to leave it
 */
static void map_test_page(struct kvm_vm *vm, u64 gpa, u8 code)
{
	virt_pg_map(vm, gpa, gpa);
	guest_set_user(vm, gpa, true);
	if (code)
		*(u8 *)addr_gpa2hva(vm, gpa) = code;
}

/**
 * setup_memory - the test pages, L1's mappings of them and L2's stubs
 * @vm: the VM
 */
static void setup_memory(struct kvm_vm *vm)
{
	u8 *code;
	int k;

	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS_THP, TEST_GPA,
				    TEST_SLOT, TEST_SIZE / PAGE_SIZE, 0);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS_THP, PDPTE_US0_GPA,
				    PDPTE_SLOT, PG_SIZE_2M / PAGE_SIZE, 0);
	map_test_page(vm, CODE_GPA, 0);
	map_test_page(vm, STACK_GPA, 0);
	for (k = 0; k < NR_PERMS; k++) {
		map_test_page(vm, MATRIX_4K_GPA + k * PAGE_SIZE, RET_INSN);
		map_test_page(vm, MATRIX_2M_GPA + k * PG_SIZE_2M, RET_INSN);
	}
	map_test_page(vm, PDE_US0_GPA, RET_INSN);
	map_test_page(vm, PDPTE_US0_GPA, RET_INSN);

	code = addr_gpa2hva(vm, CODE_GPA);
	memcpy(code + STUB_FETCH, stub_fetch, sizeof(stub_fetch));
	memcpy(code + STUB_READ, stub_read, sizeof(stub_read));
	memcpy(code + STUB_WRITE, stub_write, sizeof(stub_write));
	memcpy(code + STUB_INS, stub_ins, sizeof(stub_ins));
}

/**
 * nested_state_has_gmet - a saved nested state: in L2, NPT and GMET on
 * @state: from vcpu_save_state()
 *
 * Return: whether the saved vmcb12 control area (struct
 * kvm_svm_nested_state_data) has NP_ENABLE and GMET in nested_ctl.
 */
static bool nested_state_has_gmet(const struct kvm_x86_state *state)
{
	const u64 want = SVM_NESTED_CTL_NP_ENABLE | SVM_NESTED_CTL_GMET_ENABLE;
	struct vmcb_control_area ctl;

	if (state->nested.format != KVM_STATE_NESTED_FORMAT_SVM ||
	    !(state->nested.flags & KVM_STATE_NESTED_GUEST_MODE) ||
	    state->nested.size < sizeof(state->nested) + sizeof(ctl))
		return false;
	memcpy(&ctl, state->nested.data.svm[0].vmcb12, sizeof(ctl));
	return (ctl.nested_ctl & want) == want;
}

/**
 * host_check - a check of the host's own, counted with the cases
 * @ok: its outcome
 * @what: what it checks
 */
static void host_check(bool ok, const char *what)
{
	nr_cases++;
	if (!ok)
		nr_failed++;
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
}

/**
 * nested_state_round_trip - move the vCPU, stopped in L2 with GMET in
 *	vmcb12, into a new VM with KVM_GET/SET_NESTED_STATE
 * @vm: the VM, recreated with the same memory
 * @vcpu: its vCPU
 *
 * The cases after it check that GMET still applies to L2.
 *
 * Return: the new vCPU.
 */
static struct kvm_vcpu *nested_state_round_trip(struct kvm_vm *vm,
						struct kvm_vcpu *vcpu)
{
	struct kvm_x86_state *state = vcpu_save_state(vcpu);

	host_check(nested_state_has_gmet(state),
		   "KVM_GET_NESTED_STATE in L2: guest mode, vmcb12 nested_ctl has NP_ENABLE and GMET");
	/* vm_get_stat() must read the new VM's statistics, not the old one's */
	if (vm->stats_fd) {
		close(vm->stats_fd);
		free(vm->stats_desc);
		vm->stats_fd = 0;
		vm->stats_desc = NULL;
	}
	kvm_vm_release(vm);
	vcpu = vm_recreate_with_one_vcpu(vm);
	vcpu_load_state(vcpu, state);
	kvm_x86_state_cleanup(state);
	state = vcpu_save_state(vcpu);
	host_check(nested_state_has_gmet(state),
		   "KVM_SET_NESTED_STATE into a new VM: vmcb12 nested_ctl still has GMET");
	kvm_x86_state_cleanup(state);
	return vcpu;
}

/**
 * leaves_2m_mapped - how many 2M leaves of a group L0 must map
 * @t: the cases
 * @grp: the group
 *
 * Return: the number of distinct 2M test pages with at least one access
 * that runs to VMMCALL.
 */
static int leaves_2m_mapped(const struct gmet_test *t, const struct gmet_group *grp)
{
	u64 seen[MAX_CASES], i, info1;
	int n = 0, j;

	for (i = grp->first; i < grp->first + grp->nr; i++) {
		const struct gmet_case *c = &t->c[i];

		if (c->op == OP_L2_CODE || c->leaf_level != PG_LEVEL_2M ||
		    expect_exit(c, &info1) != SVM_EXIT_VMMCALL)
			continue;
		for (j = 0; j < n && seen[j] != c->target; j++)
			;
		if (j == n)
			seen[n++] = c->target;
	}
	return n;
}

/**
 * group_summary - the checks and the one line of a finished group
 * @vm: the VM (the current one, after a nested state round trip)
 * @t: the cases
 * @g: the group
 * @base_2m: the VM's pages_2m before the group's first 2M access
 *
 * A group with want_2m must have made a 2 MiB entry in L0 for each 2M
 * leaf that an access of L2 reached (the VM's pages_2m statistic counts
 * them; it is at least that much higher now, L1's own 2 MiB entries
 * aside): else its 2M cases ran on 4 KiB entries, and the group fails.
 * The line is "PASS group: <name>" or "FAIL group: <name>", for the
 * host-side test to find each group by name.
 */
static void group_summary(struct kvm_vm *vm, const struct gmet_test *t, u64 g,
			  u64 base_2m)
{
	const struct gmet_group *grp = &t->g[g];
	char huge[96] = "";
	bool huge_ok = true;
	int failed = 0, want;
	u64 i, now;

	for (i = grp->first; i < grp->first + grp->nr; i++)
		failed += t->c[i].failed;
	nr_cases += grp->nr;
	if (grp->want_2m) {
		want = leaves_2m_mapped(t, grp);
		now = vm_get_stat(vm, "pages_2m");
		huge_ok = now >= base_2m + want;
		snprintf(huge, sizeof(huge), ", pages_2m %lu -> %lu for %d 2M leaves%s",
			 base_2m, now, want,
			 huge_ok ? "" : ": L0 mapped them with 4K entries (no THP?)");
		nr_cases++;
		nr_failed += !huge_ok;
	}
	nr_failed += failed;
	printf("%s group: %s: %lu cases, %d failed%s\n",
	       failed || !huge_ok ? "FAIL" : "PASS", group_name[g], grp->nr,
	       failed, huge);
}

/**
 * run_vm - one L1 and its case groups
 * @gmet_offered: L1's CPUID has GMET (else it is cleared); with it, the
 *	primed groups and the KVM_GET/SET_NESTED_STATE group run too
 * @mask_fetch_us: -u
 */
static void run_vm(bool gmet_offered, bool mask_fetch_us)
{
	const u64 np_gmet = SVM_NESTED_CTL_NP_ENABLE | SVM_NESTED_CTL_GMET_ENABLE;
	vm_vaddr_t svm_gva, t_gva;
	struct kvm_vcpu *vcpu;
	struct gmet_test *t;
	u64 plain, gmet, g, ended = 0, base_2m = 0;
	struct kvm_vm *vm;
	struct ucall uc;

	/* the cases, and five NPTs */
	vm = __vm_create_with_one_vcpu(&vcpu, 256, l1_guest_code);
	if (!gmet_offered)
		vcpu_clear_cpuid_feature(vcpu, X86_FEATURE_GMET);
	vcpu_alloc_svm(vm, &svm_gva);
	t_gva = vm_vaddr_alloc(vm, sizeof(*t), KVM_UTIL_MIN_VADDR);
	t = addr_gva2hva(vm, t_gva);
	memset(t, 0, sizeof(*t));
	t->mask_fetch_us = mask_fetch_us;
	t->current = ~0ULL;
	setup_memory(vm);

	plain = build_npt(vm, NPT_RW | NPT_US);
	if (!gmet_offered) {
		/* L1 sets GMET anyway: it must be plain nested paging. */
		add_matrix(vm, t, "GMET not in L1's CPUID, set in vmcb12", np_gmet, plain, false);
	} else {
		gmet = build_npt(vm, NPT_RW);
		add_matrix(vm, t, "GMET on", np_gmet, gmet, true);
		add_matrix(vm, t, "GMET off in vmcb12", SVM_NESTED_CTL_NP_ENABLE, plain, true);
		add_primed_groups(vm, t, build_npt(vm, NPT_RW));
		add_group(t, "GMET on, KVM_GET/SET_NESTED_STATE in L2", np_gmet,
			  gmet, true);
		t->g[t->nr_groups - 1].want_2m = 1;
		add_case(vm, t, 0, OP_L2_CODE, 0, 0, 0);
		/*
		 * In the new VM, L0's shadow entries are all new.  U/S=1 NX=0
		 * RW=1: no CPL<3 fetch, before (KVM's walk) and after a CPL3
		 * read and fetch (the CPU's check), 4K and 2M; U/S=0: any fetch.
		 */
		add_case(vm, t, MATRIX_4K_GPA + 5 * PAGE_SIZE, OP_FETCH, 0, PG_LEVEL_4K, 0);
		add_primed(vm, t, MATRIX_4K_GPA + 5 * PAGE_SIZE, PG_LEVEL_4K);
		add_case(vm, t, MATRIX_4K_GPA + 4 * PAGE_SIZE, OP_FETCH, 0, PG_LEVEL_4K, 0);
		add_case(vm, t, MATRIX_2M_GPA + 5 * PG_SIZE_2M, OP_FETCH, 0, PG_LEVEL_2M, 0);
		/* pages_2m from here: L1's own memory is mapped again by now */
		t->c[t->nr - 1].baseline_2m = 1;
		add_primed(vm, t, MATRIX_2M_GPA + 5 * PG_SIZE_2M, PG_LEVEL_2M);
	}
	vcpu_args_set(vcpu, 2, svm_gva, t_gva);

	alarm_test = t;
	alarm(group_timeout);
	for (;;) {
		char name[256];

		vcpu_run(vcpu);
		if (vcpu->run->exit_reason == KVM_EXIT_IO &&
		    vcpu->run->io.port == INS_PORT) {
			/* L2's rep insb, which L0 emulates: give it its byte */
			TEST_ASSERT(vcpu->run->io.direction == KVM_EXIT_IO_IN &&
				    vcpu->run->io.size == 1,
				    "L2's port 0x%x: direction %u size %u", INS_PORT,
				    vcpu->run->io.direction, vcpu->run->io.size);
			memset((u8 *)vcpu->run + vcpu->run->io.data_offset, INS_BYTE,
			       vcpu->run->io.count);
			continue;
		}
		if (vcpu->run->exit_reason != KVM_EXIT_IO) {
			if (t->current < t->nr)
				case_name(t, t->current, name, sizeof(name));
			else
				snprintf(name, sizeof(name), "no case");
			TEST_FAIL("L1 exited to userspace with %u (%s), in %s",
				  vcpu->run->exit_reason,
				  exit_reason_str(vcpu->run->exit_reason), name);
		}
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT_2(uc, "values 0x%lx 0x%lx");
			break;
		case UCALL_SYNC:
			g = uc.args[2];
			switch (uc.args[1]) {
			case SYNC_GROUP_START:
				alarm(group_timeout);
				base_2m = vm_get_stat(vm, "pages_2m");
				break;
			case SYNC_GROUP_END:
				TEST_ASSERT(g < t->nr_groups, "L1 ended group %lu", g);
				group_summary(vm, t, g, base_2m);
				ended++;
				break;
			case SYNC_BASELINE_2M:
				base_2m = vm_get_stat(vm, "pages_2m");
				break;
			case SYNC_CASE_FAILED:
				TEST_ASSERT(g < t->nr, "L1 failed case %lu", g);
				report_failure(t, g);
				break;
			case SYNC_IN_L2:
				vcpu = nested_state_round_trip(vm, vcpu);
				break;
			default:
				TEST_FAIL("Unknown sync %lu", uc.args[1]);
			}
			continue;
		case UCALL_DONE:
			break;
		default:
			TEST_FAIL("Unknown ucall %lu", uc.cmd);
		}
		break;
	}
	alarm(0);
	alarm_test = NULL;
	TEST_ASSERT(ended == t->nr_groups, "L1 ended %lu of %lu groups", ended,
		    t->nr_groups);
	kvm_vm_free(vm);
}

/**
 * help - the usage line
 * @name: argv[0]
 */
static void help(const char *name)
{
	printf("usage: %s [-u] [-t SECONDS]\n"
	       "  -u  mask EXITINFO1.US of fetch faults under GMET (AMD erratum 1218)\n"
	       "  -t  alarm per case group, default 60 s\n", name);
}

int main(int argc, char *argv[])
{
	bool mask_fetch_us = false;
	struct sigaction sa = { .sa_handler = on_alarm };
	int opt;

	while ((opt = getopt(argc, argv, "ut:h")) != -1) {
		switch (opt) {
		case 'u':
			mask_fetch_us = true;
			break;
		case 't':
			TEST_ASSERT(atoi(optarg) > 0, "-t needs seconds, not %s", optarg);
			group_timeout = atoi(optarg);
			break;
		default:
			help(argv[0]);
			exit(opt == 'h' ? KSFT_PASS : KSFT_FAIL);
		}
	}
	/* Line by line: the alarm's _exit() must not lose what was printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	TEST_ASSERT(!sigaction(SIGALRM, &sa, NULL), "sigaction");

	__TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM),
		       "KVM offers L1 no SVM: needs an AMD CPU and kvm_amd.nested=1");
	__TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_NPT),
		       "KVM offers L1 no nested paging: needs kvm_amd.npt=1");
	/* Nothing less than every group where KVM offers GMET. */
	TEST_ASSERT(!kvm_cpu_has(X86_FEATURE_GMET) || kvm_has_cap(KVM_CAP_NESTED_STATE),
		    "FAIL svm_gmet_test: KVM offers GMET but no KVM_CAP_NESTED_STATE: the nested state group cannot run");
	if (mask_fetch_us)
		printf("-u: EXITINFO1.US of fetch faults under GMET not compared\n");

	/* Where GMET is not in L1's CPUID, vmcb12's bit 3 is ignored. */
	run_vm(false, mask_fetch_us);
	if (!kvm_cpu_has(X86_FEATURE_GMET)) {
		if (nr_reported > MAX_REPORTED)
			printf("%d more failed cases not printed\n",
			       nr_reported - MAX_REPORTED);
		printf("svm_gmet_test: %d cases, %d failed\n", nr_cases, nr_failed);
		if (nr_failed)
			exit(KSFT_FAIL);
		ksft_exit_skip("- %s\n", GMET_NOT_OFFERED);
	}

	run_vm(true, mask_fetch_us);
	if (nr_reported > MAX_REPORTED)
		printf("%d more failed cases not printed\n", nr_reported - MAX_REPORTED);
	printf("svm_gmet_test: %d cases, %d failed\n", nr_cases, nr_failed);
	return nr_failed ? KSFT_FAIL : KSFT_PASS;
}
