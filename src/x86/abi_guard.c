// SPDX-License-Identifier: GPL-2.0
/*
 * ABI guard: the build fails when a field that built-in kernel code reads
 * sits at a different offset, or has a different size, in our headers than
 * in the installed headers of the kernel we build for.  See abi_fields.h
 * for the list and how it was found.
 */
#include <linux/build_bug.h>
#include <linux/kvm_host.h>
#include "abi-stock-offsets.h"	/* generated from abi_stock_offsets.c */

#define KVM_MBEC_ABI_FIELD(name, type, member)				\
	static_assert(offsetof(type, member) == KVM_MBEC_STOCK_OFFSET_##name, \
		      "kvm-mbec ABI guard: offsetof(" #type ", " #member	\
		      ") differs from the installed kernel headers")
#include "abi_fields.h"

#define KVM_MBEC_ABI_FIELD(name, type, member)				\
	static_assert(sizeof_field(type, member) == KVM_MBEC_STOCK_SIZE_##name, \
		      "kvm-mbec ABI guard: sizeof(" #type "." #member	\
		      ") differs from the installed kernel headers")
#include "abi_fields.h"
