/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fields of KVM structures that code built into the kernel image reads or
 * writes at offsets fixed when the kernel was built.  Module versioning does
 * not cover them: if our headers move one of these fields, the kernel keeps
 * using the old offset and silently touches the wrong memory.
 *
 * src/x86/abi_stock_offsets.c records each offset and size as the installed
 * kernel headers define them, src/x86/abi_guard.c fails the build when ours
 * differ.
 *
 * How the list was found (re-derive it on a rebase with scripts/abi-users):
 * every built-in (non-KVM, x86) source file of the base that includes
 * <linux/kvm_host.h> or <asm/kvm_host.h>, and every field that it or an
 * inline helper it calls dereferences:
 *
 * - kernel/entry/kvm.c, xfer_to_guest_mode_handle_work() via the inline
 *   kvm_handle_signal_exit(): vcpu->run, vcpu->stat.signal_exits.
 * - arch/x86/events/intel/core.c, intel_guest_get_msrs(), which KVM calls
 *   through perf_guest_get_msrs() with &vcpu->arch.pmu: the kvm_pmu fields
 *   ds_area, pebs_data_cfg, pebs_enable and host_cross_mapped_mask.
 *
 * Both bases, 6.1 and 6.12, have these two and no other (6.12's vfio.ko,
 * which also includes kvm_host.h, is a module and reads no KVM field).
 *
 * Like kvm-x86-ops.h, this is a list without include guard: define
 * KVM_MBEC_ABI_FIELD(name, type, member) before each inclusion; it is
 * undefined again at the end.
 */
KVM_MBEC_ABI_FIELD(vcpu_run, struct kvm_vcpu, run);
KVM_MBEC_ABI_FIELD(vcpu_signal_exits, struct kvm_vcpu, stat.signal_exits);
KVM_MBEC_ABI_FIELD(pmu_ds_area, struct kvm_pmu, ds_area);
KVM_MBEC_ABI_FIELD(pmu_pebs_data_cfg, struct kvm_pmu, pebs_data_cfg);
KVM_MBEC_ABI_FIELD(pmu_pebs_enable, struct kvm_pmu, pebs_enable);
KVM_MBEC_ABI_FIELD(pmu_host_cross_mapped_mask, struct kvm_pmu, host_cross_mapped_mask);

#undef KVM_MBEC_ABI_FIELD
