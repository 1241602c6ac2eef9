// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-mbec: the permission-fault tables of the MMU, one per paging mode.
 *
 * Built into kvm.ko (kvm-mbec.kbuild) and, unchanged, into the userspace
 * model test (test/unit), which checks every table entry against a model
 * written separately from the SDM and the APM.
 */
#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/kvm_host.h>
#endif

#include <kvm-mbec/permissions.h>

#ifdef __KERNEL__
static_assert(KVM_MBEC_PFERR_WRITE == PFERR_WRITE_MASK);
static_assert(KVM_MBEC_PFERR_USER == PFERR_USER_MASK);
static_assert(KVM_MBEC_PFERR_NOT_SMAP == PFERR_RSVD_MASK);
static_assert(KVM_MBEC_PFERR_FETCH == PFERR_FETCH_MASK);
#endif

u16 kvm_mbec_permission_tables[KVM_MBEC_NR_PERMISSION_TABLES]
			      [KVM_MBEC_PERMISSION_ENTRIES];

/*
 * Whether one access faults, for each paging format.  @pfec holds the
 * error code bits W, U, F and the not-SMAP slot; @acc the ACC_* bits.
 */
static bool x86_access_faults(const struct kvm_mbec_paging_mode *mode,
			      unsigned int pfec, unsigned int acc)
{
	bool user_access = pfec & KVM_MBEC_PFERR_USER;
	bool user_page = acc & KVM_MBEC_ACC_USER;

	/* Data writes to read-only pages; supervisor ones only with CR0.WP */
	if ((pfec & KVM_MBEC_PFERR_WRITE) && !(acc & KVM_MBEC_ACC_WRITE) &&
	    (user_access || mode->cr0_wp))
		return true;

	/* User-mode accesses to supervisor pages */
	if (user_access && !user_page)
		return true;

	if (pfec & KVM_MBEC_PFERR_FETCH) {
		/* Fetches from XD pages, when EFER.NX makes XD a permission */
		if (mode->efer_nx && !(acc & KVM_MBEC_ACC_EXEC))
			return true;
		/* SMEP: supervisor fetches from user pages */
		return mode->cr4_smep && !user_access && user_page;
	}

	/*
	 * SMAP: supervisor data accesses to user pages, unless RFLAGS.AC=1
	 * and the access is explicit (the caller sets the not-SMAP slot).
	 */
	return mode->cr4_smap && !user_access && user_page &&
	       !(pfec & KVM_MBEC_PFERR_NOT_SMAP);
}

static bool npt_access_faults(const struct kvm_mbec_paging_mode *mode,
			      unsigned int pfec, unsigned int acc)
{
	bool user_page = acc & KVM_MBEC_ACC_USER;

	if ((pfec & KVM_MBEC_PFERR_WRITE) && !(acc & KVM_MBEC_ACC_WRITE))
		return true;

	if ((pfec & KVM_MBEC_PFERR_FETCH) && mode->efer_nx &&
	    !(acc & KVM_MBEC_ACC_EXEC))
		return true;

	/*
	 * Without GMET every guest access is a user access to the nested
	 * tables, so U=0 denies everything.  With GMET, U=1 means "user
	 * code": supervisor (CPL < 3) fetches fault, and U=0 pages are
	 * accessible and executable in both modes.
	 */
	if (!mode->has_user_exec_permission)
		return !user_page;

	return (pfec & KVM_MBEC_PFERR_FETCH) &&
	       !(pfec & KVM_MBEC_PFERR_USER) && user_page;
}

static bool ept_access_faults(const struct kvm_mbec_paging_mode *mode,
			      unsigned int pfec, unsigned int acc)
{
	unsigned int exec;

	if ((pfec & KVM_MBEC_PFERR_WRITE) && !(acc & KVM_MBEC_ACC_WRITE))
		return true;

	if (!(pfec & KVM_MBEC_PFERR_FETCH))
		return !(pfec & KVM_MBEC_PFERR_WRITE) &&
		       !(acc & KVM_MBEC_ACC_READ);

	/*
	 * With MBEC, PFERR_USER_MASK is the U/S of the guest-linear address
	 * (not the CPL), and selects XU (bit 10) instead of XS (bit 2).
	 */
	exec = KVM_MBEC_ACC_EXEC;
	if (mode->has_user_exec_permission && (pfec & KVM_MBEC_PFERR_USER))
		exec = KVM_MBEC_ACC_USER;

	return !(acc & exec);
}

/**
 * kvm_mbec_fill_permissions() - compute the permission table of a mode
 * @table: KVM_MBEC_PERMISSION_ENTRIES words: index PFEC[4:1], bit ACC_*
 * @mode: the paging mode
 *
 * Bit @acc of @table[@pfec >> 1] is set if an access described by @pfec
 * faults on a translation with permissions @acc.  For x86 paging and NPT
 * the entries do not depend on ACC_READ_MASK: a present entry is readable.
 */
void kvm_mbec_fill_permissions(u16 *table,
			       const struct kvm_mbec_paging_mode *mode)
{
	unsigned int index, acc, pfec, acc_read;
	bool fault;

	for (index = 0; index < KVM_MBEC_PERMISSION_ENTRIES; index++) {
		pfec = index << 1;
		table[index] = 0;
		for (acc = 0; acc <= KVM_MBEC_ACC_ALL; acc++) {
			acc_read = acc | KVM_MBEC_ACC_READ;

			switch (mode->paging) {
			case KVM_MBEC_PAGING_EPT:
				fault = ept_access_faults(mode, pfec, acc);
				break;
			case KVM_MBEC_PAGING_NPT:
				fault = npt_access_faults(mode, pfec, acc_read);
				break;
			default:
				fault = x86_access_faults(mode, pfec, acc_read);
				break;
			}
			if (fault)
				table[index] |= BIT(acc);
		}
	}
}

/**
 * kvm_mbec_init_permission_tables() - fill every mode's permission table
 *
 * Called once when kvm.ko loads, before any vCPU can exist.
 */
void kvm_mbec_init_permission_tables(void)
{
	struct kvm_mbec_paging_mode mode;
	unsigned int index;

	for (index = 0; index < KVM_MBEC_NR_PERMISSION_TABLES; index++) {
		mode = (struct kvm_mbec_paging_mode) {
			.paging = index >> 5,
			.has_user_exec_permission = index & BIT(4),
			.cr0_wp = index & BIT(3),
			.cr4_smep = index & BIT(2),
			.cr4_smap = index & BIT(1),
			.efer_nx = index & BIT(0),
		};
		kvm_mbec_fill_permissions(kvm_mbec_permission_tables[index], &mode);
	}
}
