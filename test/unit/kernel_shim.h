/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types that include/kvm-mbec/permissions.h and
 * src/mmu/kvm_mbec_permissions.c use, for building them in userspace.
 */
#ifndef KVM_MBEC_TEST_KERNEL_SHIM_H
#define KVM_MBEC_TEST_KERNEL_SHIM_H

#include <stdbool.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned long long u64;

#define BIT(nr)		(1UL << (nr))
#define BIT_ULL(nr)	(1ULL << (nr))

#endif /* KVM_MBEC_TEST_KERNEL_SHIM_H */
