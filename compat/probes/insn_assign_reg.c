// SPDX-License-Identifier: GPL-2.0
/*
 * Detects insn_assign_reg(), the <asm/insn-eval.h> inline that writes a
 * general-purpose register with the x86 width rules (8/16-bit writes keep
 * the rest of the register, a 32-bit write zero-extends).  A stable
 * backport added it; older Debian 12 ABIs (6.1.0-53 and earlier) lack it.
 *
 * Needed by the base's arch/x86/kvm/emulate.c (register_address_increment(),
 * write_register_operand() and the register writes of the emulator).
 * Without it, include/asm/insn-eval.h provides it.
 */
#include <asm/insn.h>
#include <asm/insn-eval.h>

void kvm_mbec_probe_insn_assign_reg(unsigned long *reg);
void kvm_mbec_probe_insn_assign_reg(unsigned long *reg)
{
	insn_assign_reg(reg, 0, 4);
}
