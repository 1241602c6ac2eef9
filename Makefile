# SPDX-License-Identifier: GPL-2.0
#
# kvm-mbec: Linux KVM for x86 (kvm.ko, kvm-intel.ko, kvm-amd.ko) from the
# pinned Debian 6.1 base plus our series, built out of tree and installed
# with DKMS.  The work is done by scripts/; see README.md.

# KVER=<release> builds for that kernel; empty means the running kernel if
# supported, else the newest installed supported headers.
KVER ?=
S := scripts

.PHONY: all modules import tree git-tree export-series check check-unit \
	dist install uninstall matrix deps bench-build demo check-vm-full bench-vm bench-vm-mbec clean clean-modules distclean help

all: modules

help:
	@sed -n 's/^## //p' $(firstword $(MAKEFILE_LIST))

## modules        build the three modules for KVER (the default target)
modules:
	$(S)/build-modules $(KVER)

## import         verify the pinned base tarball and extract it into build/base
import:
	$(S)/import

## tree           apply the series onto the base in build/src
tree:
	$(S)/prepare-tree

## git-tree       base + series as a git repository in build/git (FORCE=1 redoes it)
git-tree:
	$(S)/git-tree $(if $(FORCE),--force)

## export-series  write build/git's commits back to src/<area>/ and src/series
export-series:
	$(S)/export-series

## deps           install the Debian packages that building and testing need
deps:
	$(S)/install-deps $(KVER)

## check          the test suite (what CI runs); ends with "N passed, M failed"
check: deps
	test/run $(TESTS)

## bench-build    benchmark: clean build time, ours against the plain base
bench-build:
	$(S)/bench-build $(KVER)

## demo           see it work: an emulated Debian host (QEMU, AMD) modprobes
##                ours, shows the banner and parameters, runs a guest, powers off
demo: deps
	VM_VERBOSE=1 test/vm/run-host amd smoke

## check-vm-full  every selftest and 1000 reload cycles, on both emulated hosts (long)
# Both hosts at once (one emulator thread each); the shared inputs are built
# first so that the two runs do not build into the same directories.
# vmx_preemption_timer_test and tsc_scaling_sync wedge Debian's Bochs 2.7
# guest, with the stock modules: no output, and the in-guest timeout does
# not fire, for 20 and 30 minutes.
INTEL_FULL_SKIP = kvm_mbec.skip=vmx_preemption_timer_test,tsc_scaling_sync
check-vm-full: deps
	mkdir -p build/vm/logs
	scripts/build-modules 6.1.0-56-amd64 >build/vm-build-modules.log 2>&1
	test/vm/build-selftests
	export VM_NO_BUILD=1 VM_TIMEOUT=$${VM_TIMEOUT:-14400}; \
	test/vm/run-host amd full >build/vm/logs/amd-full.out 2>&1 & amd=$$!; \
	test/vm/run-host intel full "$(INTEL_FULL_SKIP)" >build/vm/logs/intel-full.out 2>&1; intel=$$?; \
	wait $$amd; amd=$$?; \
	cat build/vm/logs/amd-full.out build/vm/logs/intel-full.out; \
	echo "check-vm-full: amd exit $$amd, intel exit $$intel"; \
	[ $$amd -eq 0 ] && [ $$intel -eq 0 ]

## bench-vm       benchmark: selftests perf tests and module load time on the AMD
##                host: stock, ours, ours with enable_gmet=1, as ratios to stock
##                (medians of BENCH_ROUNDS interleaved rounds, default 5;
##                QEMU with -icount, QEMU_ICOUNT= for real time;
##                BENCH_MEM=256M for a finer dirty_log figure)
BENCH_ROUNDS ?= 5
BENCH_MEM ?= 64M
bench-vm: deps
	QEMU_ICOUNT=$${QEMU_ICOUNT-shift=1,sleep=off} test/vm/run-host amd bench \
		"kvm_mbec.bench_sides=stock,ours,gmet1:enable_gmet=1 kvm_mbec.bench_rounds=$(BENCH_ROUNDS) kvm_mbec.bench_mem=$(BENCH_MEM)"
	test/vm/bench-report build/vm/logs/amd-bench.log

## bench-vm-mbec  benchmark on the Intel host: stock, ours, ours with enable_mbec=1
## (BOCHS=... for an MBEC-capable upstream Bochs; Debian's has no MBEC)
bench-vm-mbec: deps
	test/vm/run-host $(if $(BOCHS),intel-mbec,intel) bench \
		"kvm_mbec.bench_sides=stock,ours,mbec1:enable_mbec=1 kvm_mbec.bench_rounds=$(BENCH_ROUNDS) kvm_mbec.bench_mem=$(BENCH_MEM) $(if $(BOCHS),kvm_intel.enable_apicv=0)"
	test/vm/bench-report build/vm/logs/$(if $(BOCHS),intel-mbec,intel)-bench.log

## dist           a self-contained DKMS source tarball, base imported and patched
dist:
	$(S)/dist

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
