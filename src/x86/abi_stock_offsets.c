// SPDX-License-Identifier: GPL-2.0
/*
 * Offsets and sizes of the fields in abi_fields.h as the installed kernel
 * headers lay them out.  kvm-mbec.kbuild compiles this file to assembly
 * without our include paths, the same way the kernel generates its
 * asm-offsets.h, and abi_guard.c compares our layout against the result.
 */
#include <linux/kbuild.h>
#include <linux/kvm_host.h>

/**
 * kvm_mbec_abi_stock_offsets() - emit the installed kernel's field layout
 *
 * Never called: it only exists to be compiled to assembly.
 */
static void __used kvm_mbec_abi_stock_offsets(void)
{
#define KVM_MBEC_ABI_FIELD(name, type, member)				\
	DEFINE(KVM_MBEC_STOCK_OFFSET_##name, offsetof(type, member))
#include "abi_fields.h"

#define KVM_MBEC_ABI_FIELD(name, type, member)				\
	DEFINE(KVM_MBEC_STOCK_SIZE_##name, sizeof_field(type, member))
#include "abi_fields.h"
}
