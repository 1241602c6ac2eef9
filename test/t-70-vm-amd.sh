#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The AMD emulated host (QEMU TCG, -cpu EPYC,+svm,+npt) boots the real Debian
# kernel, modprobes the stock kvm_amd and then ours, runs the CI subset of
# the KVM selftests on both, 20 reload cycles on ours, and bad input.  Every
# check becomes a result here; a selftest that fails on stock too is a skip
# with stock's reason, one that passes on stock and fails on ours fails.
# make check runs it on the oldest base: the other bases' AMD hosts run the
# same ci plan, stock against ours, in t-74b and (6.12) t-78.
# Runs once per base in make check-full.

. "$(dirname "$0")/lib.sh"

if ! command -v qemu-system-x86_64 >/dev/null; then
	fail "AMD host (QEMU)" "qemu-system-x86_64 missing: sudo scripts/install-deps"
	exit 0
fi
VM_TIMEOUT=900 vm_host "AMD host (QEMU)" amd kvm_amd/parameters/npt=Y
# QEMU's EPYC has no GMET: kvm-mbec status gives that reason on both sides.
vm_status "AMD host (QEMU)" amd-ci stock false 'the CPU lacks GMET'
vm_status "AMD host (QEMU)" amd-ci ours false 'the CPU lacks GMET'
# Our nested-SVM GMET selftest runs its "GMET not offered" part (L1's
# GMET enable ignored) and skips, on both sides: this CPU has no GMET.
vm_selftest "AMD host (QEMU)" amd-ci stock svm_gmet_test SKIP 'KVM offers L1 no GMET'
vm_selftest "AMD host (QEMU)" amd-ci ours svm_gmet_test SKIP 'KVM offers L1 no GMET'
