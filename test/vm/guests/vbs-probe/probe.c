// SPDX-License-Identifier: GPL-2.0
/*
 * vbs-probe: what a Windows VBS guest's hypervisor would see of the CPU
 * that QEMU gives it, printed on COM1 (0x3f8), then QEMU is ended through
 * isa-debug-exit (port 0xf4).  One line for the plans and the guide:
 *
 *   vbs-probe: vmx=1 hv_vendor=Microsoft Hv evmcs=1 mbec=1 ept_adv=1
 *
 *   vmx       CPUID.1:ECX[5]
 *   hv_vendor the 12 characters of CPUID 0x40000000 EBX:ECX:EDX when the
 *             hypervisor bit CPUID.1:ECX[31] is set, else "none"
 *   evmcs     a Hyper-V interface (CPUID 0x40000001 EAX = "Hv#1") that
 *             recommends the enlightened VMCS: CPUID 0x40000004 EAX[14]
 *   mbec      IA32_VMX_PROCBASED_CTLS2 (0x48b) allowed-1 bit 22, i.e. MSR
 *             bit 54: mode-based execute control for EPT
 *   ept_adv   IA32_VMX_EPT_VPID_CAP (0x48c) bit 22: advanced EPT-violation
 *             exit information
 *
 * and a second line, "vbs-probe-raw: ...", with the registers and MSRs
 * these come from (and CPUID 0x4000000A EAX, the eVMCS version range, and
 * the AMD side: SVM, CPUID 0x8000000A EDX[17] GMET).  The VMX MSRs are
 * read only when CPUID reports VMX, 0x48b only when IA32_VMX_PROCBASED_CTLS
 * allows secondary controls, 0x48c only when those allow EPT or VPID.
 *
 * Exit status of QEMU (isa-debug-exit: (value << 1) | 1): 1 when the probe
 * ran to its end, 3 after an unexpected exception (reported on COM1).  The
 * multiboot command line "vbs-probe.fault" raises #UD after the report, to
 * test that path.
 */

#include "probe.h"

#define COM1			0x3f8
#define DEBUG_EXIT_PORT		0xf4
#define MULTIBOOT_MAGIC		0x2badb002
#define MULTIBOOT_INFO_CMDLINE	BIT(2)

#define CPUID_1_ECX_VMX		BIT(5)
#define CPUID_1_ECX_HYPERVISOR	BIT(31)
#define CPUID_80000001_ECX_SVM	BIT(2)
#define CPUID_8000000A_EDX_GMET	BIT(17)

#define HV_CPUID_VENDOR		0x40000000
#define HV_CPUID_INTERFACE	0x40000001
#define HV_CPUID_FEATURES	0x40000003
#define HV_CPUID_ENLIGHTENMENTS	0x40000004
#define HV_CPUID_NESTED		0x4000000a
#define HV_INTERFACE_HV1	0x31237648	/* "Hv#1" */
#define HV_EVMCS_RECOMMENDED	BIT(14)

#define MSR_IA32_VMX_PROCBASED_CTLS	0x482
#define MSR_IA32_VMX_PROCBASED_CTLS2	0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP	0x48c
#define PROCBASED_SECONDARY_CONTROLS	BIT_ULL(63)
#define CTLS2_ENABLE_EPT		BIT_ULL(32 + 1)
#define CTLS2_ENABLE_VPID		BIT_ULL(32 + 5)
#define CTLS2_MBEC			BIT_ULL(32 + 22)
#define EPT_VPID_CAP_ADVANCED_INFO	BIT_ULL(22)

/* A 32-bit interrupt gate: two words, no packed struct needed. */
struct idt_gate {
	u32 low;	/* selector << 16 | offset 15:0 */
	u32 high;	/* offset 31:16 << 16 | present, DPL 0, type 0xe */
};

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static struct idt_gate idt[32];

static inline void port_out8(u16 port, u8 value)
{
	asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline u8 port_in8(u16 port)
{
	u8 value;

	asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline struct cpuid_regs cpuid(u32 leaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(0));
	return r;
}

static inline u64 rdmsr(u32 msr)
{
	u32 low, high;

	asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
	return ((u64)high << 32) | low;
}

/**
 * serial_init() - COM1 at 115200 8N1, FIFOs on, interrupts off
 */
static void serial_init(void)
{
	port_out8(COM1 + 1, 0x00);
	port_out8(COM1 + 3, 0x80);
	port_out8(COM1 + 0, 0x01);
	port_out8(COM1 + 1, 0x00);
	port_out8(COM1 + 3, 0x03);
	port_out8(COM1 + 2, 0xc7);
	port_out8(COM1 + 4, 0x03);
}

/**
 * serial_putc() - one character on COM1
 * @c: the character
 *
 * Waits, a bounded time, for the transmit holding register to be empty.
 */
static void serial_putc(char c)
{
	int i;

	for (i = 0; i < 100000 && !(port_in8(COM1 + 5) & 0x20); i++)
		;
	port_out8(COM1, c);
}

/**
 * serial_puts() - a string on COM1
 * @s: the string
 */
static void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

/**
 * put_hex() - a number in hex with a 0x prefix on COM1
 * @value: the number
 * @digits: how many hex digits to print
 */
static void put_hex(u64 value, int digits)
{
	static const char hex[] = "0123456789abcdef";

	serial_puts("0x");
	while (digits-- > 0)
		serial_putc(hex[(value >> (4 * digits)) & 0xf]);
}

/**
 * put_field() - " name=0x..." on COM1
 * @name: the field name
 * @value: its value
 * @digits: how many hex digits to print
 */
static void put_field(const char *name, u64 value, int digits)
{
	serial_putc(' ');
	serial_puts(name);
	serial_putc('=');
	put_hex(value, digits);
}

/**
 * put_flag() - " name=0" or " name=1" on COM1
 * @name: the field name
 * @set: its value
 */
static void put_flag(const char *name, int set)
{
	serial_putc(' ');
	serial_puts(name);
	serial_putc('=');
	serial_putc(set ? '1' : '0');
}

/**
 * debug_exit() - end QEMU through isa-debug-exit, or halt if there is none
 * @value: QEMU exits with (@value << 1) | 1
 */
static void debug_exit(u8 value)
{
	port_out8(DEBUG_EXIT_PORT, value);
	for (;;)
		asm volatile("cli; hlt");
}

/**
 * idt_init() - route the 32 exceptions to probe_exception()
 *
 * A fault (for example #GP from an MSR the hypervisor does not emulate)
 * then ends QEMU with a message instead of a triple fault or a hang.
 */
static void idt_init(void)
{
	/* the 6-byte operand of lidt: limit, then the base in two halves */
	u16 desc[3];
	int i;

	for (i = 0; i < 32; i++) {
		idt[i].low = (0x08 << 16) | (exc_stubs[i] & 0xffff);
		idt[i].high = (exc_stubs[i] & 0xffff0000) | 0x8e00;
	}
	desc[0] = sizeof(idt) - 1;
	desc[1] = (u32)idt & 0xffff;
	desc[2] = (u32)idt >> 16;
	asm volatile("lidt %0" : : "m"(desc));
}

/**
 * probe_exception() - report an unexpected exception and end QEMU
 * @vector: the exception vector
 *
 * Called from the stubs in entry.S.
 */
void probe_exception(u32 vector)
{
	serial_puts("\nvbs-probe: exception");
	put_field("vector", vector, 2);
	serial_puts("\n");
	debug_exit(1);
}

/**
 * cmdline_has() - the multiboot command line contains a word
 * @magic: the multiboot magic the loader passed
 * @mbi: the multiboot information the loader passed
 * @word: the word to look for
 *
 * Return: 1 if @word is one of the space-separated words, else 0.
 */
static int cmdline_has(u32 magic, u32 mbi, const char *word)
{
	const char *p, *w;

	if (magic != MULTIBOOT_MAGIC ||
	    !(((const u32 *)mbi)[0] & MULTIBOOT_INFO_CMDLINE))
		return 0;
	p = (const char *)((const u32 *)mbi)[4];
	while (*p) {
		for (w = word; *w && *p == *w; p++, w++)
			;
		if (!*w && (*p == ' ' || !*p))
			return 1;
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/**
 * put_vendor() - the hypervisor vendor string of CPUID 0x40000000
 * @r: that leaf
 *
 * Printable characters only; NULs end it, anything else shows as '?'.
 */
static void put_vendor(const struct cpuid_regs *r)
{
	u32 words[3] = { r->ebx, r->ecx, r->edx };
	int i;

	for (i = 0; i < 12; i++) {
		char c = (words[i / 4] >> (8 * (i % 4))) & 0xff;

		if (!c)
			break;
		serial_putc(c >= 0x20 && c < 0x7f ? c : '?');
	}
}

/**
 * probe_main() - probe, report, end QEMU
 * @magic: EAX from the multiboot loader
 * @mbi: EBX from the multiboot loader
 */
void probe_main(u32 magic, u32 mbi)
{
	struct cpuid_regs leaf1, hv = { 0 }, hv3 = { 0 }, hv4 = { 0 };
	struct cpuid_regs hva = { 0 };
	u32 hv_if = 0, ext_max, svm_edx = 0;
	u64 procbased = 0, ctls2 = 0, ept_vpid_cap = 0;
	int vmx, hyper, is_hv, svm;

	serial_init();
	idt_init();

	leaf1 = cpuid(1);
	vmx = !!(leaf1.ecx & CPUID_1_ECX_VMX);
	hyper = !!(leaf1.ecx & CPUID_1_ECX_HYPERVISOR);
	if (hyper) {
		hv = cpuid(HV_CPUID_VENDOR);
		if (hv.eax >= HV_CPUID_INTERFACE)
			hv_if = cpuid(HV_CPUID_INTERFACE).eax;
	}
	is_hv = hv_if == HV_INTERFACE_HV1;
	if (is_hv && hv.eax >= HV_CPUID_ENLIGHTENMENTS) {
		hv3 = cpuid(HV_CPUID_FEATURES);
		hv4 = cpuid(HV_CPUID_ENLIGHTENMENTS);
	}
	if (is_hv && hv.eax >= HV_CPUID_NESTED)
		hva = cpuid(HV_CPUID_NESTED);

	ext_max = cpuid(0x80000000).eax;
	svm = ext_max >= 0x80000001 &&
	      (cpuid(0x80000001).ecx & CPUID_80000001_ECX_SVM);
	if (svm && ext_max >= 0x8000000a)
		svm_edx = cpuid(0x8000000a).edx;

	if (vmx) {
		procbased = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
		if (procbased & PROCBASED_SECONDARY_CONTROLS)
			ctls2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
		if (ctls2 & (CTLS2_ENABLE_EPT | CTLS2_ENABLE_VPID))
			ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	}

	serial_puts("vbs-probe:");
	put_flag("vmx", vmx);
	serial_puts(" hv_vendor=");
	if (hyper)
		put_vendor(&hv);
	else
		serial_puts("none");
	put_flag("evmcs", is_hv && (hv4.eax & HV_EVMCS_RECOMMENDED));
	put_flag("mbec", !!(ctls2 & CTLS2_MBEC));
	put_flag("ept_adv", !!(ept_vpid_cap & EPT_VPID_CAP_ADVANCED_INFO));
	serial_puts("\n");

	serial_puts("vbs-probe-raw:");
	put_field("cpuid1.ecx", leaf1.ecx, 8);
	put_field("hv_max", hv.eax, 8);
	put_field("hv_if", hv_if, 8);
	put_field("hv3.eax", hv3.eax, 8);
	put_field("hv3.ebx", hv3.ebx, 8);
	put_field("hv3.edx", hv3.edx, 8);
	put_field("hv4.eax", hv4.eax, 8);
	put_field("hv4.ebx", hv4.ebx, 8);
	put_field("hva.eax", hva.eax, 8);
	put_flag("svm", svm);
	put_flag("gmet", !!(svm_edx & CPUID_8000000A_EDX_GMET));
	put_field("procbased", procbased, 16);
	put_field("ctls2", ctls2, 16);
	put_field("ept_vpid_cap", ept_vpid_cap, 16);
	serial_puts(magic == MULTIBOOT_MAGIC ? " multiboot=ok\n" : " multiboot=bad\n");

	if (cmdline_has(magic, mbi, "vbs-probe.fault"))
		asm volatile("ud2");
	debug_exit(0);
}
