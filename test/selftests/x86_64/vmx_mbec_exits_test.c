// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_mbec_exits_test: the reason MBEC exists, counted in VM exits.
 *
 * Windows with HVCI maps user pages executable for user mode only.  With
 * mode-based execute control (MBEC) its hypervisor does so with XU-only
 * EPT entries and takes no exits for it; without MBEC it runs "Restricted
 * User Mode": two EPT views, one where kernel code is executable and user
 * code is not, one the other way round, switched on every execute EPT
 * violation, that is on every user<->kernel transition.
 *
 * L1 here is that hypervisor, L2 a kernel that goes to user mode
 * (SYSRETQ) and comes back (SYSCALL) N times.  The kernel's code is on
 * supervisor-mode pages, the user code on a user-mode page (SDM 4.6).
 *
 * - "mbec": MBEC in vmcs12, the user page XU only, kernel code XS only;
 *   no EPT violation may reach L1 in the loop.  Afterwards the kernel
 *   fetches from a supervisor-mode alias of the user page, which must be
 *   an EPT violation that grants XU but not XS (Table 28-7, bits 5 and 6).
 * - "two-views": no MBEC; EPTP A maps kernel code executable and the
 *   user page not, EPTP B the reverse (data is R/W in both); L1 switches
 *   vmcs12's EPT pointer on each execute EPT violation, and checks that
 *   view A faults only on CPL3 fetches of the user page and view B only
 *   on CPL0 fetches of kernel code.
 *
 * The L0 VM exits ("exits" in the vCPU's binary stats) are read by the
 * host at VMCALLs of L2 around the loop and around an empty loop (the
 * baseline), and printed with the EPT violations L1 saw, one line per
 * variant.  Without MBEC offered to L1 the mbec variant is SKIP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "kvm_mbec_st_compat.h"
#include "vmx.h"
#include "vmx_mbec_lib.h"

#define USER_GPA	0xc0000000ULL	/* slot 1: the user code and its counter */
#define ALIAS_GVA	0xc0200000ULL	/* supervisor-mode alias of USER_GPA */
#define USER_SLOT	1
#define DEFAULT_ROUND_TRIPS	1000
#define L2_STACK_SIZE	512

/* The L2 VMCALLs, in order; the host reads the stats at each. */
enum sync {
	SYNC_BASELINE_START = 1,
	SYNC_BASELINE_END,
	SYNC_LOOP_START,
	SYNC_LOOP_END,
	SYNC_L2_DONE,
};

enum variant { VARIANT_MBEC, VARIANT_TWO_VIEWS };
static const char * const variant_name[] = { "mbec", "two-views" };

struct bench {
	/* Set by the host. */
	u64 variant;
	u64 round_trips;
	u64 kernel_gpa;		/* the page of l2_syscall_entry */
	u64 eptp_b_gpa;		/* two-views: view B's EPT root */
	/* Set by L1. */
	u64 ept_violations;
	u64 probe_reason, probe_qual, probe_gpa;	/* mbec: the alias fetch */
};

/*
 * L2's user code: incq user_count(%rip), on the next page; syscall.  It
 * keeps nothing in registers: L1 does not preserve L2's GPRs across the
 * EPT violations it handles (nor does it need to for RSP, RIP, RFLAGS).
 */
#define USER_COUNT_GPA	(USER_GPA + 0x1000)
static const u8 user_code[] = {
	0x48, 0xff, 0x05, 0xf9, 0x0f, 0, 0,	/* incq 0xff9(%rip) */
	0x0f, 0x05,				/* syscall */
};

/* The round trips still to do, and where the user code is; in memory, see above. */
u64 l2_rounds_left, l2_user_rip;

/*
 * The kernel's SYSCALL entry (MSR_LSTAR): one round trip done; the next,
 * or back to whoever called l2_ring_loop().  Its page is the one that
 * view B's EPT violations fetch from.
 */
static void __attribute__((naked)) l2_syscall_entry(void)
{
	asm("decq l2_rounds_left(%rip)\n\t"
	    "jnz l2_sysret\n\t"
	    "ret");
}

/*
 * l2_ring_loop - l2_rounds_left round trips to the CPL3 code at
 * l2_user_rip and back: SYSRETQ there, SYSCALL back to l2_syscall_entry().
 * SYSCALL and SYSRETQ do not switch stacks and the user code does not
 * touch the stack, so CPL3 needs none.  RFLAGS at CPL3 is 2 (IF=0).
 */
static void __attribute__((naked)) l2_ring_loop(void)
{
	asm("cmpq $0, l2_rounds_left(%rip)\n\t"
	    "je 1f\n"
	    "l2_sysret:\n\t"
	    "mov l2_user_rip(%rip), %rcx\n\t"
	    "mov $2, %r11d\n\t"
	    "sysretq\n"
	    "1:\n\t"
	    "ret");
}

/**
 * l2_round_trips - let L2 go to CPL3 and back
 * @n: how often
 *
 * Every GPR but RSP may change at the EPT violations of the two-view
 * variant, so the call clobbers them all; below the red zone.
 */
static void l2_round_trips(u64 n)
{
	l2_rounds_left = n;
	l2_user_rip = USER_GPA;
	asm volatile("lea -128(%%rsp), %%rsp\n\t"
		     "push %%rbp\n\t"
		     "call %P[loop]\n\t"
		     "pop %%rbp\n\t"
		     "lea 128(%%rsp), %%rsp"
		     : : [loop] "i"(l2_ring_loop)
		     : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		       "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

static struct bench *l2_bench;
static u64 l2_stack[L2_STACK_SIZE];

static void l2_guest_code(void)
{
	struct bench *b = l2_bench;

	vmcall();			/* SYNC_BASELINE_START */
	l2_round_trips(0);
	vmcall();			/* SYNC_BASELINE_END */
	vmcall();			/* SYNC_LOOP_START */
	l2_round_trips(b->round_trips);
	vmcall();			/* SYNC_LOOP_END */
	if (b->variant == VARIANT_MBEC)
		((void (*)(void))ALIAS_GVA)();	/* must not return */
	vmcall();			/* SYNC_L2_DONE */
}

/**
 * l1_switch_view - the Restricted User Mode hypervisor's EPT violation handler
 * @b: the benchmark's shared state
 * @eptp: the EPT pointers of view A (kernel) and view B (user)
 * @view: the current view, switched
 *
 * Only execute violations are expected: in view A of the user page at
 * CPL3, in view B of the kernel's code page at CPL0.  Anything else means
 * that kernel code fetched from a user page, or the views are wrong.
 */
static void l1_switch_view(struct bench *b, const u64 eptp[2], int *view)
{
	u64 qual = vmreadz(EXIT_QUALIFICATION);
	u64 gpa = vmreadz(GUEST_PHYSICAL_ADDRESS) & ~0xfffULL;
	u64 cpl = vmreadz(GUEST_CS_SELECTOR) & 3;

	GUEST_ASSERT_2(qual & QUAL_FETCH, qual, gpa);
	if (*view == 0)
		GUEST_ASSERT_2(cpl == 3 && gpa == USER_GPA, cpl, gpa);
	else
		GUEST_ASSERT_2(cpl == 0 && gpa == b->kernel_gpa, cpl, gpa);
	/*
	 * No INVEPT: neither view changes while L2 runs, and cached
	 * guest-physical mappings are tagged with the EPT root they came from.
	 */
	*view ^= 1;
	vmwrite(EPT_POINTER, eptp[*view]);
}

static void l1_guest_code(struct vmx_pages *vmx, struct bench *b)
{
	bool launched = false;
	int view = 0, syncs = 0;
	u64 eptp[2], reason;

	GUEST_ASSERT(prepare_for_vmx_operation(vmx));
	GUEST_ASSERT(load_vmcs(vmx));
	/*
	 * L2's SYSCALL setup, done here because L1 does not let L2 access
	 * MSRs (no MSR bitmap); VM entry and exit switch none of these but
	 * EFER, which prepare_vmcs() copies.  SYSCALL to CS cs (SS cs + 8),
	 * SYSRETQ to CS cs + 32 and SS cs + 24, RPL 3: the descriptors are
	 * fixed by the instructions, not read from the GDT.
	 */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, (u64)(get_cs() + 16) << 48 | (u64)get_cs() << 32);
	wrmsr(MSR_LSTAR, (u64)l2_syscall_entry);
	wrmsr(MSR_SYSCALL_MASK, 0);
	l2_bench = b;
	prepare_vmcs(vmx, l2_guest_code, &l2_stack[L2_STACK_SIZE]);
	if (b->variant == VARIANT_MBEC)
		vmwrite(SECONDARY_VM_EXEC_CONTROL, vmreadz(SECONDARY_VM_EXEC_CONTROL) |
			SECONDARY_EXEC_MODE_BASED_EPT_EXEC);
	eptp[0] = vmreadz(EPT_POINTER);
	eptp[1] = (eptp[0] & 0xfff) | b->eptp_b_gpa;

	for (;;) {
		int r = launched ? vmresume() : vmlaunch();

		GUEST_ASSERT_1(!r, vmreadz(VM_INSTRUCTION_ERROR));
		launched = true;
		reason = vmreadz(VM_EXIT_REASON);
		if (reason == EXIT_REASON_VMCALL) {
			GUEST_SYNC(++syncs);
			if (syncs == SYNC_L2_DONE)
				break;
			vmwrite(GUEST_RIP, vmreadz(GUEST_RIP) +
				vmreadz(VM_EXIT_INSTRUCTION_LEN));
			continue;
		}
		GUEST_ASSERT_2(reason == EXIT_REASON_EPT_VIOLATION, reason, syncs);
		b->ept_violations++;
		if (b->variant == VARIANT_TWO_VIEWS) {
			l1_switch_view(b, eptp, &view);
			continue;
		}
		/* mbec: only the alias fetch after the loop may get here. */
		b->probe_reason = reason;
		b->probe_qual = vmreadz(EXIT_QUALIFICATION);
		b->probe_gpa = vmreadz(GUEST_PHYSICAL_ADDRESS);
		GUEST_ASSERT_2(syncs == SYNC_LOOP_END, syncs, b->probe_qual);
		break;
	}
	GUEST_DONE();
}

/* Host side. */

struct vcpu_stat {
	int fd;
	struct kvm_stats_header header;
	struct kvm_stats_desc *descs, *desc;
};

/**
 * vcpu_stat_open - find one counter in a vCPU's binary stats
 * @s: filled in
 * @vcpu: the vCPU
 * @name: the counter, for example "exits"
 */
static void vcpu_stat_open(struct vcpu_stat *s, struct kvm_vcpu *vcpu,
			   const char *name)
{
	int i;

	s->fd = vcpu_get_stats_fd(vcpu);
	read_stats_header(s->fd, &s->header);
	s->descs = read_stats_descriptors(s->fd, &s->header);
	s->desc = NULL;
	for (i = 0; i < s->header.num_desc; i++) {
		struct kvm_stats_desc *d = get_stats_descriptor(s->descs, i, &s->header);

		if (!strcmp(d->name, name))
			s->desc = d;
	}
	TEST_ASSERT(s->desc, "no vCPU stat %s", name);
}

/**
 * vcpu_stat_read - the counter's current value
 * @s: from vcpu_stat_open()
 *
 * Return: the value.
 */
static u64 vcpu_stat_read(struct vcpu_stat *s)
{
	u64 v;

	read_stat_data(s->fd, &s->header, s->desc, &v, 1);
	return v;
}

/**
 * vcpu_stat_close - release what vcpu_stat_open() took
 * @s: the counter
 */
static void vcpu_stat_close(struct vcpu_stat *s)
{
	free(s->descs);
	close(s->fd);
}

static int failures;

static void check(bool ok, const char *variant, const char *what)
{
	if (!ok)
		failures++;
	printf("%s variant=%s: %s\n", ok ? "PASS" : "FAIL", variant, what);
}

/**
 * run_variant - run the loop under one L1 hypervisor and print its figures
 * @variant: VARIANT_MBEC or VARIANT_TWO_VIEWS
 * @round_trips: the loop's CPL0->CPL3->CPL0 round trips
 */
static void run_variant(enum variant variant, u64 round_trips)
{
	const char *name = variant_name[variant];
	u64 exits[SYNC_L2_DONE + 1] = {}, viol[SYNC_L2_DONE + 1] = {};
	u64 runs[SYNC_L2_DONE + 1] = {}, *user_count, user_runs;
	u64 loop_exits, loop_viol, kernel_gva = (u64)l2_syscall_entry;
	vm_vaddr_t vmx_gva, bench_gva;
	struct vmx_pages *vmx, view_b;
	struct vcpu_stat stat;
	struct kvm_vcpu *vcpu;
	struct bench *b;
	struct kvm_vm *vm;
	struct ucall uc;
	bool done = false;
	char line[256];

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	vmx = vcpu_alloc_vmx(vm, &vmx_gva);
	bench_gva = vm_vaddr_alloc_page(vm);
	b = addr_gva2hva(vm, bench_gva);
	memset(b, 0, sizeof(*b));
	b->variant = variant;
	b->round_trips = round_trips;
	b->kernel_gpa = addr_gva2gpa(vm, kernel_gva) & ~0xfffULL;
	vcpu_args_set(vcpu, 2, vmx_gva, bench_gva);

	/* The user page, and a supervisor-mode alias of it. */
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, USER_GPA, USER_SLOT, 2, 0);
	virt_pg_map(vm, USER_GPA, USER_GPA);
	guest_set_user(vm, USER_GPA, true);
	virt_pg_map(vm, USER_COUNT_GPA, USER_COUNT_GPA);
	guest_set_user(vm, USER_COUNT_GPA, true);
	user_count = addr_gpa2hva(vm, USER_COUNT_GPA);
	virt_pg_map(vm, ALIAS_GVA, USER_GPA);
	guest_set_user(vm, ALIAS_GVA, false);
	memcpy(addr_gpa2hva(vm, USER_GPA), user_code, sizeof(user_code));

	/* View A, or the only one: kernel code XS, the user page XU or nothing. */
	prepare_eptp(vmx, vm, 0);
	view_b = *vmx;
	if (variant == VARIANT_TWO_VIEWS)
		prepare_eptp(&view_b, vm, 0);
	nested_map_memslot(vmx, vm, 0);
	ept_set_leaf(vm, vmx, USER_COUNT_GPA, PG_LEVEL_4K, EPT_R | EPT_W);
	if (variant == VARIANT_MBEC) {
		ept_set_leaf(vm, vmx, USER_GPA, PG_LEVEL_4K, EPT_R | EPT_XU);
		ept_allow_user_exec(vm, vmx->eptp_hva);
	} else {
		ept_set_leaf(vm, vmx, USER_GPA, PG_LEVEL_4K, EPT_R);
		/* View B: nothing of slot 0 is executable, the user page is. */
		nested_map_memslot(&view_b, vm, 0);
		ept_update_tree(vm, view_b.eptp_hva, PG_LEVEL_512G, 0, EPT_XS);
		ept_set_leaf(vm, &view_b, USER_GPA, PG_LEVEL_4K, EPT_R | EPT_XS);
		ept_set_leaf(vm, &view_b, USER_COUNT_GPA, PG_LEVEL_4K, EPT_R | EPT_W);
		b->eptp_b_gpa = view_b.eptp_gpa;
	}

	vcpu_stat_open(&stat, vcpu, "exits");
	while (!done) {
		vcpu_run(vcpu);
		TEST_ASSERT(vcpu->run->exit_reason == KVM_EXIT_IO,
			    "variant %s: L1 exited to userspace with %u (%s)", name,
			    vcpu->run->exit_reason, exit_reason_str(vcpu->run->exit_reason));
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT_2(uc, "values 0x%lx 0x%lx");
			break;
		case UCALL_SYNC:
			TEST_ASSERT(uc.args[1] >= SYNC_BASELINE_START &&
				    uc.args[1] <= SYNC_L2_DONE, "sync %lu", uc.args[1]);
			exits[uc.args[1]] = vcpu_stat_read(&stat);
			viol[uc.args[1]] = b->ept_violations;
			runs[uc.args[1]] = *user_count;
			break;
		case UCALL_DONE:
			done = true;
			break;
		default:
			TEST_FAIL("Unknown ucall %lu", uc.cmd);
		}
	}
	vcpu_stat_close(&stat);

	loop_exits = (exits[SYNC_LOOP_END] - exits[SYNC_LOOP_START]) -
		     (exits[SYNC_BASELINE_END] - exits[SYNC_BASELINE_START]);
	user_runs = runs[SYNC_LOOP_END] - runs[SYNC_LOOP_START];
	loop_viol = (viol[SYNC_LOOP_END] - viol[SYNC_LOOP_START]) -
		    (viol[SYNC_BASELINE_END] - viol[SYNC_BASELINE_START]);
	printf("vmx_mbec_exits: variant=%s round_trips=%lu l0_exits=%ld baseline_exits=%lu ",
	       name, round_trips, (long)loop_exits,
	       exits[SYNC_BASELINE_END] - exits[SYNC_BASELINE_START]);
	printf("exits_per_round_trip=%.2f l1_ept_violations=%lu ",
	       (double)(long)loop_exits / round_trips, loop_viol);
	printf("ept_violations_per_round_trip=%.2f\n", (double)loop_viol / round_trips);

	snprintf(line, sizeof(line), "L2 ran its user code %lu times in %lu round trips",
		 user_runs, round_trips);
	check(user_runs == round_trips && runs[SYNC_BASELINE_END] == runs[SYNC_BASELINE_START],
	      name, line);
	if (variant == VARIANT_MBEC) {
		snprintf(line, sizeof(line),
			 "%lu EPT violations reached L1 in the loop, none expected", loop_viol);
		check(loop_viol == 0, name, line);
		snprintf(line, sizeof(line),
			 "a CPL0 fetch from a supervisor-mode alias of the XU-only user page: exit %lu qual 0x%lx gpa 0x%lx, expected an EPT violation (48) with fetch, XU and not XS (qual bits 2, 6, not 5) at 0x%llx",
			 b->probe_reason, b->probe_qual, b->probe_gpa, USER_GPA);
		check(b->probe_reason == EXIT_REASON_EPT_VIOLATION &&
		      (b->probe_qual & (QUAL_FETCH | QUAL_XS | QUAL_XU)) ==
		      (QUAL_FETCH | QUAL_XU) && b->probe_gpa == USER_GPA, name, line);
	} else {
		snprintf(line, sizeof(line),
			 "%lu EPT violations reached L1 in the loop, at least %lu expected",
			 loop_viol, 2 * round_trips);
		check(loop_viol >= 2 * round_trips, name, line);
	}
	kvm_vm_free(vm);
}

int main(int argc, char *argv[])
{
	u64 round_trips = DEFAULT_ROUND_TRIPS, procbased2;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	bool mbec;
	int opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n') {
			printf("usage: %s [-n round_trips]\n", argv[0]);
			exit(KSFT_FAIL);
		}
		round_trips = strtoull(optarg, NULL, 0);
	}
	TEST_ASSERT(round_trips > 0, "-n must be at least 1");
	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));

	vm = vm_create_with_one_vcpu(&vcpu, NULL);
	procbased2 = vcpu_get_msr(vcpu, MSR_IA32_VMX_PROCBASED_CTLS2) >> 32;
	kvm_vm_free(vm);
	__TEST_REQUIRE(procbased2 & SECONDARY_EXEC_ENABLE_EPT, "KVM offers L1 no EPT");
	mbec = procbased2 & SECONDARY_EXEC_MODE_BASED_EPT_EXEC;

	if (mbec)
		run_variant(VARIANT_MBEC, round_trips);
	else
		printf("vmx_mbec_exits: variant=mbec SKIP %s\n", MBEC_NOT_OFFERED);
	run_variant(VARIANT_TWO_VIEWS, round_trips);

	TEST_ASSERT(!failures, "%d checks failed", failures);
	if (!mbec) {
		print_skip("variant mbec: %s (variant two-views passed)", MBEC_NOT_OFFERED);
		exit(KSFT_SKIP);
	}
	return 0;
}
