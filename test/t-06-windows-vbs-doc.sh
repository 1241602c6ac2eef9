#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Windows VBS guide (docs/windows-vbs.md): what can be checked on a
# machine without KVM.
#  (a) its libvirt domain XML (docs/windows-vbs.xml) validates against
#      Debian 12's libvirt 9.0 schema (virt-xml-validate);
#  (b) the guide quotes that file and its QEMU command line
#      (docs/windows-vbs-qemu.args) verbatim, and its AMD -cpu is the Intel
#      one without hv-evmcs;
#  (c) QEMU 7.2 accepts the command line as far as it can without KVM:
#      every -cpu property is one of the host CPU model's; all of them,
#      values included, apply to a CPU object; each hv-* flag has the flags
#      that QEMU's own documentation says it requires; and the rest of the
#      command line (machine, firmware, TPM, disks) starts, paused, under
#      TCG with -cpu max.  Not checked: that KVM accepts the hv-* flags
#      (QEMU asks KVM at vCPU creation) and that MBEC reaches the guest:
#      the plan "vbs" does that in the emulated Intel host;
#  (d) test/vm/guests/vbs-probe builds, is clean for checkpatch, and under
#      TCG prints its line and ends QEMU through isa-debug-exit.

. "$(dirname "$0")/lib.sh"

GUIDE=$TOP/docs/windows-vbs.md
XML=$TOP/docs/windows-vbs.xml
ARGS=$TOP/docs/windows-vbs-qemu.args
PROBE_DIR=$TOP/test/vm/guests/vbs-probe
PROBE=$BUILD/vm/guests/vbs-probe/vbs-probe.elf
HYPERV_DOC=/usr/share/doc/qemu-system-common/system/i386/hyperv.html
QEMU=qemu-system-x86_64

scratch=$(mktemp -d)
swtpm_pid=
cleanup() {
	[ -n "$swtpm_pid" ] && kill "$swtpm_pid" 2>/dev/null
	rm -rf "$scratch"
}
trap cleanup EXIT

# (a) the libvirt XML
if command -v virt-xml-validate >/dev/null; then
	expect "libvirt: docs/windows-vbs.xml validates as a domain (libvirt $(virsh --version 2>/dev/null))" \
		virt-xml-validate "$XML" domain
else
	skip "libvirt: docs/windows-vbs.xml validates" "virt-xml-validate missing: apt-get install libvirt-clients"
fi

# (b) verbatim quotes: a line "<!-- verbatim: docs/FILE -->" and then a
# fenced block that must be FILE, byte for byte.
awk -v dir="$scratch" '
	/^<!-- verbatim: [^ ]+ -->$/ { want = $3; next }
	want != "" && !infence && /^```/ {
		infence = 1; n++; out = dir "/block" n
		print want, out; printf "" >out; next
	}
	infence && /^```$/ { infence = 0; close(out); want = ""; next }
	infence { print >out }
' "$GUIDE" >"$scratch/verbatim"
for f in docs/windows-vbs.xml docs/windows-vbs-qemu.args; do
	block=$(awk -v f="$f" '$1 == f { print $2 }' "$scratch/verbatim")
	if [ "$(echo "$block" | grep -c .)" != 1 ]; then
		fail "guide: quotes $f verbatim" "want one '<!-- verbatim: $f -->' block, found $(echo "$block" | grep -c .)"
	elif cmp -s "$block" "$TOP/$f"; then
		pass "guide: quotes $f verbatim"
	else
		diff -u "$TOP/$f" "$block" >"$TEST_LOGS/verbatim.diff"
		fail "guide: quotes $f verbatim" "the block differs from the file" "$TEST_LOGS/verbatim.diff"
	fi
done
n_xml=$(grep -c '^```xml$' "$GUIDE")
if [ "$n_xml" = 1 ]; then
	pass "guide: one xml block"
else
	fail "guide: one xml block" "found $n_xml"
fi

# The -cpu of the command line, as the plan "vbs" reads it in the guest.
cpu=$(sed -n 's/^[[:space:]]*-cpu \([^[:space:]]*\).*/\1/p' "$ARGS")
cpu_amd=${cpu//,hv-evmcs/}
case $cpu in
host,migratable=off,*hv-evmcs*) pass "qemu: one -cpu host,migratable=off,...,hv-evmcs: $cpu" ;;
*) fail "qemu: one -cpu host,migratable=off,...,hv-evmcs" "got '$cpu'" ;;
esac
if grep -qxF -- "-cpu $cpu_amd" "$GUIDE" || grep -qxF -- "  -cpu $cpu_amd \\" "$GUIDE"; then
	pass "guide: the AMD -cpu is the Intel one without hv-evmcs"
else
	fail "guide: the AMD -cpu is the Intel one without hv-evmcs" "no line '-cpu $cpu_amd'"
fi

# (c) QEMU 7.2
if ! command -v "$QEMU" >/dev/null; then
	skip "qemu: the command line" "$QEMU missing: apt-get install qemu-system-x86"
	QEMU=
fi
if [ -n "$QEMU" ]; then
	qemu_version=$("$QEMU" --version | head -n1)
	info "$qemu_version"
	"$QEMU" -device host-x86_64-cpu,help >"$scratch/host-props" 2>&1
	props=${cpu#host,}
	unknown=
	for p in ${props//,/ }; do
		grep -q "^  ${p%%=*}=" "$scratch/host-props" || unknown="$unknown ${p%%=*}"
	done
	if [ -z "$unknown" ]; then
		pass "qemu: every -cpu property is one of host-x86_64-cpu's ($(echo "${props//,/ }" | wc -w) of them)"
	else
		fail "qemu: every -cpu property is one of host-x86_64-cpu's" "unknown:$unknown" "$scratch/host-props"
	fi

	# All of them applied to a CPU object: "host" needs KVM, its parent
	# "max" has the same properties and TCG.  A property that is unknown
	# or a value that does not parse fails when the -cpu globals are
	# applied, before the vCPU is realized; realizing it under TCG then
	# fails on hv-vpindex, which only KVM implements.
	log=$TEST_LOGS/qemu-cpu-props.log
	echo quit | timeout 60 "$QEMU" -machine q35 -accel tcg -cpu "max,$props" \
		-display none -nodefaults -monitor stdio >"$log" 2>&1
	rc=$?
	if grep -qE "can't apply global|not found|expects|invalid|Parameter" "$log"; then
		fail "qemu: the -cpu properties and values apply to a CPU" "" "$log"
	elif [ $rc = 0 ] || grep -q "kernel doesn't allow setting HyperV VP_INDEX" "$log"; then
		pass "qemu: the -cpu properties and values apply to a CPU (TCG: $(grep -m1 -o "kernel doesn't allow setting HyperV VP_INDEX" "$log" || echo realized))"
	else
		fail "qemu: the -cpu properties and values apply to a CPU" "exit $rc" "$log"
	fi

	# Each hv-* flag with the flags it requires, as QEMU's documentation
	# of the installed version says ("Requires: ..." under each flag).
	if [ -f "$HYPERV_DOC" ]; then
		awk '
		function pres(s,   out, t) {
			out = ""
			while (match(s, /<span class="pre">[^<]*<\/span>/)) {
				t = substr(s, RSTART + 18, RLENGTH - 25)
				gsub(/_/, "-", t)
				out = out " " t
				s = substr(s, RSTART + RLENGTH)
			}
			return out
		}
		/^<dt>/ { split(pres($0), a, " "); cur = a[1] }
		/^<p>Requires:/ { print cur pres($0) }
		' "$HYPERV_DOC" >"$scratch/hv-deps"
		for variant in intel amd; do
			[ $variant = intel ] && c=$cpu || c=$cpu_amd
			missing=
			for p in ${c//,/ }; do
				flag=${p%%=*}
				deps=$(awk -v f="$flag" '$1 == f { $1 = ""; print }' "$scratch/hv-deps")
				for d in $deps; do
					case ",$c," in
					*",$d,"* | *",$d="*) ;;
					*) missing="$missing $flag->$d" ;;
					esac
				done
			done
			if [ ! -s "$scratch/hv-deps" ]; then
				fail "qemu: $variant: each hv-* flag has what it requires" "no 'Requires:' in $HYPERV_DOC"
			elif [ -z "$missing" ]; then
				pass "qemu: $variant: each hv-* flag has what it requires ($(wc -l <"$scratch/hv-deps") rules of $(basename "$HYPERV_DOC"))"
			else
				fail "qemu: $variant: each hv-* flag has what it requires" "missing:$missing"
			fi
		done
	else
		skip "qemu: each hv-* flag has what it requires" "$HYPERV_DOC missing (qemu-system-common)"
	fi

	# The rest of the command line, paused (-S) under TCG with -cpu max:
	# the guide's paths replaced by scratch files, a real swtpm behind the
	# TPM if swtpm is installed (else the three TPM options are left out).
	ovmf_code=$(sed -n 's/.*if=pflash,.*readonly=on,file=\([^ ]*\).*/\1/p' "$ARGS")
	ovmf_vars=$(sed -n 's/.*if=pflash,.*unit=1,file=\([^ ]*\).*/\1/p' "$ARGS")
	ovmf_template=/usr/share/OVMF/$(basename "$ovmf_vars")
	if [ ! -f "$ovmf_code" ] || [ ! -f "$ovmf_template" ]; then
		skip "qemu: the command line starts under TCG" "$ovmf_code or $ovmf_template missing (apt-get install ovmf)"
	else
		pass "ovmf: the guide's firmware exists: $ovmf_code, $ovmf_template"
		mkdir -p "$scratch/lib" "$scratch/run" "$scratch/tpm"
		cp "$ovmf_template" "$scratch/lib/$(basename "$ovmf_vars")"
		if command -v qemu-img >/dev/null; then
			qemu-img create -q -f qcow2 "$scratch/lib/disk.qcow2" 64M
			disk_note="qcow2 from qemu-img"
		else
			disk_note="no qemu-img: the disk as raw null-co"
		fi
		truncate -s 1M "$scratch/lib/Win11.iso"
		tpm_note="no swtpm: TPM options left out"
		if command -v swtpm >/dev/null; then
			swtpm socket --tpm2 --tpmstate dir="$scratch/tpm" \
				--ctrl type=unixio,path="$scratch/run/swtpm.sock" \
				>"$TEST_LOGS/swtpm.log" 2>&1 &
			swtpm_pid=$!
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				[ -S "$scratch/run/swtpm.sock" ] && break
				sleep 0.2
			done
			tpm_note="TPM from swtpm"
		fi
		# the words of the command line (it has no quotes)
		read -ra words <<<"$(sed 's/\\$//' "$ARGS" | tr '\n' ' ')"
		argv=()
		skip_next=0
		for w in "${words[@]}"; do
			if [ $skip_next = 1 ]; then
				skip_next=0
				continue
			fi
			case $w in
			-chardev | -tpmdev)
				[ -n "$swtpm_pid" ] || { skip_next=1; continue; } ;;
			tpm-crb,*)
				[ -n "$swtpm_pid" ] || { unset 'argv[${#argv[@]}-1]'; continue; } ;;
			kvm) w=tcg ;;
			host,migratable=off,*) w=max ;;
			vnc=*) w=none ;;
			esac
			w=${w//\/var\/lib\/win11-vbs/$scratch/lib}
			w=${w//\/run\/win11-vbs/$scratch/run}
			if ! command -v qemu-img >/dev/null; then
				w=${w/format=qcow2,file=$scratch\/lib\/disk.qcow2/format=raw,file=null-co://}
			fi
			argv+=("$w")
		done
		log=$TEST_LOGS/qemu-cmdline.log
		printf '%s\n' "${argv[*]}" >"$log"
		{ echo "info status"; sleep 1; echo "info tpm"; sleep 1
		  echo "qom-get /machine smm"; sleep 1; echo quit; } |
			timeout 60 "${argv[@]}" -S -monitor stdio >>"$log" 2>&1
		rc=$?
		tr -d '\r' <"$log" >"$log.txt"
		if [ $rc != 0 ] || ! grep -q 'VM status: paused (prelaunch)' "$log.txt"; then
			fail "qemu: the command line starts under TCG ($disk_note, $tpm_note)" "exit $rc" "$log.txt"
		elif [ -n "$swtpm_pid" ] && ! grep -q 'model=tpm-crb' "$log.txt"; then
			fail "qemu: the command line starts under TCG: a tpm-crb" "" "$log.txt"
		elif ! grep -qx '"on"' "$log.txt"; then
			fail "qemu: the command line starts under TCG: smm on" "" "$log.txt"
		else
			pass "qemu: the command line starts under TCG, paused, with smm on ($disk_note, $tpm_note)"
		fi
	fi
fi

# (d) vbs-probe
log=$TEST_LOGS/vbs-probe-build.log
if ! make -C "$PROBE_DIR" >"$log" 2>&1; then
	fail "vbs-probe: builds" "" "$log"
else
	pass "vbs-probe: builds ($(file -b "$PROBE" | cut -d, -f1-2))"
	expect "vbs-probe: checkpatch --strict" "$TOP/scripts/checkpatch" \
		test/vm/guests/vbs-probe/probe.c test/vm/guests/vbs-probe/probe.h
	if [ -n "$QEMU" ]; then
		# TCG: QEMU 7.2 emulates SVM but not VMX, and its CPUID
		# 0x40000000 says "TCGTCGTCGTCG" (no Hyper-V leaves without KVM).
		log=$TEST_LOGS/vbs-probe-tcg.log
		timeout 60 "$QEMU" -nodefaults -no-user-config -display none \
			-serial stdio -accel tcg -cpu max \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-kernel "$PROBE" >"$log" 2>&1 </dev/null
		rc=$?
		line=$(tr -d '\r' <"$log" | grep -m1 '^vbs-probe: ')
		if [ $rc = 1 ] &&
		   [ "$line" = "vbs-probe: vmx=0 hv_vendor=TCGTCGTCGTCG evmcs=0 mbec=0 ept_adv=0" ] &&
		   tr -d '\r' <"$log" | grep -q '^vbs-probe-raw: .* svm=1 .* multiboot=ok$'; then
			pass "vbs-probe: under TCG prints '$line' and ends QEMU with exit 1"
		else
			fail "vbs-probe: under TCG prints its line and ends QEMU with exit 1" "exit $rc" "$log"
		fi
		log=$TEST_LOGS/vbs-probe-fault.log
		timeout 60 "$QEMU" -nodefaults -no-user-config -display none \
			-serial stdio -accel tcg -cpu max \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-kernel "$PROBE" -append vbs-probe.fault >"$log" 2>&1 </dev/null
		rc=$?
		if [ $rc = 3 ] && grep -q '^vbs-probe: exception vector=0x06' "$log"; then
			pass "vbs-probe: an exception (#UD, vbs-probe.fault) is reported and ends QEMU with exit 3"
		else
			fail "vbs-probe: an exception is reported and ends QEMU with exit 3" "exit $rc" "$log"
		fi
	fi
fi
