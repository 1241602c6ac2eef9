# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # VM_* are used by the runners
# Shared part of the host runners test/vm/run-qemu and test/vm/run-bochs.
# Source it after scripts/lib.sh; do not run it.
#
# The contract of every runner:
#
#   run-<emulator> [--kernel K] --initrd I [--append "extra"] [--log FILE]
#                  [--timeout SECONDS]
#
# boots K (default /boot/vmlinuz-$DEFAULT_KVER, scripts/lib.sh) with the initramfs I and the
# kernel command line "console=ttyS0 panic=-1 <extra>", writes the guest's
# serial console (ttyS0) to FILE, kills the emulator after SECONDS of wall
# clock (default 1800; SIGTERM, then SIGKILL), and exits
#
#   0    if FILE has a line KVM-MBEC-DONE,
#   124  on timeout (and KVM-MBEC-DONE did not appear),
#   1    otherwise (the guest powered off, panicked or rebooted without it,
#        or the emulator failed; its own output is in <FILE without .log>.emu.log).
#
# The guest powers off by itself after KVM-MBEC-DONE; an emulator still
# running VM_DONE_GRACE seconds (default 15) after it is killed.  A guest that
# boots a second time (panic=-1 reboots; Bochs has no -no-reboot) is killed
# at once.  VM_VERBOSE=1 also copies the serial console to stdout.

VM_DEFAULT_KERNEL=/boot/vmlinuz-$DEFAULT_KVER
VM_DEFAULT_TIMEOUT=1800
VM_DONE_RE='^KVM-MBEC-DONE[[:space:]]*$'

vm_usage() {
	cat <<-EOF
	usage: $VM_RUNNER [--kernel K] --initrd I [--append "extra"] [--log FILE] [--timeout SECONDS]
	  --kernel   kernel image (default $VM_DEFAULT_KERNEL)
	  --initrd   initramfs (required)
	  --append   extra kernel arguments after "console=ttyS0 panic=-1"
	  --log      serial console log (default \$BUILD/vm/$VM_RUNNER.log)
	  --timeout  hard wall-clock limit in seconds (default $VM_DEFAULT_TIMEOUT)
	exit: 0 KVM-MBEC-DONE seen, 124 timeout, 1 otherwise
	env: VM_VERBOSE=1 (console to stdout too), VM_DONE_GRACE (default 15 s)
	EOF
}

# vm_parse_args "$@": sets VM_KERNEL VM_INITRD VM_APPEND VM_LOG VM_TIMEOUT
# VM_EMU_LOG and VM_CMDLINE.
vm_parse_args() {
	VM_KERNEL=$VM_DEFAULT_KERNEL
	VM_INITRD=
	VM_APPEND=
	VM_LOG=$BUILD/vm/$VM_RUNNER.log
	VM_TIMEOUT=$VM_DEFAULT_TIMEOUT
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel|--initrd|--append|--log|--timeout)
			[ $# -ge 2 ] || die "$VM_RUNNER: $1 needs a value"
			case "$1" in
			--kernel) VM_KERNEL=$2 ;;
			--initrd) VM_INITRD=$2 ;;
			--append) VM_APPEND=$2 ;;
			--log) VM_LOG=$2 ;;
			--timeout) VM_TIMEOUT=$2 ;;
			esac
			shift 2
			;;
		-h|--help) vm_usage; exit 0 ;;
		*) vm_usage >&2; die "$VM_RUNNER: unknown argument: $1" ;;
		esac
	done
	[ -n "$VM_INITRD" ] || { vm_usage >&2; die "$VM_RUNNER: --initrd is required"; }
	[ -r "$VM_KERNEL" ] || die "$VM_RUNNER: kernel not readable: $VM_KERNEL"
	[ -r "$VM_INITRD" ] || die "$VM_RUNNER: initrd not readable: $VM_INITRD"
	[[ $VM_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "$VM_RUNNER: --timeout must be a positive number of seconds"
	[[ ${VM_DONE_GRACE:-15} =~ ^[0-9]+$ ]] || die "$VM_RUNNER: VM_DONE_GRACE must be a number of seconds"
	case "$VM_APPEND" in
	*$'\n'*) die "$VM_RUNNER: --append must be one line" ;;
	esac
	VM_KERNEL=$(realpath "$VM_KERNEL")
	VM_INITRD=$(realpath "$VM_INITRD")
	mkdir -p "$(dirname "$VM_LOG")"
	VM_LOG=$(realpath "$VM_LOG")
	VM_EMU_LOG=${VM_LOG%.log}.emu.log
	VM_CMDLINE="console=ttyS0 panic=-1${VM_APPEND:+ $VM_APPEND}"
}

# Elapsed wall clock since vm_run started, in seconds with one decimal.
vm_elapsed() {
	local now=${EPOCHREALTIME/[.,]/}
	local d=$(((now - VM_T0) / 100000))
	echo "$((d / 10)).$((d % 10))"
}

vm_log_has_done() {
	grep -a -q -E "$VM_DONE_RE" "$VM_LOG" 2>/dev/null
}

# A second kernel banner: the guest rebooted (panic=-1, triple fault).
vm_log_rebooted() {
	[ "$(grep -a -c -E 'Linux version [0-9]' "$VM_LOG" 2>/dev/null)" -ge 2 ]
}

# vm_kill PID: SIGTERM, then SIGKILL after 3 s (Debian's Bochs ignores
# SIGTERM), then reap it.
vm_kill() {
	local pid=$1 _
	kill -TERM "$pid" 2>/dev/null || true
	for _ in 1 2 3 4 5 6; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# vm_run CMD...: run the emulator command with the console already going to
# $VM_LOG, watch the log and the clock, and exit with the contract's status.
vm_run() {
	local pid tail_pid='' rc status='' done_at='' t
	local grace=${VM_DONE_GRACE:-15}
	local -a pdeath=()

	: > "$VM_LOG"
	: > "$VM_EMU_LOG"
	# The emulator dies with the runner, even if the runner is SIGKILLed.
	if setpriv --help 2>/dev/null | grep -q -- --pdeathsig; then
		pdeath=(setpriv --pdeathsig KILL --)
	fi
	VM_T0=${EPOCHREALTIME/[.,]/}
	info "$VM_RUNNER: booting $(basename "$VM_KERNEL") + $(basename "$VM_INITRD"), timeout ${VM_TIMEOUT}s, log $VM_LOG"
	"${pdeath[@]}" "$@" < /dev/null >> "$VM_EMU_LOG" 2>&1 &
	pid=$!
	# shellcheck disable=SC2064 # expand $pid now
	trap "kill -KILL $pid 2>/dev/null; exit 130" INT TERM HUP
	if [ "${VM_VERBOSE:-0}" = 1 ]; then
		tail -n +1 -F --pid="$pid" "$VM_LOG" 2>/dev/null &
		tail_pid=$!
	fi

	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			rc=0
			wait "$pid" || rc=$?
			status=exited
			info "$VM_RUNNER: emulator exited (status $rc) after $(vm_elapsed) s"
			break
		fi
		if [ -n "$done_at" ]; then
			if [ $((SECONDS - done_at)) -ge "$grace" ]; then
				info "$VM_RUNNER: emulator still running ${grace}s after KVM-MBEC-DONE: killing it"
				vm_kill "$pid"
				status=killed-after-done
				break
			fi
		elif vm_log_has_done; then
			done_at=$SECONDS
			info "$VM_RUNNER: KVM-MBEC-DONE after $(vm_elapsed) s"
		elif vm_log_rebooted; then
			info "$VM_RUNNER: the guest rebooted (panic?) after $(vm_elapsed) s: killing the emulator"
			vm_kill "$pid"
			status=rebooted
			break
		fi
		t=$(vm_elapsed)
		if [ "${t%.*}" -ge "$VM_TIMEOUT" ] && [ -z "$done_at" ]; then
			info "$VM_RUNNER: timeout after ${VM_TIMEOUT}s: killing the emulator"
			vm_kill "$pid"
			status=timeout
			break
		fi
		sleep 1
	done
	trap - INT TERM HUP
	if [ -n "$tail_pid" ]; then
		sleep 0.5
		kill "$tail_pid" 2>/dev/null || true
		wait "$tail_pid" 2>/dev/null || true
	fi

	if vm_log_has_done; then
		[ -n "$done_at" ] || info "$VM_RUNNER: KVM-MBEC-DONE (seen at exit, $(vm_elapsed) s)"
		exit 0
	fi
	if [ "$status" = timeout ]; then
		exit 124
	fi
	info "$VM_RUNNER: no KVM-MBEC-DONE in $VM_LOG (emulator output: $VM_EMU_LOG)"
	tail -n 5 "$VM_LOG" | sed "s/^/$VM_RUNNER: console: /" >&2 || true
	exit 1
}
