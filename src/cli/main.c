/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups: only dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "spawn.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{"suggest", cmd_suggest, "read strace output or lists, recommend SystemCallFilter="},
	{"groups", cmd_groups, "list systemd's system call groups"},
	{"explain", cmd_explain, "say which groups hold a system call, per systemd version"},
	{"trace", cmd_trace, "run or attach to a program and record its system calls"},
	{"check", cmd_check, "check a unit's filter against a profile, or on its own"},
	{"explain-crash", cmd_explain_crash,
	 "name the call behind a SIGSYS crash from its log record"},
	{"run", cmd_run, "run a command under the filter systemd would build"},
	{"harden", cmd_harden, "profile a running unit, stage, enforce, roll back"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: callgroups COMMAND [OPTIONS] ...\n\n"
		   "Record the system calls a program makes, map them to systemd's groups and\n"
		   "recommend SystemCallFilter= lines.\n\nCommands:\n");
	int width = 0;
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if ((int)strlen(commands[i].name) > width)
			width = (int)strlen(commands[i].name);
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(f, "  %-*s  %s\n", width, commands[i].name, commands[i].help);
	fprintf(f, "\n'callgroups COMMAND --help' shows a command's options.\n"
		   "Exit codes: 0 ok, 1 a checked filter denies an observed call,\n"
		   "2 usage or input error, 3 other failure; trace and run return the\n"
		   "command's own status (126/127 when it cannot be started, 128+N when\n"
		   "signal N killed it).\n");
}

int main(int argc, char **argv)
{
	/* Before anything changes a disposition: the commands we start get
	 * back what we inherited. */
	cg_spawn_save_signals();
	if (argc < 2) {
		usage(stderr);
		return CG_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CG_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("callgroups %s\n", CG_VERSION);
		return CG_EXIT_OK;
	}
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "callgroups: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return CG_EXIT_USAGE;
}
