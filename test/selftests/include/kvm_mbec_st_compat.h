/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_mbec_st_compat.h: one source of our selftests for the selftest
 * libraries of every base (test/vm/build-selftests builds them against
 * each).  What differs is decided by what the library's headers offer,
 * never by a kernel version: a macro the library defines is tested with
 * #ifdef; anything else by a probe (test/selftests/probes/<name>.c, compiled
 * by build-selftests against the library's headers), which becomes
 * KVM_MBEC_ST_HAVE_<NAME> in the generated kvm_mbec_st_config.h.
 */
#ifndef KVM_MBEC_ST_COMPAT_H
#define KVM_MBEC_ST_COMPAT_H

#include "test_util.h"
#include "kvm_util.h"
#include "ucall_common.h"

/*
 * Guest asserts with values.  Where the library has GUEST_ASSERT_1 and
 * GUEST_ASSERT_2, the guest passes the values in the ucall and the host
 * formats them with the format that REPORT_GUEST_ASSERT_1/_2 give.  Where
 * it has none, its guest asserts take a format (ucall_assert()): the guest
 * formats the values into the ucall's buffer, naming each by its
 * expression, and REPORT_GUEST_ASSERT prints that; the host's format is
 * not used there.
 */
#ifndef GUEST_ASSERT_1
#define GUEST_ASSERT_1(_cond, _a1)					\
	__GUEST_ASSERT(_cond, #_a1 " = 0x%lx", (unsigned long)(_a1))
#define GUEST_ASSERT_2(_cond, _a1, _a2)					\
	__GUEST_ASSERT(_cond, #_a1 " = 0x%lx, " #_a2 " = 0x%lx",	\
		       (unsigned long)(_a1), (unsigned long)(_a2))
#define REPORT_GUEST_ASSERT_1(_uc, _host_fmt) REPORT_GUEST_ASSERT(_uc)
#define REPORT_GUEST_ASSERT_2(_uc, _host_fmt) REPORT_GUEST_ASSERT(_uc)
#endif

#endif /* KVM_MBEC_ST_COMPAT_H */
