/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vbs-probe: the types it uses and what entry.S and probe.c share.
 */
#ifndef VBS_PROBE_H
#define VBS_PROBE_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define BIT(n)		(1u << (n))
#define BIT_ULL(n)	(1ull << (n))

/* entry.S: the addresses of the 32 exception stubs */
extern const u32 exc_stubs[32];

void probe_main(u32 magic, u32 mbi);
void probe_exception(u32 vector);

#endif /* VBS_PROBE_H */
