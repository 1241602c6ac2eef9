// SPDX-License-Identifier: GPL-2.0
/*
 * Independent reference model of x86 page-permission faults.
 *
 * Every rule below is taken from the architecture manuals and carries its
 * citation.  Section numbers of the Intel SDM Vol. 3C VMX chapters move
 * between editions (the EPT chapter was 28.2 in 2016, 29.3 in 2023 and 31.3
 * in late editions), so each Intel citation also names the section title.
 *
 * The model deliberately knows nothing about how KVM encodes permissions; it
 * only maps (controls, effective rights, access) to "faults or not".
 */
#include "ref_model.h"

/**
 * x86_fault() - Access-rights check of the guest's own paging.
 * @ctl: control registers (CR0.WP, CR4.SMEP, CR4.SMAP, IA32_EFER.NXE).
 * @pte: effective rights combined over all levels (@w, @x, @u are used).
 * @acc: the access.
 *
 * Intel SDM Vol. 3A 4.6.1 "Determination of Access Rights".  Protection keys
 * (4.6.2) are out of scope.
 *
 * Return: true if the access causes a page fault because of access rights.
 */
static bool x86_fault(const struct ref_ctl *ctl, const struct ref_pte *pte,
		      const struct ref_access *acc)
{
	/*
	 * SDM 4.6.1: accesses made with CPL < 3 are supervisor-mode accesses,
	 * those made with CPL = 3 are user-mode accesses, except that implicit
	 * accesses to system data structures (GDT, LDT, IDT, TSS) are
	 * supervisor-mode accesses regardless of CPL.
	 */
	bool supervisor = acc->implicit || !acc->user;
	/*
	 * SDM 4.6.1: if the U/S flag is 0 in at least one paging-structure
	 * entry the address is a supervisor-mode address, otherwise it is a
	 * user-mode address.  @pte->u is already the AND over all levels.
	 */
	bool user_addr = pte->u;
	/*
	 * SDM 4.6.1: the XD flag only restricts fetches "for PAE paging or
	 * IA-32e paging with IA32_EFER.NXE = 1"; for 32-bit paging or with
	 * IA32_EFER.NXE = 0 it does not (the caller passes efer_nx = false).
	 */
	bool xd = ctl->efer_nx && !pte->x;

	if (!supervisor) {
		/*
		 * SDM 4.6.1, user-mode accesses: data may not be read from,
		 * written to, or instructions fetched from any
		 * supervisor-mode address.
		 */
		if (!user_addr)
			return true;
		/*
		 * SDM 4.6.1, user-mode instruction fetches: allowed from any
		 * user-mode address, or (with XD honoured) from one whose XD
		 * flag is 0 in every entry.  SMEP does not apply to user-mode
		 * accesses.
		 */
		if (acc->fetch)
			return xd;
		/*
		 * SDM 4.6.1, user-mode data writes: allowed only if R/W is 1
		 * in every entry, regardless of CR0.WP (see also 4.1.3).
		 */
		if (acc->write)
			return !pte->w;
		/* SDM 4.6.1: user-mode data reads of user-mode addresses. */
		return false;
	}

	if (acc->fetch) {
		/*
		 * SDM 4.6.1, supervisor-mode instruction fetches from
		 * supervisor-mode addresses: forbidden if XD is honoured and
		 * set in any entry.
		 */
		if (xd)
			return true;
		/*
		 * SDM 4.6.1, supervisor-mode instruction fetches from
		 * user-mode addresses: with CR4.SMEP = 1 instructions may not
		 * be fetched from any user-mode address; with CR4.SMEP = 0
		 * only the XD rule above applies.
		 */
		return user_addr && ctl->cr4_smep;
	}

	/*
	 * SDM 4.6.1, supervisor-mode data reads and writes of user-mode
	 * addresses with CR4.SMAP = 1: permitted only if EFLAGS.AC = 1 and
	 * the access is explicit; "If EFLAGS.AC = 0 or the access is
	 * implicit, data may not be read from / written to any user-mode
	 * address".  SMAP does not apply to instruction fetches.
	 */
	if (user_addr && ctl->cr4_smap && (acc->implicit || !acc->eflags_ac))
		return true;

	/*
	 * SDM 4.6.1, supervisor-mode data writes (to supervisor-mode
	 * addresses, and to user-mode addresses that SMAP did not already
	 * refuse): with CR0.WP = 0 any address may be written; with
	 * CR0.WP = 1 only addresses whose R/W flag is 1 in every entry.
	 */
	if (acc->write)
		return ctl->cr0_wp && !pte->w;

	/*
	 * SDM 4.6.1: data may be read (implicitly or explicitly) from any
	 * supervisor-mode address, and from any user-mode address that SMAP
	 * did not refuse.
	 */
	return false;
}

/**
 * ref_ept_present() - Whether EPT rights describe a present entry.
 * @ctl: controls; only @ctl->mbec is used.
 * @pte: the EPT rights (@r, @w, @x and, with MBEC, @xu are used).
 *
 * Intel SDM Vol. 3C "EPT Translation Mechanism" (28.2.2 / 29.3.2 / 31.3.2):
 * "An EPT paging-structure entry is present if any of bits 2:0 is 1;
 * otherwise, the entry is not present."  The accompanying note adds: "If the
 * 'mode-based execute control for EPT' VM-execution control is 1, an EPT
 * paging-structure entry is present if any of bits 2:0 or bit 10 is 1."
 * When that control is 0, bit 10 is ignored ("Format of an EPT Page-Table
 * Entry", bit 10: "If that control is 0, this bit is ignored").
 *
 * Return: true if the entry is present.
 */
bool ref_ept_present(const struct ref_ctl *ctl, const struct ref_pte *pte)
{
	if (pte->r || pte->w || pte->x)
		return true;
	return ctl->mbec && pte->xu;
}

/**
 * ref_ept_misconfig() - Whether EPT rights are an EPT misconfiguration.
 * @ctl: controls (unused; kept so that the signature matches the other
 *	EPT helper and can grow capability bits later).
 * @pte: the EPT rights (@r and @w are used).
 *
 * Intel SDM Vol. 3C "EPT Misconfigurations" (28.2.3.1 / 29.3.3.1): an EPT
 * misconfiguration occurs if "the value of bits 2:0 of an EPT
 * paging-structure entry is either 010b (write-only) or 110b
 * (write/execute)", i.e. W=1 with R=0.  Bit 10 does not change this, so
 * with MBEC W=1/R=0 is a misconfiguration whatever bit 10 is.
 *
 * The same section makes 100b (execute-only) a misconfiguration "if this
 * value is not supported by the logical processor" (IA32_VMX_EPT_VPID_CAP
 * bit 0), and with MBEC the same capability bit also allows entries with
 * bits 1:0 clear and bit 10 set.  This model has no capability input and
 * ASSUMES execute-only translations are supported; a caller testing an MMU
 * configured without execute-only support must skip R=0/W=0 present
 * combinations itself.
 *
 * @pte is the AND over all levels: if it has W=1 and R=0, some entry on the
 * path had W=1 and R=0, so the result is never a false positive; a
 * misconfigured entry hidden by a W=0 entry at another level is not seen.
 *
 * Return: true if the combination is an EPT misconfiguration.
 */
bool ref_ept_misconfig(const struct ref_ctl *ctl, const struct ref_pte *pte)
{
	(void)ctl;
	return pte->w && !pte->r;
}

/**
 * ept_fault() - Access-rights check of EPT.
 * @ctl: controls; only @ctl->mbec is used.
 * @pte: EPT rights combined over all levels (@r, @w, @x, @xu).
 * @acc: the access; @acc->user is only used with MBEC.
 *
 * Intel SDM Vol. 3C "EPT Violations" (28.2.3.2 / 29.3.3.2 / 31.3.3.2).  The
 * caller must not pass a misconfiguration (see ref_ept_misconfig()).
 *
 * Return: true if the access causes an EPT violation.
 */
static bool ept_fault(const struct ref_ctl *ctl, const struct ref_pte *pte,
		      const struct ref_access *acc)
{
	/*
	 * SDM "EPT Violations": an EPT violation occurs if "translation of
	 * the guest-physical address encounters an EPT paging-structure entry
	 * that is not present".
	 */
	if (!ref_ept_present(ctl, pte))
		return true;

	if (acc->fetch) {
		/*
		 * SDM "EPT Violations": "The access is an instruction fetch
		 * and bit 2 was clear in any of the EPT paging-structure
		 * entries used to translate the guest-physical address."
		 * With MBEC=0 that is the whole rule and bit 10 is ignored.
		 */
		if (!ctl->mbec)
			return !pte->x;
		/*
		 * With MBEC=1 ("Format of an EPT Page-Table Entry"): bit 2 is
		 * "execute access for supervisor-mode linear addresses" and
		 * bit 10 is "execute access for user-mode linear addresses".
		 * Which one applies depends on the mode of the guest-linear
		 * address (U/S of the guest walk, exit-qualification bit 9),
		 * not on CPL.  Confirmed by kvm-unit-tests
		 * ept_access_test_execute_only/_user_only/_both, and by Bochs
		 * translate_guest_physical().
		 */
		return acc->user ? !pte->xu : !pte->x;
	}

	/*
	 * SDM "EPT Violations": "The access is a data write and bit 1 was
	 * clear in any of the EPT paging-structure entries".
	 */
	if (acc->write)
		return !pte->w;

	/*
	 * SDM "EPT Violations": "The access is a data read and bit 0 was
	 * clear in any of the EPT paging-structure entries".  Bit 10 grants
	 * no read access: kvm-unit-tests ept_access_test_execute_user_only
	 * expects a read of an XU-only page to cause an EPT violation.
	 */
	return !pte->r;
}

/**
 * npt_fault() - Access-rights check of AMD nested paging.
 * @ctl: controls; @ctl->efer_nx (host EFER.NXE) and @ctl->gmet are used.
 * @pte: nested rights combined over all levels (@w, @x, @u).
 * @acc: the access; @acc->user (guest CPL = 3) is only used with GMET.
 *
 * AMD APM Vol. 2, 15.25 "Nested Paging".  The translation is assumed to be
 * present (P=1 at every level).  The guest's own CR0.WP, CR4.SMEP/SMAP and
 * EFER.NXE only apply to the guest page tables (model those with
 * REF_PAGING_X86); host CR0.WP is ignored under nested paging (15.25.7).
 *
 * Return: true if the access causes a nested page fault, #VMEXIT(NPF).
 */
static bool npt_fault(const struct ref_ctl *ctl, const struct ref_pte *pte,
		      const struct ref_access *acc)
{
	/*
	 * APM 15.25.7 "Combining Nested and Guest Attributes": a page is
	 * guest-executable only if it is executable at both levels; "if the
	 * EFER.NXE bit is cleared for the host, all nested page table
	 * mappings are executable at the underlying nested level".
	 * APM 15.25.13: with GMET "the NX bit set still prohibits execution
	 * at any privilege level" (Table 15-21, first row).
	 */
	if (acc->fetch && ctl->efer_nx && !pte->x)
		return true;

	/*
	 * APM 15.25.7: a page is guest-writable only if it is writable at
	 * both levels; "the host hCR0.WP bit is ignored under nested
	 * paging".  Accesses to the final guest-physical page are user
	 * accesses at the nested level (15.25.5), so R/W=0 always refuses a
	 * write.
	 */
	if (acc->write && !pte->w)
		return true;

	if (!ctl->gmet) {
		/*
		 * APM 15.25.5 "Nested Table Walk": the walk for the guest
		 * page itself "is always treated as a user access at the
		 * nested page table level", as a data read, data write or
		 * code read; 15.25.6: nested accesses are user accesses;
		 * 15.25.7: "The page must be marked user in the nested page
		 * table to allow any guest access."  So U/S=0 refuses every
		 * access, at any guest CPL (kvm-unit-tests npt_us: a CPL0
		 * read of a U/S=0 nested page exits with error code 0x5).
		 */
		return !pte->u;
	}

	/*
	 * APM 15.25.13 "Guest Mode Execute Trap Extension": with GMET
	 * enabled the processor "changes how the U/S bit in nested page
	 * tables is interpreted": with effective NX = 0, if the effective
	 * U/S bit is 1 and the page is being accessed for execution at CPL
	 * 0, 1 or 2, a #VMEXIT(NPF) is generated; with U/S = 0 the
	 * translation of the code page is allowed.  Table 15-21 (GMET page
	 * configuration): NX=0/U=1: user code may execute, supervisor code
	 * may not; NX=0/U=0: both may execute.
	 *
	 * The APM does not say in so many words what U/S=0 means for data
	 * accesses under GMET.  kvm-unit-tests npt_gmet_null runs the guest
	 * at CPL0 with U/S=0 on the whole 2 MiB region holding the test's
	 * code and data and expects no #NPF ("the U bit is only used for
	 * execution"), so under GMET the U/S bit never refuses reads or
	 * writes.
	 *
	 * Whether GMET still applies when host EFER.NXE = 0 is not stated
	 * either; the text is phrased on the "effective NX bit", which is 0
	 * for every mapping when NXE = 0, so this model applies GMET
	 * regardless of @ctl->efer_nx.
	 */
	return acc->fetch && !acc->user && pte->u;
}

/**
 * ref_fault() - Decide whether an access faults because of access rights.
 * @ctl: paging kind and the controls that affect access rights.
 * @pte: effective rights of the final translation, combined over all levels.
 * @acc: the access.
 *
 * For REF_PAGING_X86 and REF_PAGING_NPT the translation is assumed present;
 * for REF_PAGING_EPT a not-present combination (see ref_ept_present()) is
 * reported as a violation.  Reserved bits, misconfigurations and protection
 * keys are not modelled; skip EPT combinations for which
 * ref_ept_misconfig() is true.
 *
 * Return: true if the access causes a page fault (X86), an EPT violation
 * (EPT) or a nested page fault (NPT); false if it is permitted.  An unknown
 * @ctl->paging value is reported as a fault.
 */
bool ref_fault(const struct ref_ctl *ctl, const struct ref_pte *pte,
	       const struct ref_access *acc)
{
	switch (ctl->paging) {
	case REF_PAGING_X86:
		return x86_fault(ctl, pte, acc);
	case REF_PAGING_EPT:
		return ept_fault(ctl, pte, acc);
	case REF_PAGING_NPT:
		return npt_fault(ctl, pte, acc);
	}
	return true;
}
