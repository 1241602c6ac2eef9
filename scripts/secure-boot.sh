# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Secure Boot checks shared by dkms-install and autoinstall.  Source it
# after lib.sh, with $kver set to the kernel being installed for.

# The key and certificate dkms signs with: Debian dkms 3.0.10 reads them from
# the framework configuration ($kernelver may appear in the paths) and
# defaults to /var/lib/dkms/mok.{key,pub}.
signing_files() {
	(
		# shellcheck disable=SC2034 # the configuration may use $kernelver
		kernelver=$kver
		mok_signing_key=
		mok_certificate=
		for f in /etc/dkms/framework.conf /etc/dkms/framework.conf.d/*.conf; do
			# shellcheck disable=SC1090
			[ -e "$f" ] && . "$f" >/dev/null 2>&1
		done
		echo "${mok_signing_key:-/var/lib/dkms/mok.key}"
		echo "${mok_certificate:-/var/lib/dkms/mok.pub}"
	)
}

secure_boot_enabled() {
	local state
	if command -v mokutil >/dev/null; then
		state=$(mokutil --sb-state 2>&1) || true
		[[ $state == *"SecureBoot enabled"* ]]
		return
	fi
	# No mokutil: read the firmware variable (its 5th byte is the state).
	local var=/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
	[ -r "$var" ] && [ "$(od -An -tu1 -j4 -N1 "$var" | tr -d ' ')" = 1 ] &&
		die "Secure Boot is enabled but mokutil is not installed, so the DKMS signing key cannot be checked
  Install it with: sudo apt-get install mokutil"
	return 1
}

# With Secure Boot on, the kernel refuses modules signed by a key it does not
# trust; installing ours would leave no loadable KVM at all.  So check the key
# before touching anything, and keep the stock modules in place if it fails.
check_secure_boot() {
	secure_boot_enabled || return 0
	local key cert out
	{ read -r key; read -r cert; } < <(signing_files)
	local how="  Enrol a DKMS signing key before installing (see docs/secure-boot.md):
    1. create it, if it does not exist yet:
         sudo openssl req -new -x509 -nodes -days 36500 -subj '/CN=DKMS module signing key' \\
           -newkey rsa:2048 -keyout $key -outform DER -out $cert
    2. sudo mokutil --import $cert   (choose a one-time password)
    3. reboot, and in the blue MokManager screen choose 'Enroll MOK',
       confirm the key and enter that password
    4. run sudo make install again (with the package: apt install --reinstall kvm-mbec-dkms)
  The stock KVM modules were left in place."
	if [[ $key != pkcs11:* && ! -f $key ]] || [ ! -f "$cert" ]; then
		die "Secure Boot is enabled, but the DKMS signing key is missing
  (key: $key, certificate: $cert).  Unsigned or unknown-key modules would not load.
$how"
	fi
	out=$(mokutil --test-key "$cert" 2>&1) || true
	case "$out" in
	*"is already enrolled"*)
		info "Secure Boot is enabled; the DKMS signing certificate $cert is enrolled"
		;;
	*"already in the enrollment request"*)
		die "Secure Boot is enabled, and the DKMS signing certificate $cert is waiting to be enrolled
  Reboot and confirm it in MokManager ('Enroll MOK'), then run sudo make install again (or apt install --reinstall kvm-mbec-dkms).
  The stock KVM modules were left in place."
		;;
	*)
		die "Secure Boot is enabled, but the DKMS signing certificate $cert is not enrolled
  (mokutil --test-key: ${out:-no output}).  The kernel would refuse modules signed with it.
$how"
		;;
	esac
}
