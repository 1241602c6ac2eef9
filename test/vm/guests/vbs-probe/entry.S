/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vbs-probe entry: the multiboot (v1) header, a GDT of our own (the
 * multiboot spec leaves GDTR undefined), a stack, and the 32 exception
 * stubs that probe.c installs in its IDT.  The loader enters _start in
 * 32-bit protected mode, paging off, EAX = 0x2badb002, EBX = the
 * multiboot information.
 */

#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000000

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .text
	.globl _start
_start:
	cli
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movw $0x10, %cx
	movw %cx, %ds
	movw %cx, %es
	movw %cx, %fs
	movw %cx, %gs
	movw %cx, %ss
	movl $stack_top, %esp
	pushl %ebx			/* multiboot information */
	pushl %eax			/* multiboot magic */
	call probe_main
2:	hlt
	jmp 2b

/* Exception n: push n, then probe_exception(n), which does not return. */
	.macro exc_stub n
exc_stub_\n:
	pushl $\n
	call probe_exception
	.endm

	.altmacro
	.set i, 0
	.rept 32
	exc_stub %i
	.set i, i + 1
	.endr

	.macro exc_entry n
	.long exc_stub_\n
	.endm

	.section .rodata
	.balign 4
	.globl exc_stubs
exc_stubs:
	.set i, 0
	.rept 32
	exc_entry %i
	.set i, i + 1
	.endr

	.balign 8
gdt:
	.quad 0				/* null */
	.quad 0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.section .bss
	.balign 16
	.skip 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
