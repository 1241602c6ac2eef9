/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-mbec compat wrapper of <asm/insn-eval.h>.
 *
 * Kernels older than the base lack insn_assign_reg(), which the base's
 * instruction emulator (arch/x86/kvm/emulate.c) uses for every write to a
 * guest general-purpose register.  Their <asm/insn-eval.h> also uses
 * struct insn and MAX_INSN_SIZE without including <asm/insn.h>, so include
 * that first.  The probe compat/probes/insn_assign_reg.c decides.
 */
#ifndef _KVM_MBEC_ASM_INSN_EVAL_H
#define _KVM_MBEC_ASM_INSN_EVAL_H

#include <asm/insn.h>
#include_next <asm/insn-eval.h>
#include <kvm-mbec/compat-config.h>

#ifndef KVM_MBEC_HAVE_INSN_ASSIGN_REG
#include <linux/types.h>

/**
 * insn_assign_reg() - store into a general-purpose register like a CPU does
 * @reg: the register's storage; may point one byte into it (AH, CH, DH, BH)
 * @val: the value to store
 * @bytes: the width of the write: 1, 2, 4 or 8
 *
 * A 1- or 2-byte write changes only those bytes and leaves the others of
 * the register alone; a 4-byte write clears bits 63:32; an 8-byte write
 * replaces the whole register.  Any other width writes nothing.
 */
static inline void insn_assign_reg(unsigned long *reg, u64 val, int bytes)
{
	if (bytes == 1)
		*(u8 *)reg = (u8)val;
	else if (bytes == 2)
		*(u16 *)reg = (u16)val;
	else if (bytes == 4)
		*reg = (u32)val;	/* zero-extends into bits 63:32 */
	else if (bytes == 8)
		*reg = val;
}
#endif /* !KVM_MBEC_HAVE_INSN_ASSIGN_REG */

#endif /* _KVM_MBEC_ASM_INSN_EVAL_H */
