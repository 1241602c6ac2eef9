// SPDX-License-Identifier: GPL-2.0
/*
 * Identity of the kvm-mbec modules, see <kvm-mbec/ident.h>.
 */
#include <linux/printk.h>
#include <kvm-mbec/ident.h>

MODULE_VERSION(KVM_MBEC_MODULE_VERSION);

/**
 * kvm_mbec_announce() - print the line that says a kvm-mbec module loaded
 * @mod: the module that has just finished its initialisation
 *
 * An admin who replaced the stock KVM modules reads in dmesg which modules
 * are ours, which version they are and which base they were built from.
 */
void kvm_mbec_announce(struct module *mod)
{
	pr_info("%s: kvm-mbec %s loaded (base %s %s)\n", module_name(mod),
		KVM_MBEC_VERSION, KVM_MBEC_BASE_PACKAGE, KVM_MBEC_BASE_VERSION);
}
EXPORT_SYMBOL_GPL(kvm_mbec_announce);
