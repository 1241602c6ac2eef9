# SPDX-License-Identifier: GPL-2.0
#
# kvm-mbec: Linux KVM for x86 (kvm.ko, kvm-intel.ko, kvm-amd.ko) from a
# pinned Debian base (bases/6.1 for 6.1.0-* kernels, bases/6.12 for
# 6.12.*+deb12-*) plus its series, built out of tree and installed with
# DKMS.  The work is done by scripts/; see README.md.

# KVER=<release> builds for that kernel; empty means the running kernel if
# supported, else the newest installed supported headers.
KVER ?=
# BASE=<id> (bases/<id>/) chooses the base for the targets that work on one
# (import, tree, git-tree, export-series, check-series, rebase, check-debian,
# matrix); a KVER chooses its own.  Empty: the running kernel's base, else
# the oldest.
BASE ?=
ifneq ($(BASE),)
export KVM_MBEC_BASE := $(BASE)
endif
S := scripts

.PHONY: all modules import tree git-tree export-series rebase follow check-debian check check-full check-unit \
	dist deb install uninstall matrix deps check-series check-mutants bench-build demo gmet-qemu check-vm-full bench-vm bench-vm-mbec clean clean-modules distclean help

all: modules

help:
	@sed -n 's/^## //p' $(firstword $(MAKEFILE_LIST))

## modules        build the three modules for KVER (the default target)
modules:
	$(S)/build-modules $(KVER)

## import         verify the pinned base tarball and extract it into build/<base>/base
import:
	$(S)/import

## tree           apply the series onto the base in build/<base>/src
tree:
	$(S)/prepare-tree

## git-tree       base + series as a git repository in build/<base>/git (FORCE=1
##                redoes it); BASE=6.12 for the other base
git-tree:
	$(S)/git-tree $(if $(FORCE),--force)

## export-series  write build/<base>/git's commits back to src/<area>/<base>/ and
##                bases/<base>/series
export-series:
	$(S)/export-series

## rebase         follow Debian: make rebase VERSION=<linux-source-6.1 or -6.12 version>
##                lists the changed KVM files and changelog, applies the series,
##                updates bases/, builds for every installed supported kernel
rebase:
	$(S)/rebase $(VERSION)

## follow         one unattended run per new Debian kernel: check-debian, rebase,
##                the build matrix, the tests and emulated hosts on the new kernel,
##                a report and a commit on a new branch, or a stop with the
##                evidence (make follow VERSION=... : to that version; docs/follow.md)
follow:
	$(S)/follow $(VERSION)

## check-debian   does the archive have a newer linux-source-6.1/-6.12 or kernel ABI
##                than we support?  (exit 1 if so; for a cron job)
check-debian:
	$(S)/check-debian

## deps           install the Debian packages that building and testing need
deps:
	$(S)/install-deps $(KVER)

## check          the test suite (what CI runs); ends with "N passed, M failed"
check: deps
	test/run $(TESTS)

## check-full     make check plus what its 60-minute budget leaves out
##                (test/vm/README.md, "CI budget"); about 2 hours on 2 cores
check-full: deps
	KVM_MBEC_CHECK_FULL=1 test/run $(TESTS)

## check-series   bisectability: build every prefix of the series (one build
##                per patch, in build/check-series/; not part of make check;
##                KVER=<a 6.12 kernel> for the 6.12 series)
check-series:
	$(S)/check-series $(KVER)

## check-mutants  do the security fixes' tests fail without them?  Builds ours
##                with each mutant of test/mutants/ (one fix reverted), runs
##                its test on its emulated host, prints a table (long; not in
##                make check).  MUTANTS="d2-split d6-stale-7-8" runs some.
check-mutants: deps
	$(S)/check-mutants $(MUTANTS)

## bench-build    benchmark: clean build time, ours against the plain base
bench-build:
	$(S)/bench-build $(KVER)

## demo           see it work: an emulated Debian host (QEMU, AMD) modprobes
##                ours, shows the banner and parameters, runs a guest, powers off
demo: deps
	VM_VERBOSE=1 test/vm/run-host amd smoke

## gmet-qemu      build (once per machine; cached outside the clone) or find the
##                GMET-capable AMD host's QEMU, Debian's qemu with our patch
##                (test/vm/gmet-qemu), and print its path
gmet-qemu: deps
	@test/vm/gmet-qemu

## check-vm-full  every selftest and 1000 reload cycles, on both emulated hosts (long)
# Two emulators at a time, one host thread each: the AMD full plan and then
# the Intel reload cycles, beside the Intel selftests.  The shared inputs are
# built first so that the runs do not build into the same directories.
# In Debian's Bochs 2.7 a guest second took 14 to 56 s of wall time in the
# reload cycles (one to three other emulators running), so the Intel
# selftests get a 20 s timeout; 300 s would stand for hours.  Five tests are
# not run there.  On stock, with the guest's timeout at 10 s,
# hardware_disable_test ran for over 20 minutes without the timeout firing,
# and Bochs logged no new VM in the 45 s watched; at 20 s,
# memslot_perf_test ran for over 30 minutes and set_memory_region_test for
# over 25 without returning; vmx_preemption_timer_test and tsc_scaling_sync
# ran for 20 and 30 minutes without output.  All five keep an L2 vCPU
# running guest code for long stretches; our guess, not verified, is that
# Bochs 2.7 then stops delivering the L1 timer interrupt.
INTEL_FULL_SKIP = vmx_preemption_timer_test,tsc_scaling_sync,hardware_disable_test,memslot_perf_test,set_memory_region_test
INTEL_FULL_ARGS = kvm_mbec.skip=$(INTEL_FULL_SKIP) \
	kvm_mbec.timeout=20 kvm_mbec.cycles=0
INTEL_CYCLES_ARGS = kvm_mbec.tests=sync_regs_test kvm_mbec.cycles=1000
check-vm-full: deps
	mkdir -p build/vm/logs
	scripts/build-modules "$$(scripts/base-info DEFAULT_KVER)" >build/vm/build-modules.log 2>&1
	test/vm/build-selftests
	export VM_NO_BUILD=1 VM_TIMEOUT=$${VM_TIMEOUT:-14400}; L=build/vm/logs; \
	rm -f $$L/amd-full.rc $$L/intel-full.rc $$L/intel-cycles.rc; \
	{ test/vm/run-host amd full >$$L/amd-full.out 2>&1; echo $$? >$$L/amd-full.rc; \
	  VM_NAME=intel-cycles test/vm/run-host intel full "$(INTEL_CYCLES_ARGS)" \
		>$$L/intel-cycles.out 2>&1; echo $$? >$$L/intel-cycles.rc; } & \
	test/vm/run-host intel full "$(INTEL_FULL_ARGS)" >$$L/intel-full.out 2>&1; \
	echo $$? >$$L/intel-full.rc; wait; \
	cat $$L/amd-full.out $$L/intel-full.out $$L/intel-cycles.out; \
	echo "check-vm-full: amd exit $$(cat $$L/amd-full.rc)," \
		"intel exit $$(cat $$L/intel-full.rc), intel cycles exit $$(cat $$L/intel-cycles.rc)"; \
	[ "$$(cat $$L/amd-full.rc $$L/intel-full.rc $$L/intel-cycles.rc)" = "$$(printf '0\n0\n0')" ]

## bench-vm       benchmark: selftests perf tests and module load time on the AMD
##                host with GMET (make gmet-qemu): stock, ours, ours with
##                enable_gmet=1 (GMET on), as ratios to stock
##                (medians of BENCH_ROUNDS interleaved rounds, default 5;
##                QEMU with -icount, QEMU_ICOUNT= for real time;
##                BENCH_MEM=256M for a finer dirty_log figure)
BENCH_ROUNDS ?= 5
BENCH_MEM ?= 64M
bench-vm: deps
	QEMU_ICOUNT=$${QEMU_ICOUNT-shift=1,sleep=off} test/vm/run-host amd-gmet bench \
		"kvm_mbec.bench_sides=stock,ours,gmet1:enable_gmet=1 kvm_mbec.bench_rounds=$(BENCH_ROUNDS) kvm_mbec.bench_mem=$(BENCH_MEM)"
	test/vm/bench-report build/vm/logs/amd-gmet-bench.log

## bench-vm-mbec  benchmark on the Intel host with MBEC (Debian 13's Bochs 3.0,
##                test/vm/mbec-bochs; BOCHS=... for another Bochs >= 3.0):
##                stock, ours, ours with enable_mbec=1, as for bench-vm, and
##                vmx_mbec_exits_test's VM exits per user<->kernel round trip
##                of a nested guest, with MBEC and with two EPT views
bench-vm-mbec: deps
	test/vm/run-host intel-mbec bench \
		"kvm_mbec.bench_sides=stock,ours,mbec1:enable_mbec=1 kvm_mbec.bench_rounds=$(BENCH_ROUNDS) kvm_mbec.bench_mem=$(BENCH_MEM) kvm_intel.enable_apicv=0"
	test/vm/bench-report build/vm/logs/intel-mbec-bench.log

## dist           a self-contained DKMS source tarball, base imported and patched
dist:
	$(S)/dist

## deb            the Debian package kvm-mbec-dkms_<version>_amd64.deb (debhelper;
##                DKMS_VERSION= and DEB_VERSION= set other versions)
DKMS_VERSION ?=
DEB_VERSION ?=
deb:
	DKMS_VERSION="$(DKMS_VERSION)" DEB_VERSION="$(DEB_VERSION)" $(S)/deb

## install        dkms add/build/install for KVER, then depmod (as root)
install:
	$(S)/dkms-install $(KVER)

## uninstall      dkms remove, then depmod: the stock modules are used again
uninstall:
	$(S)/dkms-uninstall

## matrix         benchmark: build for every supported ABI and flavour, as a table
matrix:
	$(S)/matrix

## clean          remove the per-kernel builds, keep the imported base
clean:
	rm -rf build/kver build/probes build/dist

# What DKMS runs as CLEAN: it only needs this kernel's build gone.
clean-modules:
	rm -rf $(if $(KVER),build/kver/$(KVER),build/kver)

## distclean      remove everything under build/
distclean:
	rm -rf build
