// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-mbec: the SPTE formats of docs/spte-formats.md, checked at compile
 * time against the patched spte.h.  Every claim of that document that is
 * a constant has its static_assert here; the run-time masks (shadow_*_mask)
 * are set in kvm_mmu_set_ept_masks() and kvm_mmu_reset_all_pte_masks(),
 * which the document quotes.  This file has no code.
 */
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/kvm_host.h>
#include <asm/vmx.h>

#include "mmu.h"
#include "mmu_internal.h"
#include "spte.h"

/* Hardware bits, EPT (SDM Vol. 3C, 29.3.2, Tables 29-1 to 29-6). */
static_assert(BIT_ULL(0) == VMX_EPT_READABLE_MASK);
static_assert(BIT_ULL(1) == VMX_EPT_WRITABLE_MASK);
static_assert(BIT_ULL(2) == VMX_EPT_EXECUTABLE_MASK);	/* XS with MBEC */
static_assert(GENMASK_ULL(5, 3) == VMX_EPT_MT_MASK);
static_assert(BIT_ULL(6) == VMX_EPT_IPAT_BIT);
static_assert(BIT_ULL(7) == PT_PAGE_SIZE_MASK);
static_assert(BIT_ULL(8) == VMX_EPT_ACCESS_BIT);
static_assert(BIT_ULL(9) == VMX_EPT_DIRTY_BIT);
static_assert(BIT_ULL(10) == SPTE_EPT_USER_EXECUTABLE_MASK);	/* XU */

/* Hardware bits, x86 paging and NPT (SDM Vol. 3A, 4.5; APM Vol. 2, 15.25). */
static_assert(BIT_ULL(0) == PT_PRESENT_MASK);
static_assert(BIT_ULL(1) == PT_WRITABLE_MASK);
static_assert(BIT_ULL(2) == PT_USER_MASK);
static_assert(BIT_ULL(5) == PT_ACCESSED_MASK);
static_assert(BIT_ULL(6) == PT_DIRTY_MASK);
static_assert(BIT_ULL(63) == PT64_NX_MASK);

/* KVM's ACC_* permissions and what they map to. */
static_assert(BIT(0) == ACC_EXEC_MASK);
static_assert(ACC_WRITE_MASK == PT_WRITABLE_MASK);
static_assert(ACC_USER_MASK == PT_USER_MASK);
static_assert(ACC_USER_EXEC_MASK == ACC_USER_MASK);
static_assert(BIT(3) == ACC_READ_MASK);
static_assert(GENMASK(3, 0) == ACC_ALL);
static_assert(SPTE_READABLE_MASK == PT_PRESENT_MASK);	/* also EPT's R */

/* Ignored bits that KVM takes for itself. */
static_assert(BIT_ULL(11) == SPTE_MMU_PRESENT_MASK);
static_assert(GENMASK_ULL(53, 52) == SPTE_TDP_AD_MASK);
static_assert(BIT_ULL(9) == DEFAULT_SPTE_HOST_WRITABLE);
static_assert(BIT_ULL(10) == DEFAULT_SPTE_MMU_WRITABLE);
static_assert(BIT_ULL(57) == EPT_SPTE_HOST_WRITABLE);
static_assert(BIT_ULL(58) == EPT_SPTE_MMU_WRITABLE);
/* XU is hardware with MBEC: no software bit of an EPT SPTE may be 10. */
static_assert(!((EPT_SPTE_HOST_WRITABLE | EPT_SPTE_MMU_WRITABLE |
		 SPTE_MMU_PRESENT_MASK | SPTE_TDP_AD_MASK) &
		SPTE_EPT_USER_EXECUTABLE_MASK));

/* Access tracking: R and XS saved in 54 and 56, XU in 55 (W's slot). */
static_assert(SHADOW_ACC_TRACK_SAVED_BITS_SHIFT == 54);
static_assert((SHADOW_ACC_TRACK_SAVED_BITS_MASK <<
	       SHADOW_ACC_TRACK_SAVED_BITS_SHIFT) == (BIT_ULL(54) | BIT_ULL(56)));
static_assert(BIT_ULL(55) == SHADOW_ACC_TRACK_SAVED_XU);

/* MMIO SPTEs: an 18-bit generation in bits 3-9 and 52-62, never bit 10. */
static_assert(GENMASK_ULL(9, 3) == MMIO_SPTE_GEN_LOW_MASK);
static_assert(GENMASK_ULL(62, 52) == MMIO_SPTE_GEN_HIGH_MASK);
static_assert(MMIO_SPTE_GEN_LOW_BITS + MMIO_SPTE_GEN_HIGH_BITS == 18);
static_assert(GENMASK_ULL(17, 0) == MMIO_SPTE_GEN_MASK);
static_assert(!((MMIO_SPTE_GEN_LOW_MASK | MMIO_SPTE_GEN_HIGH_MASK) &
		SPTE_EPT_USER_EXECUTABLE_MASK));
static_assert(SPTE_MMIO_ALLOWED_MASK == (BIT_ULL(63) | GENMASK_ULL(51, 12) |
					 BIT_ULL(10) | GENMASK_ULL(2, 0)));

/*
 * A base whose non-present SPTEs are not 0 (6.12): they are bit 63, which
 * is EPT's suppress #VE (and the x86 format's NX); no present bit of any
 * format, MBEC's XU included.
 */
#ifdef SHADOW_NONPRESENT_VALUE
static_assert(BIT_ULL(63) == SHADOW_NONPRESENT_VALUE);
static_assert(BIT_ULL(63) == VMX_EPT_SUPPRESS_VE_BIT);
static_assert(!(SHADOW_NONPRESENT_VALUE &
		(VMX_EPT_RWX_MASK | SPTE_EPT_USER_EXECUTABLE_MASK |
		 PT_PRESENT_MASK | SPTE_MMU_PRESENT_MASK)));
#endif

/*
 * The removed (frozen) SPTE: not present for any format, MBEC included.
 * Its name follows the base; a base that sets bit 63 in every non-present
 * SPTE (EPT's suppress #VE) has that bit in it too.
 */
#ifdef FROZEN_SPTE
#define KVM_MBEC_FROZEN_SPTE	FROZEN_SPTE
#else
#define KVM_MBEC_FROZEN_SPTE	REMOVED_SPTE
#endif
#ifdef SHADOW_NONPRESENT_VALUE
static_assert(KVM_MBEC_FROZEN_SPTE == (SHADOW_NONPRESENT_VALUE | 0x1a0ULL));
#else
static_assert(KVM_MBEC_FROZEN_SPTE == 0x1a0ULL);
#endif
static_assert(!(KVM_MBEC_FROZEN_SPTE &
		(VMX_EPT_RWX_MASK | SPTE_EPT_USER_EXECUTABLE_MASK |
		 PT_PRESENT_MASK | SPTE_MMU_PRESENT_MASK)));
