/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Independent reference model of x86 page-permission faults.
 *
 * Written from the architecture manuals (Intel SDM Vol. 3A section 4.6,
 * Intel SDM Vol. 3C "EPT Violations" / "mode-based execute control for EPT",
 * AMD APM Vol. 2 section 15.25 "Nested Paging" and "Guest Mode Execute Trap
 * Extension"), NOT from the KVM code that it is used to test.  See
 * REF_MODEL_NOTES.md next to this file for the rule table, the sources and
 * the ambiguities that had to be resolved.
 *
 * Out of scope: reserved bits, EPT memory types, protection keys, shadow
 * stacks, sub-page write permissions, guest paging-structure accesses done
 * by the page walker and accessed/dirty flag updates.
 */
#ifndef REF_MODEL_H
#define REF_MODEL_H

#include <stdbool.h>

/**
 * enum ref_paging - Which translation's access rights are being checked.
 * @REF_PAGING_X86: the guest's own 32-bit/PAE/4-level/5-level paging; a
 *	violation is a page fault (#PF).
 * @REF_PAGING_EPT: Intel EPT (guest-physical -> host-physical); a violation
 *	is an EPT violation.
 * @REF_PAGING_NPT: AMD nested paging (nested page tables, "nCR3"); a
 *	violation is a nested page fault, #VMEXIT(NPF).
 */
enum ref_paging {
	REF_PAGING_X86,
	REF_PAGING_EPT,
	REF_PAGING_NPT,
};

/**
 * struct ref_ctl - Control state that affects access rights.
 * @paging: which kind of translation is checked.
 * @cr0_wp: X86 only: CR0.WP.
 * @cr4_smep: X86 only: CR4.SMEP.
 * @cr4_smap: X86 only: CR4.SMAP.
 * @efer_nx: X86: IA32_EFER.NXE of the guest (false also for 32-bit paging,
 *	which has no XD bit).  NPT: EFER.NXE of the host, i.e. whether the NX
 *	bit of the nested page tables is honoured.
 * @mbec: EPT only: the "mode-based execute control for EPT" VM-execution
 *	control.
 * @gmet: NPT only: Guest Mode Execute Trap enabled in the VMCB (offset 090h,
 *	bit 3).
 */
struct ref_ctl {
	enum ref_paging paging;
	bool cr0_wp;
	bool cr4_smep;
	bool cr4_smap;
	bool efer_nx;
	bool mbec;
	bool gmet;
};

/**
 * struct ref_pte - Effective access rights of the final translation,
 *	combined over all levels of the paging structures.
 * @r: EPT: bit 0 (read), AND of all levels.  X86/NPT: ignored (a present
 *	entry is readable).
 * @w: EPT: bit 1 (write), AND of all levels.  X86/NPT: R/W bit, AND of all
 *	levels.
 * @x: EPT: bit 2, AND of all levels (execute; "execute for supervisor-mode
 *	linear addresses" when MBEC=1).  X86/NPT: true iff the XD/NX bit is 0
 *	at every level.
 * @xu: EPT only: bit 10, AND of all levels (execute for user-mode linear
 *	addresses); ignored unless MBEC=1.
 * @u: X86/NPT: U/S bit, AND of all levels (a user-mode address iff U/S=1 at
 *	every level).  EPT: ignored.
 */
struct ref_pte {
	bool r;
	bool w;
	bool x;
	bool xu;
	bool u;
};

/**
 * struct ref_access - The access being checked.
 * @write: data write.
 * @fetch: instruction fetch.  Neither @write nor @fetch means a data read.
 *	@write and @fetch are mutually exclusive; if both are set the access is
 *	treated as an instruction fetch.
 * @user: X86: the access is a user-mode access (CPL=3 and not an implicit
 *	supervisor-mode access).  EPT with MBEC: the guest-linear address is a
 *	user-mode linear address per the guest's paging (U/S=1 at every level
 *	of the guest walk), as reported in bit 9 of the exit qualification;
 *	note that with guest CR0.PG=0 every linear address is a user-mode
 *	linear address.  NPT: the guest's CPL is 3.
 * @implicit: X86: implicit supervisor-mode access (e.g. to the GDT, LDT,
 *	IDT or TSS); such an access is a supervisor-mode access whatever
 *	@user says.
 * @eflags_ac: X86: RFLAGS.AC at the time of the access.
 */
struct ref_access {
	bool write;
	bool fetch;
	bool user;
	bool implicit;
	bool eflags_ac;
};

bool ref_ept_present(const struct ref_ctl *ctl, const struct ref_pte *pte);
bool ref_ept_misconfig(const struct ref_ctl *ctl, const struct ref_pte *pte);
bool ref_fault(const struct ref_ctl *ctl, const struct ref_pte *pte,
	       const struct ref_access *acc);

#endif /* REF_MODEL_H */
