// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_mbec_test: an L1 hypervisor that enables mode-based execute control
 * (MBEC) in vmcs12 and runs L2 over EPT entries of every R/W/XS/XU
 * combination at CPL0 and CPL3; again with L2's paging off (CR0.PG=0),
 * including an instruction that L0 fetches itself to emulate it; an INS
 * that L0 emulates, whose write L1's EPT refuses, right after an EPT
 * violation on a paging-structure entry (the emulator's walk must not
 * copy that violation's bits 7 and 8), and one through a page table that
 * L1's EPT does not map right after an EPT violation on a final
 * translation; the advanced information (bits 11:9) of KVM's own walks
 * against the processor's (an execute-disable page, a fetch that L0
 * emulates with L2's paging off, an INS with MBEC off in vmcs12); then
 * over 2 MiB EPT entries under the NX huge page mitigation and eager page
 * splitting (when dirty logging starts, and by KVM_CLEAR_DIRTY_LOG).
 * Also: VM entry with MBEC but without EPT fails; L1 survives
 * KVM_GET/SET_NESTED_STATE into a new VM with MBEC in vmcs12.
 *
 * All of it runs twice: first in a child process whose L1 is not offered
 * the advanced information (userspace clears IA32_VMX_EPT_VPID_CAP bit
 * 22, as QEMU does for a CPU model without it), where bits 11:9 must read
 * 0 in every case, then as KVM offers it.
 *
 * The cases are in groups, and the test ends with one line per group:
 * "group <name>: PASS", "FAIL" or "NOT RUN: <why>" (t-72 requires every
 * group to pass on the MBEC host).
 *
 * The expectations come from the Intel SDM, vol. 3C: 29.3.3.2 "EPT
 * Violations" (with MBEC, an instruction fetch from a supervisor-mode
 * linear address needs XS, bit 2, and one from a user-mode linear address
 * needs XU, bit 10, in every EPT entry of the translation; data accesses
 * ignore XU) and Table 28-7 "Exit Qualification for EPT Violations"
 * (bits 0-2 the access, 3-5 R/W/XS, 6 XU with MBEC, 7 and 8 the linear
 * address, and when bits 7 and 8 are set and the CPU reports advanced
 * VM-exit information for EPT violations, 9 user-mode, 10 writable and
 * 11 execute-disable linear address, whatever the MBEC control).  A
 * linear address is user-mode when U/S is 1 in every paging-structure
 * entry mapping it (SDM 4.6), whatever the CPL; with CR0.PG=0 it is
 * user-mode and writable.
 *
 * On a host where KVM does not offer MBEC to L1 the test checks that VM
 * entry with MBEC fails there, and reports SKIP.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "kvm_mbec_st_compat.h"
#include "vmx.h"
#include "vmx_mbec_lib.h"

#define VMX_EPT_VPID_CAP_2M_PAGES		BIT_ULL(16)
#define VMX_EPT_VPID_CAP_EXEC_ONLY		BIT_ULL(0)
#define VMX_ERROR_ENTRY_INVALID_CONTROL		7	/* SDM 31.4 */
#define VMCS12_SECONDARY_OFFSET			804	/* vmcs12.h CHECK_OFFSET */

/* L1 physical = L1 linear = L2 physical, for every test page. */
#define MATRIX_GPA	0xc0000000ULL	/* slot 1: 4 KiB pages, one per case */
#define SPLIT_GPA	0xc0200000ULL	/* slot 2: 2 MiB XS-only, dirty-logged */
#define NXHUGE_GPA	0xc0400000ULL	/* slot 3: 2 MiB XU-only */
#define CONTROL_GPA	0xc0600000ULL	/* slot 4: 2 MiB XS-only, supervisor */
#define NR_2M		4
#define CLEAR_GPA	0xc0a00000ULL	/* slot 5: 2 MiB XS-only, KVM_CLEAR_DIRTY_LOG */
#define HUGE_MATRIX_GPA	0xc1000000ULL	/* slot 6: one 2 MiB leaf per case */
#define HUGE_MATRIX_MAX	24
#define SIZE_2M		0x200000ULL
#define DATA_OFFSET	0x800		/* read and write target in a page */

#define MATRIX_SLOT	1
#define SPLIT_SLOT	2
#define NXHUGE_SLOT	3
#define CONTROL_SLOT	4
#define CLEAR_SLOT	5
#define HUGE_MATRIX_SLOT	6

/* The stub page: user-mode, R + XS + XU; L2 runs its code at CPL0 or 3. */
#define STUB_GPA	MATRIX_GPA
#define STUB_READ	0x0
#define STUB_WRITE	0x20
#define STUB_INS	0x40
#define STUB_POINTER	0x100

/*
 * OP_MMIO: an MMIO read that L0 emulates, from code on the target page.
 * OP_PT_READ: a read whose page table L1's EPT does not map.  OP_INS: an
 * INS to the target, which L0 emulates (L1 does not intercept I/O).
 * OP_PT_INS: an INS whose page table L1's EPT does not map.
 */
enum op { OP_FETCH, OP_READ, OP_WRITE, OP_MMIO, OP_PT_READ, OP_INS, OP_PT_INS };
static const char * const op_name[] = {
	"fetch", "read", "write", "emulated MMIO read",
	"read through an unmapped page table", "emulated INS write",
	"emulated INS write through an unmapped page table",
};

/* An access to a paging-structure entry, not to the final translation. */
static bool op_is_pt(int op)
{
	return op == OP_PT_READ || op == OP_PT_INS;
}

/* What the test covers, reported group by group at the end. */
enum group {
	G_4K, G_EMULATED, G_MBEC_OFF, G_PAGING_OFF, G_NESTED_STATE, G_NX_HUGE,
	G_SPLIT, G_CLEAR, G_2M, G_HIDDEN, NR_GROUPS,
};

static const char * const group_name[] = {
	"4K matrix", "emulated walks", "MBEC off in vmcs12", "paging off",
	"nested state", "NX huge pages", "dirty logging split",
	"KVM_CLEAR_DIRTY_LOG split", "2M matrix", "advanced info not offered",
};

static int group_cases[NR_GROUPS], group_checks[NR_GROUPS], group_failed[NR_GROUPS];
static const char *group_not_run[NR_GROUPS];
static enum group adding;	/* the group add_case() puts cases into */
static bool hidden;		/* the child: L1 is not offered bits 11:9 */

/* Host-side actions between two L2 runs (GUEST_SYNC from L1). */
enum sync {
	SYNC_NONE,
	SYNC_CONTROL_BASELINE,	/* before the first 2M access */
	SYNC_CONTROL_READ_DONE,	/* the read made a 2M SPTE */
	SYNC_NX_BASELINE,	/* the control's fetch split it */
	SYNC_NX_READ_DONE,	/* the read made a 2M SPTE */
	SYNC_NX_FETCH_DONE,	/* the fetch had to split it */
	SYNC_SPLIT_READ_DONE,	/* 2M SPTE made; now turn on dirty logging */
	SYNC_CLEAR_BASELINE,	/* before the read of CLEAR_SLOT */
	SYNC_CLEAR_READ_DONE,	/* 2M SPTE made; now KVM_CLEAR_DIRTY_LOG */
	SYNC_NESTED_STATE,	/* KVM_GET/SET_NESTED_STATE into a new VM */
	SYNC_MMIO_REVOKE,	/* L1's EPT takes XU from the MMIO stub, no INVEPT */
};

struct mbec_case {
	/* Set by the host. */
	u64 target;	/* L2 linear = physical address accessed */
	u64 ept;		/* the leaf's R/W/XS/XU */
	u8 op;
	u8 cpl;
	u8 paging_off;		/* L2 in 32-bit protected mode, CR0.PG = 0 */
	u8 user;		/* U/S of the guest translation of target */
	u8 nx;			/* XD of the guest translation of target */
	u8 mbec_off;		/* vmcs12 without MBEC for this case */
	u8 sync_before;
	u8 group;		/* host only */
	u8 show;		/* host only: print what L1 saw */
	u64 fault_gpa;		/* OP_PT_READ: the page table's address */
	/* Set by L1. */
	u32 exit_reason;
	u64 qual;
	u64 gpa;
};

#define MAX_CASES	300

struct mbec_cases {
	u64 unrestricted;	/* some case needs "unrestricted guest" */
	u64 nr;
	u64 done;
	struct mbec_case c[MAX_CASES];
};

/* Read and write stubs: mov rax, [rip + d]; mov rax, [rax] or mov [rax], rax; vmcall */
static const u8 stub_read[] = {
	0x48, 0x8b, 0x05, STUB_POINTER - STUB_READ - 7, 0, 0, 0,
	0x48, 0x8b, 0x00, 0x0f, 0x01, 0xc1,
};

static const u8 stub_write[] = {
	0x48, 0x8b, 0x05, STUB_POINTER - STUB_WRITE - 7, 0, 0, 0,
	0x48, 0x89, 0x00, 0x0f, 0x01, 0xc1,
};

static const u8 vmcall_insn[] = { 0x0f, 0x01, 0xc1 };

/* mov rdi, [rip + d]; mov dx, INS_PORT; insb; vmcall */
#define INS_PORT	0x1234
static const u8 stub_ins[] = {
	0x48, 0x8b, 0x3d, STUB_POINTER - STUB_INS - 7, 0, 0, 0,
	0x66, 0xba, INS_PORT & 0xff, INS_PORT >> 8, 0x6c, 0x0f, 0x01, 0xc1,
};

/* Linear address of OP_PT_READ, in a 2 MiB region of its own. */
#define PT_ALIAS_GVA	0xc0800000ULL

/*
 * 32-bit code for OP_MMIO: mov eax, [MMIO_GPA]; vmcall.  MMIO_GPA has no
 * memslot, so L0 emulates the read and fetches the instruction itself.
 */
#define MMIO_GPA	0xd0000000U
static const u8 stub_mmio[] = {
	0xa1, MMIO_GPA & 0xff, (MMIO_GPA >> 8) & 0xff, (MMIO_GPA >> 16) & 0xff,
	MMIO_GPA >> 24, 0x0f, 0x01, 0xc1,
};

/* L1's 64-bit L2 state, saved before the first case changes it. */
struct l2_long_mode {
	u64 cr0, entry_controls, efer;
};

static void l2_set_mode(const struct mbec_case *c, const struct l2_long_mode *lm)
{
	u16 rpl = c->cpl ? 3 : 0;

	vmwrite(GUEST_CS_SELECTOR, (vmreadz(HOST_CS_SELECTOR) & ~3) | rpl);
	vmwrite(GUEST_SS_SELECTOR, (vmreadz(HOST_SS_SELECTOR) & ~3) | rpl);
	if (c->paging_off) {
		/* 32-bit protected mode without paging (SDM 27.3.1.1). */
		vmwrite(GUEST_CR0, lm->cr0 & ~X86_CR0_PG);
		vmwrite(VM_ENTRY_CONTROLS, lm->entry_controls & ~VM_ENTRY_IA32E_MODE);
		vmwrite(GUEST_IA32_EFER, lm->efer & ~(EFER_LME | EFER_LMA));
		vmwrite(GUEST_CS_AR_BYTES, 0xc09b);
		vmwrite(GUEST_SS_AR_BYTES, 0xc093);
		return;
	}
	vmwrite(GUEST_CR0, lm->cr0);
	vmwrite(VM_ENTRY_CONTROLS, lm->entry_controls);
	vmwrite(GUEST_IA32_EFER, lm->efer);
	/* Long-mode code, DPL = CPL; data, DPL = CPL (SDM 27.3.1.2). */
	vmwrite(GUEST_CS_AR_BYTES, c->cpl ? 0xa0fb : 0xa09b);
	vmwrite(GUEST_SS_AR_BYTES, c->cpl ? 0xc0f3 : 0xc093);
}

/*
 * VM entry with MBEC but without EPT fails as an invalid control field
 * (SDM 27.2.1.1: MBEC requires "enable EPT"); so does MBEC where the
 * VMX capability MSRs do not allow it (27.2.1.1, reserved controls).
 */
static void l1_expect_entry_failure(u64 secondary)
{
	vmwrite(SECONDARY_VM_EXEC_CONTROL, secondary);
	GUEST_ASSERT_1(vmlaunch(), vmreadz(VM_EXIT_REASON));
	GUEST_ASSERT_1(vmreadz(VM_INSTRUCTION_ERROR) ==
		       VMX_ERROR_ENTRY_INVALID_CONTROL,
		       vmreadz(VM_INSTRUCTION_ERROR));
}

static void l1_mbec_not_offered(struct vmx_pages *vmx)
{
	GUEST_ASSERT(prepare_for_vmx_operation(vmx));
	GUEST_ASSERT(load_vmcs(vmx));
	prepare_vmcs(vmx, NULL, NULL);
	l1_expect_entry_failure(vmreadz(SECONDARY_VM_EXEC_CONTROL) |
				SECONDARY_EXEC_MODE_BASED_EPT_EXEC);
	GUEST_DONE();
}

static void l1_guest_code(struct vmx_pages *vmx, struct mbec_cases *cases)
{
	u64 *pointer = (u64 *)(STUB_GPA + STUB_POINTER);
	struct l2_long_mode lm;
	bool launched = false;
	u64 i, secondary;

	GUEST_ASSERT(prepare_for_vmx_operation(vmx));
	GUEST_ASSERT(load_vmcs(vmx));
	prepare_vmcs(vmx, NULL, NULL);
	secondary = vmreadz(SECONDARY_VM_EXEC_CONTROL) |
		    SECONDARY_EXEC_MODE_BASED_EPT_EXEC;
	if (cases->unrestricted)
		secondary |= SECONDARY_EXEC_UNRESTRICTED_GUEST;
	l1_expect_entry_failure(secondary & ~SECONDARY_EXEC_ENABLE_EPT);
	vmwrite(SECONDARY_VM_EXEC_CONTROL, secondary);
	lm.cr0 = vmreadz(GUEST_CR0);
	lm.entry_controls = vmreadz(VM_ENTRY_CONTROLS);
	lm.efer = vmreadz(GUEST_IA32_EFER);

	for (i = 0; i < cases->nr; i++) {
		struct mbec_case *c = &cases->c[i];
		int r;

		/* Before the sync: the nested state round trip checks it. */
		vmwrite(SECONDARY_VM_EXEC_CONTROL, c->mbec_off ?
			secondary & ~SECONDARY_EXEC_MODE_BASED_EPT_EXEC : secondary);
		if (c->sync_before != SYNC_NONE)
			GUEST_SYNC(c->sync_before);

		/* The stubs' data access, away from the page's vmcall. */
		*pointer = c->target + DATA_OFFSET;
		switch (c->op) {
		case OP_FETCH:
		case OP_MMIO:
			vmwrite(GUEST_RIP, c->target);
			break;
		case OP_READ:
		case OP_PT_READ:
			vmwrite(GUEST_RIP, STUB_GPA + STUB_READ);
			break;
		case OP_INS:
		case OP_PT_INS:
			vmwrite(GUEST_RIP, STUB_GPA + STUB_INS);
			break;
		default:
			vmwrite(GUEST_RIP, STUB_GPA + STUB_WRITE);
			break;
		}
		vmwrite(GUEST_RFLAGS, 2);
		l2_set_mode(c, &lm);

		r = launched ? vmresume() : vmlaunch();
		GUEST_ASSERT_1(!r, vmreadz(VM_INSTRUCTION_ERROR));
		launched = true;
		c->exit_reason = vmreadz(VM_EXIT_REASON);
		c->qual = vmreadz(EXIT_QUALIFICATION);
		c->gpa = vmreadz(GUEST_PHYSICAL_ADDRESS);
		cases->done = i + 1;
	}
	GUEST_DONE();
}

/* The expectations, from the SDM (see the top of the file). */

static bool access_allowed(const struct mbec_case *c)
{
	switch (c->op) {
	case OP_FETCH:
	case OP_MMIO:
		/* Without MBEC, bit 2 is execute for every address. */
		return c->ept & (c->user && !c->mbec_off ? EPT_XU : EPT_XS);
	case OP_READ:
		return c->ept & EPT_R;
	case OP_PT_READ:
	case OP_PT_INS:
		return false;
	default:
		return c->ept & EPT_W;
	}
}

static u64 expected_qual(const struct mbec_case *c, bool advanced)
{
	static const u64 access[] = {
		QUAL_FETCH, QUAL_READ, QUAL_WRITE, QUAL_FETCH, 0, QUAL_WRITE, 0,
	};
	u64 q = access[c->op] | QUAL_GLA_VALID | QUAL_GLA_FINAL;

	/* A paging-structure entry: bit 8 clear, nothing granted. */
	if (op_is_pt(c->op))
		return QUAL_GLA_VALID;

	q |= (c->ept & (EPT_R | EPT_W | EPT_XS)) << QUAL_PERM_SHIFT;
	if ((c->ept & EPT_XU) && !c->mbec_off)
		q |= QUAL_XU;
	/* Every translation here is writable (so is CR0.PG=0's). */
	if (advanced)
		q |= (c->user ? QUAL_USER_GLA : 0) | QUAL_WRITABLE_GLA |
		     (c->nx ? QUAL_NX_GLA : 0);
	return q;
}

static u64 expected_gpa(const struct mbec_case *c)
{
	if (op_is_pt(c->op))
		return c->fault_gpa;
	/*
	 * KVM's own walk reports the page's address, not the byte's (as
	 * stock 6.1 does, and as upstream still does).
	 */
	return c->op == OP_READ || c->op == OP_WRITE ? c->target + DATA_OFFSET : c->target;
}

/*
 * The bits of the qualification a case checks: 0-8, and 9-11 with the
 * advanced information.  For a paging-structure access, bits 9-11 are
 * undefined, and bits 0-2 depend on whether L0's EPT for L2 sets
 * accessed flags (then the walk's reads count as writes).  Without MBEC
 * in vmcs12, bit 6 is undefined, and KVM's own walks set bit 0 for every
 * data access, as stock 6.1 does (for EPT without MBEC, PFERR_USER_MASK
 * means "read", and translate_nested_gpa() sets it for every nested
 * translation); the advanced information is what these cases check.
 */
#define MBEC_OFF_UNCHECKED	(QUAL_XU | QUAL_READ)

static u64 qual_mask(const struct mbec_case *c, bool advanced)
{
	if (op_is_pt(c->op))
		return GENMASK_ULL(8, 3);
	/* Not offered: bits 11:9 must be 0 (hidden). */
	return GENMASK_ULL(advanced || hidden ? 11 : 8, 0) &
	       ~(c->mbec_off ? MBEC_OFF_UNCHECKED : 0);
}

/**
 * case_failed - say why a case failed
 * @name: the case
 * @fmt: printf format of the reason, then its arguments
 *
 * The child (advanced information not offered) says only its first
 * three, so that the parent's report still fits in the serial log.
 */
static void __printf(2, 3) case_failed(const char *name, const char *fmt, ...)
{
	static int shown;
	va_list ap;

	if (hidden && shown++ >= 3)
		return;
	printf("FAIL %s%s: ", hidden ? "(advanced info not offered) " : "", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int check_case(const struct mbec_case *c, bool advanced)
{
	u64 mask = qual_mask(c, advanced);
	char name[200];

	snprintf(name, sizeof(name), "%s: CPL%d%s%s %s of a %s%s page, EPT %c%c%c%c",
		 group_name[c->group], c->cpl, c->paging_off ? " CR0.PG=0" : "",
		 c->mbec_off ? " MBEC off" : "", op_name[c->op],
		 c->paging_off ? "any (user-mode)" : c->user ? "user" : "supervisor",
		 c->nx ? " XD" : "",
		 c->ept & EPT_R ? 'R' : '-', c->ept & EPT_W ? 'W' : '-',
		 c->ept & EPT_XS ? 'S' : '-', c->ept & EPT_XU ? 'U' : '-');

	if (c->show && !hidden)
		printf("seen %s: exit %u qual 0x%lx gpa 0x%lx\n", name,
		       c->exit_reason, c->qual & mask, c->gpa);
	if (access_allowed(c)) {
		if (c->exit_reason == EXIT_REASON_VMCALL)
			return 0;
		case_failed(name, "allowed, but L1 got exit %u qual 0x%lx gpa 0x%lx",
			    c->exit_reason, c->qual, c->gpa);
		return 1;
	}
	if (c->exit_reason != EXIT_REASON_EPT_VIOLATION) {
		case_failed(name, "must be an EPT violation, L1 got exit %u",
			    c->exit_reason);
		return 1;
	}
	if ((c->qual & mask) != expected_qual(c, advanced) ||
	    c->gpa != expected_gpa(c)) {
		case_failed(name, "qual 0x%lx gpa 0x%lx, expected 0x%lx gpa 0x%lx (mask 0x%lx)",
			    c->qual & mask, c->gpa, expected_qual(c, advanced),
			    expected_gpa(c), mask);
		return 1;
	}
	return 0;
}

static struct mbec_case *add_case(struct mbec_cases *cases, u64 target,
				  u64 ept, bool user, enum op op, int cpl)
{
	struct mbec_case *c;

	TEST_ASSERT(cases->nr < MAX_CASES, "too many cases");
	c = &cases->c[cases->nr++];
	c->group = adding;
	c->show = adding == G_EMULATED || adding == G_MBEC_OFF;
	c->target = target;
	c->ept = ept;
	c->user = user;
	c->op = op;
	c->cpl = cpl;
	return c;
}

/**
 * add_huge_read_fetch - a 2M EPT leaf, read and then fetched by L2 at CPL0
 * @vm: the VM
 * @vmx: the L1 hypervisor's pages
 * @cases: the cases to add to
 * @gpa: the 2M page; its first bytes become a vmcall
 * @perms: the leaf's R/W/XS/XU
 * @user: the guest translation's U/S
 * @sync_read: the host's action before the read
 * @sync_fetch: the host's action between the read and the fetch
 */
static void add_huge_read_fetch(struct kvm_vm *vm, struct vmx_pages *vmx,
				struct mbec_cases *cases, u64 gpa, u64 perms,
				bool user, enum sync sync_read, enum sync sync_fetch)
{
	memcpy(addr_gpa2hva(vm, gpa), vmcall_insn, sizeof(vmcall_insn));
	ept_set_leaf(vm, vmx, gpa, PG_LEVEL_2M, perms);
	add_case(cases, gpa, perms, user, OP_READ, 0)->sync_before = sync_read;
	add_case(cases, gpa, perms, user, OP_FETCH, 0)->sync_before = sync_fetch;
}

/**
 * add_untouched_fetches - fetches from 4 KiB pages of a split 2M page
 *	that L2 has not touched
 * @vm: the VM
 * @cases: the cases to add to
 * @gpa: the 2M page, XS-only and user-mode
 *
 * Pages that L2 never touched have no translation the CPU could have
 * cached from before the split: their fetches are checked against the
 * new 4 KiB SPTEs, which must not be user-executable.
 */
static void add_untouched_fetches(struct kvm_vm *vm, struct mbec_cases *cases, u64 gpa)
{
	int cpl;

	for (cpl = 0; cpl <= 3; cpl += 3) {
		u64 page = gpa + (cpl ? 0x2000 : 0x1000);

		memcpy(addr_gpa2hva(vm, page), vmcall_insn, sizeof(vmcall_insn));
		add_case(cases, page, EPT_R | EPT_XS, true, OP_FETCH, cpl);
	}
}

/**
 * guest_pt_of - the page table (level 1) that maps a linear address in L1
 * @vm: the VM
 * @gva: the address
 *
 * Return: its guest physical address.
 */
static u64 guest_pt_of(struct kvm_vm *vm, u64 gva)
{
	u64 *pt = addr_gpa2hva(vm, vm->pgd), e = 0;
	int l;

	for (l = PG_LEVEL_512G; l > PG_LEVEL_4K; l--) {
		e = pt[(gva >> PG_LEVEL_SHIFT(l)) & 0x1ff];
		TEST_ASSERT(e & PTE_PRESENT_MASK, "0x%lx not mapped", gva);
		pt = addr_gpa2hva(vm, e & PHYSICAL_PAGE_MASK);
	}
	return e & PHYSICAL_PAGE_MASK;
}

/**
 * add_emulated_walk_cases - accesses that L0 emulates, whose walk of L2's
 *	page tables meets an EPT violation of L1's
 * @vm: the VM
 * @vmx: the L1 hypervisor's pages
 * @cases: the cases to add to
 * @ins_target: a user-mode page that L1's EPT maps read-only
 * @noperm_target: a user-mode page that L1's EPT does not map
 * @nx_target: a free page of the matrix slot
 *
 * KVM's own walks must report bits 7 and 8 of their own access, not those
 * of L0's last EPT violation, which belong to another access (stale).
 * Each INS comes right after an EPT violation that L1 sees, whose bits 7
 * and 8 differ from what the INS must report: a read of an unmapped page
 * (a final translation: both set), then an INS whose page table L1's EPT
 * does not map (paging structure: bit 8 clear); a read through that page
 * table (bit 8 clear), then an INS into a read-only page (both set).  The
 * first pair does not depend on L0 taking no EPT violation of its own in
 * between, since those are final translations too.  The page tables of
 * PT_ALIAS_GVA are created after L1's EPT, so they are not in it.
 *
 * Then bits 11:9: an execute-disable, writable, user-mode page that L1's
 * EPT maps read-only, written by L2 (the processor's bits) and by an INS
 * (KVM's): both must be 0xF8A.  Last, the same INS as before with MBEC off
 * in vmcs12: the advanced information does not depend on MBEC.
 */
static void add_emulated_walk_cases(struct kvm_vm *vm, struct vmx_pages *vmx,
				    struct mbec_cases *cases, u64 ins_target,
				    u64 noperm_target, u64 nx_target)
{
	struct mbec_case *c;

	virt_pg_map(vm, PT_ALIAS_GVA, MATRIX_GPA);
	adding = G_EMULATED;
	add_case(cases, noperm_target, 0, true, OP_READ, 0);
	c = add_case(cases, PT_ALIAS_GVA, 0, false, OP_PT_INS, 0);
	c->fault_gpa = guest_pt_of(vm, PT_ALIAS_GVA);
	c = add_case(cases, PT_ALIAS_GVA, 0, false, OP_PT_READ, 0);
	c->fault_gpa = guest_pt_of(vm, PT_ALIAS_GVA);
	add_case(cases, ins_target, EPT_R, true, OP_INS, 0);

	memcpy(addr_gpa2hva(vm, nx_target), vmcall_insn, sizeof(vmcall_insn));
	ept_set_leaf(vm, vmx, nx_target, PG_LEVEL_4K, EPT_R);
	guest_set_user(vm, nx_target, true);
	guest_set_nx(vm, nx_target);
	add_case(cases, nx_target, EPT_R, true, OP_WRITE, 0)->nx = 1;
	add_case(cases, nx_target, EPT_R, true, OP_WRITE, 3)->nx = 1;
	add_case(cases, nx_target, EPT_R, true, OP_INS, 0)->nx = 1;

	adding = G_MBEC_OFF;
	add_case(cases, ins_target, EPT_R, true, OP_INS, 0)->mbec_off = 1;
}

/* R/W/XS/XU combinations that are not EPT misconfigurations (W needs R). */
static bool ept_valid(u64 perms, bool exec_only)
{
	if ((perms & EPT_W) && !(perms & EPT_R))
		return false;
	if (!(perms & EPT_R) && (perms & (EPT_XS | EPT_XU)) && !exec_only)
		return false;
	return true;
}

/**
 * add_huge_matrix - the 4 KiB matrix again, over 2 MiB EPT leaves
 * @vm: the VM
 * @vmx: the L1 hypervisor's pages
 * @cases: the cases to add to
 * @exec_only: whether L1's EPT allows execute-only leaves
 *
 * One 2 MiB leaf per U/S and R/W/XS/XU combination, accessed in its first
 * 4 KiB page (the only one L1's page tables map) every way, at CPL0 and,
 * for user-mode pages, at CPL3.
 */
static void add_huge_matrix(struct kvm_vm *vm, struct vmx_pages *vmx,
			    struct mbec_cases *cases, bool exec_only)
{
	u64 gpa = HUGE_MATRIX_GPA, perms;
	bool user;
	int op;

	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS_THP, HUGE_MATRIX_GPA,
				    HUGE_MATRIX_SLOT, HUGE_MATRIX_MAX * SIZE_2M / 4096, 0);
	for (user = false; ; user = true) {
		for (perms = 0; perms <= EPT_PERMS; perms++) {
			if ((perms & ~EPT_PERMS) || !ept_valid(perms, exec_only))
				continue;
			TEST_ASSERT(gpa < HUGE_MATRIX_GPA + HUGE_MATRIX_MAX * SIZE_2M,
				    "too many 2M leaves");
			/* Its page table is new: L1's EPT must map it. */
			virt_pg_map(vm, gpa, gpa);
			ept_set_leaf(vm, vmx, guest_pt_of(vm, gpa), PG_LEVEL_4K,
				     EPT_R | EPT_W);
			guest_set_user(vm, gpa, user);
			memcpy(addr_gpa2hva(vm, gpa), vmcall_insn, sizeof(vmcall_insn));
			ept_set_leaf(vm, vmx, gpa, PG_LEVEL_2M, perms);
			for (op = OP_FETCH; op <= OP_WRITE; op++) {
				add_case(cases, gpa, perms, user, op, 0);
				if (user)
					add_case(cases, gpa, perms, user, op, 3);
			}
			gpa += SIZE_2M;
		}
		if (user)
			break;
	}
}

static const char *nx_param = "/sys/module/kvm/parameters/nx_huge_pages";
static char nx_saved[8];

static bool nx_huge_pages_force(void)
{
	int fd = open(nx_param, O_RDWR);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, nx_saved, sizeof(nx_saved) - 1);
	if (n <= 0 || pwrite(fd, "force", 5, 0) != 5) {
		close(fd);
		return false;
	}
	nx_saved[n] = 0;
	close(fd);
	return true;
}

static void nx_huge_pages_restore(void)
{
	int fd = open(nx_param, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, nx_saved, strlen(nx_saved)) < 0)
			perror(nx_param);
		close(fd);
	}
}

static int check_failures;

static void check(enum group g, bool ok, const char *what)
{
	group_checks[g]++;
	if (!ok) {
		check_failures++;
		group_failed[g]++;
	}
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
}

static void huge_check(struct kvm_vm *vm, enum group g, bool ok, const char *what)
{
	char line[256];

	snprintf(line, sizeof(line), "%s (pages_2m %lu, pages_4k %lu, nx_lpage_splits %lu)",
		 what, vm_get_stat(vm, "pages_2m"), vm_get_stat(vm, "pages_4k"),
		 vm_get_stat(vm, "nx_lpage_splits"));
	check(g, ok, line);
}

#define CLEAR_DIRTY_LOG_MODE	(KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KVM_DIRTY_LOG_INITIALLY_SET)

/**
 * split_by_clear_dirty_log - eager splitting by KVM_CLEAR_DIRTY_LOG
 * @vm: the VM
 * @baseline: pages_2m before L2's read of CLEAR_SLOT
 *
 * With KVM_DIRTY_LOG_INITIALLY_SET, starting dirty logging splits
 * nothing; KVM_CLEAR_DIRTY_LOG splits what it write-protects again, on
 * another call site than KVM_MEM_LOG_DIRTY_PAGES.  L2's fetches that
 * follow must still find the XS-only user page not executable.
 */
static void split_by_clear_dirty_log(struct kvm_vm *vm, u64 baseline)
{
	u64 bitmap[SIZE_2M / 4096 / 64];
	u64 before;

	huge_check(vm, G_CLEAR, vm_get_stat(vm, "pages_2m") > baseline,
		   "XS-only 2M (KVM_CLEAR_DIRTY_LOG): a read maps it with a 2M SPTE");
	vm_enable_cap(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, CLEAR_DIRTY_LOG_MODE);
	before = vm_get_stat(vm, "pages_2m");
	vm_mem_region_set_flags(vm, CLEAR_SLOT, KVM_MEM_LOG_DIRTY_PAGES);
	huge_check(vm, G_CLEAR, vm_get_stat(vm, "pages_2m") == before,
		   "XS-only 2M: with KVM_DIRTY_LOG_INITIALLY_SET, starting dirty logging does not split it");
	memset(bitmap, 0xff, sizeof(bitmap));
	kvm_vm_clear_dirty_log(vm, CLEAR_SLOT, bitmap, 0, SIZE_2M / 4096);
	huge_check(vm, G_CLEAR, vm_get_stat(vm, "pages_2m") < before,
		   "XS-only 2M: KVM_CLEAR_DIRTY_LOG splits it eagerly");
}

/* vmcs12's secondary controls have MBEC, in a saved nested state. */
static bool nested_state_has_mbec(struct kvm_x86_state *state)
{
	u32 secondary;

	if (state->nested.format != KVM_STATE_NESTED_FORMAT_VMX ||
	    state->nested.size < sizeof(state->nested) + VMCS12_SECONDARY_OFFSET + 4)
		return false;
	memcpy(&secondary, state->nested.data.vmx[0].vmcs12 + VMCS12_SECONDARY_OFFSET,
	       sizeof(secondary));
	return secondary & SECONDARY_EXEC_MODE_BASED_EPT_EXEC;
}

/**
 * nested_state_round_trip - move L1, in VMX operation with MBEC in vmcs12,
 *	into a new VM through KVM_GET_NESTED_STATE and KVM_SET_NESTED_STATE
 * @vm: the VM, recreated with the same memory
 * @vcpu: its vCPU
 *
 * The cases that run after it check that MBEC still applies to L2.
 *
 * Return: the new vCPU.
 */
static struct kvm_vcpu *nested_state_round_trip(struct kvm_vm *vm,
						struct kvm_vcpu *vcpu)
{
	struct kvm_x86_state *state = vcpu_save_state(vcpu);

	check(G_NESTED_STATE, nested_state_has_mbec(state),
	      "KVM_GET_NESTED_STATE: vmcs12 has MBEC");
	kvm_vm_release(vm);
	vcpu = vm_recreate_with_one_vcpu(vm);
	vcpu_load_state(vcpu, state);
	kvm_x86_state_cleanup(state);
	state = vcpu_save_state(vcpu);
	check(G_NESTED_STATE, nested_state_has_mbec(state),
	      "KVM_SET_NESTED_STATE into a new VM: vmcs12 has MBEC");
	kvm_x86_state_cleanup(state);
	return vcpu;
}

/*
 * Where KVM does not offer MBEC: L1 that sets it anyway must fail VM
 * entry.  Then report SKIP, since nothing else here can run.
 */
static void run_mbec_not_offered(void)
{
	struct kvm_vcpu *vcpu;
	vm_vaddr_t vmx_gva;
	struct vmx_pages *vmx;
	struct kvm_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, l1_mbec_not_offered);
	vmx = vcpu_alloc_vmx(vm, &vmx_gva);
	vcpu_args_set(vcpu, 1, vmx_gva);
	prepare_eptp(vmx, vm, 0);
	nested_map_memslot(vmx, vm, 0);
	vcpu_run(vcpu);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT_1(uc, "MBEC not offered, but VM entry with it: %lx");
		break;
	case UCALL_DONE:
		printf("PASS MBEC not offered: VM entry with it fails (invalid control field)\n");
		break;
	default:
		TEST_FAIL("Unknown ucall %lu", uc.cmd);
	}
	kvm_vm_free(vm);
}

/* One line per group; a group with nothing to run is NOT RUN. */
static void report_groups(void)
{
	int g;

	if (hidden)
		return;
	for (g = 0; g < NR_GROUPS; g++) {
		if (group_not_run[g] || (!group_cases[g] && !group_checks[g]))
			printf("group %s: NOT RUN: %s\n", group_name[g],
			       group_not_run[g] ?: "no case");
		else
			printf("group %s: %s (%d cases, %d checks, %d failed)\n",
			       group_name[g], group_failed[g] ? "FAIL" : "PASS",
			       group_cases[g], group_checks[g], group_failed[g]);
	}
}

/**
 * run_hidden - run the test in a child whose L1 is not offered the advanced
 *	information, and wait for it
 *
 * A VM belongs to the process that made it, so the child makes its own.
 *
 * Return: in the parent, the child's wait status; in the child, -1.
 */
static int run_hidden(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork");
	if (!pid) {
		hidden = true;
		return -1;
	}
	TEST_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid");
	return status;
}

int main(int argc, char *argv[])
{
	u64 procbased2, ept_cap, perms, gpa, baseline = 0, splits = 0, ins_target = 0;
	u64 noperm_target = 0, nx_target, mmio_stub = 0;
	struct mbec_cases *cases;
	vm_vaddr_t vmx_gva, cases_gva;
	struct kvm_vcpu *vcpu;
	struct vmx_pages *vmx;
	int failures = 0, mmio_expected = 0, mmio_reads = 0, ins_reads = 0, i;
	int ins_expected = 0;
	int first_pg_off = -1;
	bool advanced, exec_only, huge, user, nx_forced = false, clear_split;
	struct mbec_case *revoked;
	struct kvm_vm *vm;
	struct ucall uc;
	int hidden_status;
	u8 *hva;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));
	hidden_status = run_hidden();

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	procbased2 = vcpu_get_msr(vcpu, MSR_IA32_VMX_PROCBASED_CTLS2) >> 32;
	__TEST_REQUIRE(procbased2 & SECONDARY_EXEC_ENABLE_EPT,
		       "KVM offers L1 no EPT");
	if (!(procbased2 & SECONDARY_EXEC_MODE_BASED_EPT_EXEC)) {
		kvm_vm_free(vm);
		if (hidden)
			exit(KSFT_SKIP);
		run_mbec_not_offered();
		__TEST_REQUIRE(false, "%s", MBEC_NOT_OFFERED);
	}
	ept_cap = vcpu_get_msr(vcpu, MSR_IA32_VMX_EPT_VPID_CAP);
	advanced = ept_cap & VMX_EPT_VPID_CAP_ADVANCED_INFO;
	if (hidden) {
		if (!advanced)
			exit(KSFT_SKIP);
		vcpu_set_msr(vcpu, MSR_IA32_VMX_EPT_VPID_CAP,
			     ept_cap & ~VMX_EPT_VPID_CAP_ADVANCED_INFO);
		advanced = false;
		printf("advanced info not offered to L1 (IA32_VMX_EPT_VPID_CAP bit 22 cleared):\n");
	} else if (!WIFEXITED(hidden_status) || WEXITSTATUS(hidden_status) == KSFT_SKIP) {
		group_not_run[G_HIDDEN] = WIFEXITED(hidden_status) ?
					  "no advanced information to hide" :
					  "the child did not exit";
	} else {
		group_checks[G_HIDDEN]++;
		if (WEXITSTATUS(hidden_status)) {
			group_failed[G_HIDDEN]++;
			check_failures++;
		}
	}
	exec_only = ept_cap & VMX_EPT_VPID_CAP_EXEC_ONLY;
	huge = ept_cap & VMX_EPT_VPID_CAP_2M_PAGES;
	clear_split = (kvm_check_cap(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) & CLEAR_DIRTY_LOG_MODE) ==
		      CLEAR_DIRTY_LOG_MODE;
	pr_info("L1 sees MBEC; advanced EPT violation info %s, execute-only %s, 2M pages %s\n",
		advanced ? "yes" : "no", exec_only ? "yes" : "no", huge ? "yes" : "no");

	vmx = vcpu_alloc_vmx(vm, &vmx_gva);
	cases_gva = vm_vaddr_alloc(vm, sizeof(*cases), KVM_UTIL_MIN_VADDR);
	cases = addr_gva2hva(vm, cases_gva);
	vcpu_args_set(vcpu, 2, vmx_gva, cases_gva);

	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS_THP, MATRIX_GPA,
				    MATRIX_SLOT, SIZE_2M / 4096, 0);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS_THP, SPLIT_GPA,
				    SPLIT_SLOT, SIZE_2M / 4096, 0);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS_THP, NXHUGE_GPA,
				    NXHUGE_SLOT, SIZE_2M / 4096, 0);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS_THP, CONTROL_GPA,
				    CONTROL_SLOT, SIZE_2M / 4096, 0);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS_THP, CLEAR_GPA,
				    CLEAR_SLOT, SIZE_2M / 4096, 0);
	virt_map(vm, MATRIX_GPA, MATRIX_GPA, NR_2M * SIZE_2M / 4096);
	virt_map(vm, CLEAR_GPA, CLEAR_GPA, SIZE_2M / 4096);
	for (gpa = MATRIX_GPA; gpa < CONTROL_GPA; gpa += 4096)
		guest_set_user(vm, gpa, true);
	for (gpa = CLEAR_GPA; gpa < CLEAR_GPA + SIZE_2M; gpa += 4096)
		guest_set_user(vm, gpa, true);
	guest_set_user(vm, CONTROL_GPA, false);

	prepare_eptp(vmx, vm, 0);
	nested_map_memslot(vmx, vm, 0);

	hva = addr_gpa2hva(vm, STUB_GPA);
	memcpy(hva + STUB_READ, stub_read, sizeof(stub_read));
	memcpy(hva + STUB_WRITE, stub_write, sizeof(stub_write));
	memcpy(hva + STUB_INS, stub_ins, sizeof(stub_ins));
	ept_set_leaf(vm, vmx, STUB_GPA, PG_LEVEL_4K, EPT_R | EPT_XS | EPT_XU);

	/* 4 KiB pages: one per U/S and EPT permission, each accessed every way. */
	adding = G_4K;
	gpa = MATRIX_GPA + 4096;
	for (user = false; ; user = true) {
		for (perms = 0; perms <= EPT_PERMS; perms++) {
			if ((perms & ~EPT_PERMS) || !ept_valid(perms, exec_only))
				continue;
			hva = addr_gpa2hva(vm, gpa);
			memcpy(hva, vmcall_insn, sizeof(vmcall_insn));
			ept_set_leaf(vm, vmx, gpa, PG_LEVEL_4K, perms);
			guest_set_user(vm, gpa, user);
			if (user && perms == EPT_R)
				ins_target = gpa;
			if (user && !perms)
				noperm_target = gpa;
			for (i = OP_FETCH; i <= OP_WRITE; i++) {
				add_case(cases, gpa, perms, user, i, 0);
				/* CPL3 reaches user-mode pages only (else #PF). */
				if (user)
					add_case(cases, gpa, perms, user, i, 3);
			}
			gpa += 4096;
		}
		if (user)
			break;
	}

	nx_target = gpa;
	gpa += 4096;
	add_emulated_walk_cases(vm, vmx, cases, ins_target, noperm_target, nx_target);

	/*
	 * CR0.PG = 0: every linear address is a user-mode address (SDM
	 * Table 28-7, bit 9), so XU alone decides fetches, at CPL0 too, and
	 * so it must when L0 fetches an instruction itself to emulate it.
	 */
	if (procbased2 & SECONDARY_EXEC_UNRESTRICTED_GUEST) {
		u64 n = cases->nr, j;

		adding = G_PAGING_OFF;
		cases->unrestricted = 1;
		/* The nested state round trip first; these cases run after it. */
		first_pg_off = cases->nr;
		for (j = 0; j < n; j++) {
			struct mbec_case *m = &cases->c[j];

			if (m->group == G_4K && m->user && m->op == OP_FETCH && m->cpl == 0)
				add_case(cases, m->target, m->ept, true, OP_FETCH,
					 0)->paging_off = 1;
		}
		memcpy(addr_gpa2hva(vm, gpa), stub_mmio, sizeof(stub_mmio));
		ept_set_leaf(vm, vmx, gpa, PG_LEVEL_4K, EPT_R | EPT_XU);
		add_case(cases, gpa, EPT_R | EPT_XU, true, OP_MMIO, 0)->paging_off = 1;
		mmio_expected++;
		/*
		 * The same instruction again, after the host took XU from
		 * its leaf in L1's EPT behind KVM's back (as L1 may, until
		 * it runs INVEPT): the processor still runs it from L0's
		 * stale SPTE, and L0's own fetch for the emulation must fail
		 * with KVM's walk's bits 11:9 (user-mode, writable: 0x78C).
		 */
		revoked = add_case(cases, gpa, EPT_R, true, OP_MMIO, 0);
		revoked->paging_off = 1;
		revoked->show = 1;
		revoked->sync_before = SYNC_MMIO_REVOKE;
		mmio_stub = gpa;
		ept_set_leaf(vm, vmx, MMIO_GPA, PG_LEVEL_4K, EPT_R | EPT_W);
		gpa += 4096;
	} else {
		group_not_run[G_PAGING_OFF] = "no unrestricted guest";
		group_not_run[G_NESTED_STATE] = "no unrestricted guest";
	}

	/*
	 * 2 MiB pages under the NX huge page mitigation.  XU-only: a read
	 * maps it huge, and that SPTE must not be executable, so the fetch
	 * after it must fault in L0 and split (nx_lpage_splits).  XS-only,
	 * user-mode: a read maps it huge, dirty logging splits it eagerly,
	 * and the split must not make it user-executable.
	 */
	if (huge)
		nx_forced = nx_huge_pages_force();
	if (nx_forced) {
		adding = G_NX_HUGE;
		/*
		 * The control, as stock KVM does it: a supervisor-mode fetch
		 * from an XS 2M page splits it.  Without this the checks below
		 * could pass with the mitigation off.
		 */
		add_huge_read_fetch(vm, vmx, cases, CONTROL_GPA, EPT_R | EPT_XS, false,
				    SYNC_CONTROL_BASELINE, SYNC_CONTROL_READ_DONE);
		add_huge_read_fetch(vm, vmx, cases, NXHUGE_GPA, EPT_R | EPT_XU, true,
				    SYNC_NX_BASELINE, SYNC_NX_READ_DONE);
		adding = G_SPLIT;
		add_huge_read_fetch(vm, vmx, cases, SPLIT_GPA, EPT_R | EPT_XS, true,
				    SYNC_NX_FETCH_DONE, SYNC_SPLIT_READ_DONE);
		add_case(cases, SPLIT_GPA, EPT_R | EPT_XS, true, OP_FETCH, 3);
		add_untouched_fetches(vm, cases, SPLIT_GPA);
		if (clear_split) {
			adding = G_CLEAR;
			add_huge_read_fetch(vm, vmx, cases, CLEAR_GPA, EPT_R | EPT_XS, true,
					    SYNC_CLEAR_BASELINE, SYNC_CLEAR_READ_DONE);
			add_case(cases, CLEAR_GPA, EPT_R | EPT_XS, true, OP_FETCH, 3);
			add_untouched_fetches(vm, cases, CLEAR_GPA);
		} else {
			group_not_run[G_CLEAR] = "no KVM_DIRTY_LOG_INITIALLY_SET";
		}
	} else {
		const char *why = huge ? "cannot set kvm.nx_huge_pages=force" :
					 "L1 has no 2M EPT pages";

		group_not_run[G_NX_HUGE] = why;
		group_not_run[G_SPLIT] = why;
		group_not_run[G_CLEAR] = why;
	}
	adding = G_2M;
	if (huge)
		add_huge_matrix(vm, vmx, cases, exec_only);
	else
		group_not_run[G_2M] = "L1 has no 2M EPT pages";
	if (first_pg_off >= 0)
		cases->c[first_pg_off].sync_before = SYNC_NESTED_STATE;
	ept_allow_user_exec(vm, vmx->eptp_hva);

	for (;;) {
		vcpu_run(vcpu);
		if (vcpu->run->exit_reason == KVM_EXIT_MMIO) {
			TEST_ASSERT(vcpu->run->mmio.phys_addr == MMIO_GPA &&
				    !vcpu->run->mmio.is_write,
				    "unexpected MMIO %s at 0x%llx",
				    vcpu->run->mmio.is_write ? "write" : "read",
				    vcpu->run->mmio.phys_addr);
			memset(vcpu->run->mmio.data, 0, sizeof(vcpu->run->mmio.data));
			mmio_reads++;
			continue;
		}
		TEST_ASSERT(vcpu->run->exit_reason == KVM_EXIT_IO,
			    "L1 exited to userspace with %u (%s)", vcpu->run->exit_reason,
			    exit_reason_str(vcpu->run->exit_reason));
		if (vcpu->run->io.port == INS_PORT) {
			TEST_ASSERT(vcpu->run->io.direction == KVM_EXIT_IO_IN,
				    "OUT to the INS port");
			*((u8 *)vcpu->run + vcpu->run->io.data_offset) = 0x5a;
			ins_reads++;
			continue;
		}
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT_1(uc, "VM-instruction error %lu");
			break;
		case UCALL_SYNC:
			switch (uc.args[1]) {
			case SYNC_CONTROL_BASELINE:
				baseline = vm_get_stat(vm, "pages_2m");
				splits = vm_get_stat(vm, "nx_lpage_splits");
				break;
			case SYNC_CONTROL_READ_DONE:
				huge_check(vm, G_NX_HUGE, vm_get_stat(vm, "pages_2m") > baseline,
					   "control, XS-only supervisor 2M: a read maps it with a 2M SPTE");
				break;
			case SYNC_NX_BASELINE:
				huge_check(vm, G_NX_HUGE,
					   vm_get_stat(vm, "nx_lpage_splits") > splits,
					   "control, XS-only supervisor 2M: the fetch split it (the NX huge page mitigation is on)");
				baseline = vm_get_stat(vm, "pages_2m");
				splits = vm_get_stat(vm, "nx_lpage_splits");
				break;
			case SYNC_NX_READ_DONE:
				huge_check(vm, G_NX_HUGE, vm_get_stat(vm, "pages_2m") > baseline,
					   "XU-only 2M: a read maps it with a 2M SPTE");
				baseline = vm_get_stat(vm, "pages_2m");
				break;
			case SYNC_NX_FETCH_DONE:
				huge_check(vm, G_NX_HUGE,
					   vm_get_stat(vm, "nx_lpage_splits") > splits,
					   "XU-only 2M: the 2M SPTE is not executable under the NX huge page mitigation (the fetch split it)");
				baseline = vm_get_stat(vm, "pages_2m");
				break;
			case SYNC_SPLIT_READ_DONE:
				huge_check(vm, G_SPLIT, vm_get_stat(vm, "pages_2m") > baseline,
					   "XS-only 2M: a read maps it with a 2M SPTE");
				baseline = vm_get_stat(vm, "pages_2m");
				vm_mem_region_set_flags(vm, SPLIT_SLOT, KVM_MEM_LOG_DIRTY_PAGES);
				huge_check(vm, G_SPLIT, vm_get_stat(vm, "pages_2m") < baseline,
					   "XS-only 2M: dirty logging splits it eagerly");
				break;
			case SYNC_CLEAR_BASELINE:
				baseline = vm_get_stat(vm, "pages_2m");
				break;
			case SYNC_CLEAR_READ_DONE:
				split_by_clear_dirty_log(vm, baseline);
				break;
			case SYNC_NESTED_STATE:
				vcpu = nested_state_round_trip(vm, vcpu);
				break;
			case SYNC_MMIO_REVOKE:
				ept_set_leaf(vm, vmx, mmio_stub, PG_LEVEL_4K, EPT_R);
				break;
			}
			continue;
		case UCALL_DONE:
			break;
		default:
			TEST_FAIL("Unknown ucall %lu", uc.cmd);
		}
		break;
	}
	if (nx_forced)
		nx_huge_pages_restore();

	TEST_ASSERT(cases->done == cases->nr, "L1 ran %lu of %lu cases",
		    cases->done, cases->nr);
	for (i = 0; i < cases->nr; i++) {
		const struct mbec_case *c = &cases->c[i];
		int failed = check_case(c, advanced);

		failures += failed;
		group_cases[c->group]++;
		group_failed[c->group] += failed;
		if (c->op == OP_INS || c->op == OP_PT_INS)
			ins_expected++;
	}
	if (ins_reads != ins_expected) {
		printf("FAIL L0 emulated %d INS reads for L2, expected %d\n",
		       ins_reads, ins_expected);
		failures++;
		group_failed[G_EMULATED]++;
	}
	if (mmio_reads != mmio_expected) {
		printf("FAIL L0 emulated %d MMIO reads for L2, expected %d\n",
		       mmio_reads, mmio_expected);
		failures++;
		group_failed[G_PAGING_OFF]++;
	}
	report_groups();
	printf("%s%lu cases, %d failed; other checks: %d failed\n",
	       hidden ? "advanced info not offered: " : "", cases->nr,
	       failures, check_failures);
	TEST_ASSERT(!failures && !check_failures, "%d cases and %d other checks failed",
		    failures, check_failures);
	kvm_vm_free(vm);
	return 0;
}
