#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvm_amd.enable_gmet=1 on an AMD host without GMET (QEMU 7.2 TCG, EPYC with
# SVM and NPT; no emulator implements GMET): ours says what is missing, the
# parameter reads N, and the selftests match stock.  t-70 covers
# enable_gmet=0 (the default); the ci plan's bad input checks
# enable_gmet=banana and gmet=banana.
# Runs once per base in make check-full.

. "$(dirname "$0")/lib.sh"

VM_TIMEOUT=900 vm_param_unavailable \
	"AMD host (QEMU), enable_gmet=1" amd kvm_amd enable_gmet gmet
