/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm_gmet_lib.h: what a GMET selftest needs beyond the 6.1 library: the
 * bits of AMD's Guest Mode Execute Trap (APM vol. 2, 15.25.13; CPUID
 * Fn8000_000A EDX[17], bit 3 of the VMCB's nested_ctl), the #NPF
 * EXITINFO1 bits (15.25.6), nested page tables built by hand (the 6.1
 * library has no nested NPT helpers; NPT entries are ordinary x86-64
 * page table entries, 15.25.5).  U/S in L1's own page tables, which L2
 * needs to touch a page at CPL3, is guest_set_user() in guest_pt_lib.h.
 */
#ifndef SVM_GMET_LIB_H
#define SVM_GMET_LIB_H

#include <string.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"

#ifndef X86_FEATURE_GMET
#define X86_FEATURE_GMET	KVM_X86_CPU_FEATURE(0x8000000A, 0, EDX, 17)
#endif

#ifndef SVM_NESTED_CTL_GMET_ENABLE
#define SVM_NESTED_CTL_GMET_ENABLE	BIT(3)
#endif

/* Nested page table entries (APM 15.25.5): x86-64 long-mode PTEs. */
#define NPT_P		PTE_PRESENT_MASK
#define NPT_RW		PTE_WRITABLE_MASK
#define NPT_US		PTE_USER_MASK
#define NPT_A		PTE_ACCESSED_MASK
#define NPT_D		PTE_DIRTY_MASK
#define NPT_PS		PTE_LARGE_MASK
#define NPT_NX		PTE_NX_MASK
/* Non-leaf entries get every permission: the leaf decides, unless changed. */
#define NPT_UPPER	(NPT_P | NPT_RW | NPT_US | NPT_A)

/* EXITINFO1 of a #NPF (APM 15.25.6): a #PF error code, and bits 32-33. */
#define NPF_P		BIT_ULL(0)
#define NPF_RW		BIT_ULL(1)
#define NPF_US		BIT_ULL(2)
#define NPF_RSV		BIT_ULL(3)
#define NPF_ID		BIT_ULL(4)
#define NPF_FINAL_GPA	BIT_ULL(32)
#define NPF_PT_WALK	BIT_ULL(33)

#define GMET_NOT_OFFERED \
	"KVM offers L1 no GMET: needs kvm_amd.enable_gmet=1 on a CPU with GMET"

/**
 * npt_alloc_root - a new, empty nested page table
 * @vm: the VM; the table lives in its memory, where L1 can point nCR3 at it
 *
 * Return: the L1 physical address of the top-level (PML4) page.
 */
static inline u64 npt_alloc_root(struct kvm_vm *vm)
{
	u64 gpa = vm_alloc_page_table(vm);

	memset(addr_gpa2hva(vm, gpa), 0, PAGE_SIZE);
	return gpa;
}

/**
 * npt_entry - the entry that maps an address at one level of an NPT
 * @vm: the VM
 * @root: the NPT's top-level page
 * @gpa: the L2 physical address
 * @level: PG_LEVEL_512G (a PML4E) down to PG_LEVEL_4K (a PTE)
 *
 * Missing tables above @level are created, their entries NPT_UPPER.
 *
 * Return: a host pointer to the entry.
 */
static inline u64 *npt_entry(struct kvm_vm *vm, u64 root, u64 gpa, int level)
{
	u64 *pt = addr_gpa2hva(vm, root), *e;
	int l;

	for (l = PG_LEVEL_512G; l > level; l--) {
		e = &pt[(gpa >> PG_LEVEL_SHIFT(l)) & 0x1ff];
		if (!(*e & NPT_P)) {
			u64 table = vm_alloc_page_table(vm);

			memset(addr_gpa2hva(vm, table), 0, PAGE_SIZE);
			*e = table | NPT_UPPER;
		}
		TEST_ASSERT(!(*e & NPT_PS), "NPT large page in the way of 0x%lx", gpa);
		pt = addr_gpa2hva(vm, *e & PHYSICAL_PAGE_MASK);
	}
	return &pt[(gpa >> PG_LEVEL_SHIFT(level)) & 0x1ff];
}

/**
 * npt_set_leaf - map one L2 page to the same L1 physical address
 * @vm: the VM
 * @root: the NPT's top-level page
 * @gpa: the address, aligned to the page size
 * @level: PG_LEVEL_4K or PG_LEVEL_2M
 * @perms: NPT_RW, NPT_US and NPT_NX of the leaf
 *
 * The leaf is present, accessed and dirty, write-back (PAT index 0).
 */
static inline void npt_set_leaf(struct kvm_vm *vm, u64 root, u64 gpa,
				int level, u64 perms)
{
	TEST_ASSERT(!(gpa & (PG_LEVEL_SIZE(level) - 1)),
		    "0x%lx not aligned for level %d", gpa, level);
	*npt_entry(vm, root, gpa, level) = gpa | NPT_P | NPT_A | NPT_D | perms |
					   (level > PG_LEVEL_4K ? NPT_PS : 0);
}

/**
 * npt_map_range - identity-map L1 memory with 2 MiB NPT leaves
 * @vm: the VM
 * @root: the NPT's top-level page
 * @gpa: start of the range
 * @size: its size; the range is widened to 2 MiB boundaries
 * @perms: NPT_RW, NPT_US and NPT_NX of every leaf
 */
static inline void npt_map_range(struct kvm_vm *vm, u64 root, u64 gpa,
				 u64 size, u64 perms)
{
	u64 end = (gpa + size + PG_SIZE_2M - 1) & ~(PG_SIZE_2M - 1);

	for (gpa &= ~(PG_SIZE_2M - 1); gpa < end; gpa += PG_SIZE_2M)
		npt_set_leaf(vm, root, gpa, PG_LEVEL_2M, perms);
}

/**
 * npt_set_upper - change the non-leaf entry above a leaf
 * @vm: the VM
 * @root: the NPT's top-level page
 * @gpa: an address the entry maps
 * @level: the entry's level: PG_LEVEL_2M for a PDE, PG_LEVEL_1G for a PDPTE
 * @clear: bits to clear
 * @set: bits to set
 */
static inline void npt_set_upper(struct kvm_vm *vm, u64 root, u64 gpa,
				 int level, u64 clear, u64 set)
{
	u64 *e = npt_entry(vm, root, gpa, level);

	TEST_ASSERT((*e & NPT_P) && !(*e & NPT_PS),
		    "no NPT table at level %d for 0x%lx", level, gpa);
	*e = (*e & ~clear) | set;
}

/**
 * npt_walk - the entries of an NPT that translate an address
 * @vm: the VM
 * @root: the NPT's top-level page
 * @gpa: the L2 physical address
 * @entries: filled from the PML4E down to the leaf
 *
 * Return: how many entries the walk read (4 for a 4 KiB leaf, 3 for 2 MiB).
 */
static inline int npt_walk(struct kvm_vm *vm, u64 root, u64 gpa, u64 entries[4])
{
	u64 *pt = addr_gpa2hva(vm, root), e;
	int l, n = 0;

	for (l = PG_LEVEL_512G; l >= PG_LEVEL_4K; l--) {
		e = pt[(gpa >> PG_LEVEL_SHIFT(l)) & 0x1ff];
		TEST_ASSERT(e & NPT_P, "0x%lx not mapped in the NPT at level %d", gpa, l);
		entries[n++] = e;
		if (l == PG_LEVEL_4K || (l <= PG_LEVEL_1G && (e & NPT_PS)))
			break;
		pt = addr_gpa2hva(vm, e & PHYSICAL_PAGE_MASK);
	}
	return n;
}

#endif /* SVM_GMET_LIB_H */
