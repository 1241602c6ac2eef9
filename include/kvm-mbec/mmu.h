/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-mbec: MMU hooks shared by kvm.ko and the vendor modules.
 */
#ifndef __KVM_MBEC_MMU_H
#define __KVM_MBEC_MMU_H

#include <linux/types.h>

extern bool kvm_mbec_tdp_user_exec;

void kvm_mbec_set_tdp_has_user_exec_permission(bool enable);

#endif /* __KVM_MBEC_MMU_H */
