/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-mbec: permission-fault bitmaps for guest page walks and for SPTEs.
 *
 * The MMU decides "does this access fault on this translation" with a
 * precomputed bitmap: one 16-bit word per page-fault error code PFEC[4:1],
 * one bit per value of KVM's ACC_* permissions.  ACC_READ_MASK (for EPT's
 * execute-only pages) and the user-execute bit (EPT XU with MBEC, the U
 * bit's GMET meaning on NPT) need four ACC bits, so a bitmap no longer fits
 * in the u8 that struct kvm_mmu reserves for it.  The bitmaps depend on a
 * handful of mode bits only, so they are computed once for every mode, and
 * struct kvm_mmu keeps a pointer to its mode's table in the same 16 bytes.
 *
 * This header is also compiled into the userspace model test (test/unit),
 * which provides u16, bool and BIT() when __KERNEL__ is not defined.
 */
#ifndef __KVM_MBEC_PERMISSIONS_H
#define __KVM_MBEC_PERMISSIONS_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/types.h>
#endif

/*
 * KVM's ACC_* format (arch/x86/kvm/mmu/spte.h defines ACC_* from these):
 *
 *                    x86 paging, NPT         EPT
 *   ACC_EXEC_MASK    XD/NX clear             XS, bit 2 (X without MBEC)
 *   ACC_WRITE_MASK   R/W                     W, bit 1
 *   ACC_USER_MASK    U/S                     XU, bit 10 (ACC_USER_EXEC_MASK)
 *   ACC_READ_MASK    implied by P            R, bit 0
 *
 * The x86 and NPT tables give the same answer whatever ACC_READ_MASK says,
 * so code that builds an x86-format access need not set it.
 */
#define KVM_MBEC_ACC_EXEC	BIT(0)
#define KVM_MBEC_ACC_WRITE	BIT(1)
#define KVM_MBEC_ACC_USER	BIT(2)
#define KVM_MBEC_ACC_READ	BIT(3)
#define KVM_MBEC_ACC_ALL	(KVM_MBEC_ACC_EXEC | KVM_MBEC_ACC_WRITE | \
				 KVM_MBEC_ACC_USER | KVM_MBEC_ACC_READ)

/*
 * The page-fault error code bits that index a table (PFEC[4:1]).  PFEC.RSVD
 * is never set on a permission check; its slot says that SMAP does not
 * apply to the access (supervisor access with RFLAGS.AC=1, not implicit).
 */
#define KVM_MBEC_PFERR_WRITE	BIT(1)
#define KVM_MBEC_PFERR_USER	BIT(2)
#define KVM_MBEC_PFERR_NOT_SMAP	BIT(3)
#define KVM_MBEC_PFERR_FETCH	BIT(4)
#define KVM_MBEC_PERMISSION_ENTRIES	16

enum kvm_mbec_paging {
	KVM_MBEC_PAGING_X86,	/* the guest's own paging */
	KVM_MBEC_PAGING_EPT,	/* Intel EPT: guest EPT tables and EPT SPTEs */
	KVM_MBEC_PAGING_NPT,	/* AMD NPT: guest nested tables and NPT SPTEs */
	KVM_MBEC_NR_PAGING,
};

/**
 * struct kvm_mbec_paging_mode - what a permission table depends on
 * @paging: the page-table format
 * @has_user_exec_permission: execute permission is split by user and
 *	supervisor mode: MBEC for EPT, GMET for NPT; ignored for x86 paging
 * @cr0_wp: CR0.WP (x86 paging only)
 * @cr4_smep: CR4.SMEP (x86 paging only)
 * @cr4_smap: CR4.SMAP (x86 paging only)
 * @efer_nx: EFER.NX, whether NX/XD is honoured (x86 paging and NPT)
 */
struct kvm_mbec_paging_mode {
	enum kvm_mbec_paging paging;
	bool has_user_exec_permission;
	bool cr0_wp;
	bool cr4_smep;
	bool cr4_smap;
	bool efer_nx;
};

#define KVM_MBEC_NR_PERMISSION_TABLES	(KVM_MBEC_NR_PAGING << 5)

extern u16 kvm_mbec_permission_tables[KVM_MBEC_NR_PERMISSION_TABLES]
				     [KVM_MBEC_PERMISSION_ENTRIES];

void kvm_mbec_fill_permissions(u16 *table,
			       const struct kvm_mbec_paging_mode *mode);
void kvm_mbec_init_permission_tables(void);

/**
 * kvm_mbec_paging_mode_index() - the table number of a paging mode
 * @mode: the paging mode
 *
 * Modes that differ only in bits their format ignores share a table: EPT
 * ignores CR0.WP, CR4.SMEP/SMAP and EFER.NX; NPT ignores CR0.WP and
 * CR4.SMEP/SMAP; x86 paging ignores @has_user_exec_permission.
 *
 * Inline, because the fast page fault path looks up a table for every
 * SPTE it checks; for SPTEs the index folds to a few instructions.
 *
 * Return: an index into kvm_mbec_permission_tables.
 */
static inline unsigned int
kvm_mbec_paging_mode_index(const struct kvm_mbec_paging_mode *mode)
{
	unsigned int index = (unsigned int)mode->paging << 5;

	if (mode->paging != KVM_MBEC_PAGING_X86 && mode->has_user_exec_permission)
		index |= BIT(4);
	if (mode->paging == KVM_MBEC_PAGING_X86) {
		index |= mode->cr0_wp ? BIT(3) : 0;
		index |= mode->cr4_smep ? BIT(2) : 0;
		index |= mode->cr4_smap ? BIT(1) : 0;
	}
	if (mode->paging != KVM_MBEC_PAGING_EPT && mode->efer_nx)
		index |= BIT(0);

	return index;
}

/**
 * kvm_mbec_permissions() - the shared permission table of a paging mode
 * @mode: the paging mode
 *
 * Return: the mode's table, filled by kvm_mbec_init_permission_tables().
 */
static inline const u16 *
kvm_mbec_permissions(const struct kvm_mbec_paging_mode *mode)
{
	return kvm_mbec_permission_tables[kvm_mbec_paging_mode_index(mode)];
}

/**
 * kvm_mbec_permission_fault() - look up one access in a permission table
 * @table: a table from kvm_mbec_permissions()
 * @pfec: page-fault error code; only bits 4:1 are used
 * @pte_access: ACC_* permissions of the translation
 *
 * Return: true if the access faults.
 */
static inline bool kvm_mbec_permission_fault(const u16 *table, unsigned int pfec,
					     unsigned int pte_access)
{
	return (table[(pfec >> 1) & 15] >> (pte_access & KVM_MBEC_ACC_ALL)) & 1;
}

#endif /* __KVM_MBEC_PERMISSIONS_H */
