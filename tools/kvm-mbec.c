// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-mbec: the admin's command.  "kvm-mbec status" says whether Intel MBEC
 * or AMD GMET is active on this host -- on for L1 and offered to nested
 * hypervisors -- and if not, the one reason; see kvm-mbec(8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "status.h"

static const char help_text[] =
	"Usage: kvm-mbec status [--json]\n"
	"       kvm-mbec --version\n"
	"Exit status of status: 0 if MBEC/GMET is active, 1 if not, 2 on bad usage.\n";

/**
 * print_help() - print how to call kvm-mbec
 * @f: stdout or stderr
 * @ret: the exit status to return
 *
 * Return: @ret.
 */
static int print_help(FILE *f, int ret)
{
	fputs(help_text, f);
	return ret;
}

int main(int argc, char **argv)
{
	const char *root = getenv("KVM_MBEC_STATUS_ROOT");
	static struct status s;
	bool json = false;
	int i;

	if (argc < 2)
		return print_help(stderr, 2);
	if (!strcmp(argv[1], "--version")) {
		printf("kvm-mbec %s\n", KVM_MBEC_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return print_help(stdout, 0);
	if (strcmp(argv[1], "status")) {
		fprintf(stderr, "kvm-mbec: unknown command '%s'\n", argv[1]);
		return print_help(stderr, 2);
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else {
			fprintf(stderr, "kvm-mbec: unknown option '%s'\n", argv[i]);
			return print_help(stderr, 2);
		}
	}
	/* A tree standing in for /proc, /sys, /dev and /lib/modules (tests). */
	if (root && root[0])
		probe_root = root;

	status_collect(&s);
	if (json)
		status_print_json(&s);
	else
		status_print_text(&s);
	return s.active ? 0 : 1;
}
