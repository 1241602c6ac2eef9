#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Plan "ci": a subset of fast selftests on stock and on ours, field-trial
# reload cycles on ours, bad module parameters, the other vendor's module.
# Runs inside the guest (busybox ash), sourced by /init.
# kvm_mbec.cycles=N (default 20), kvm_mbec.timeout=S (default 300),
# kvm_mbec.tests=a,b (another subset).  xapic_state_test is left to the full
# plan: it takes 17-40 s under TCG, and once hung a loaded machine's guest.
# kvm-mbec-selftests: cpuid_test cr4_cpuid_sync_test get_msr_index_features emulator_error_test fix_hypercall_test kvm_pv_test mmio_warning_test platform_info_test set_sregs_test sync_regs_test userspace_io_test userspace_msr_exit_test debug_regs tsc_msrs_test kvm_binary_stats_test max_vcpuid_cap_test triple_fault_event_test state_test smm_test svm_vmcall_test svm_int_ctl_test svm_nested_shutdown_test svm_nested_soft_inject_test svm_gmet_test nested_exceptions_test vmx_msrs_test vmx_tsc_adjust_test vmx_apic_access_test vmx_close_while_nested_test vmx_preemption_timer_test

CYCLES=$(cmdline_param kvm_mbec.cycles || echo 20)
TO=$(cmdline_param kvm_mbec.timeout || echo 300)
TESTS=$(cmdline_param kvm_mbec.tests | tr ',' ' ')
[ -n "$TESTS" ] || TESTS=$(sed -n 's/^# kvm-mbec-selftests: //p' /lib/kvm-mbec/plan.sh)

stock_ours_then_ours "$TESTS" "$TO" "$CYCLES"
