/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups suggest: read strace output or lists, print the report and the
 * recommended SystemCallFilter= lines. */
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: callgroups suggest [OPTIONS] INPUT...\n\n"
		"Read the system calls a program made and recommend SystemCallFilter= lines that\n"
		"allow every one of them and as little else as possible.\n\n"
		"INPUT is a file or - for standard input, in any of these formats (detected):\n"
		"  strace -c / -C summary tables (any strace 5.10 to 7.x, -w, -S, -U, any locale,\n"
		"  with the 32-bit or x32 second table), strace -f logs (-tt, -T, ...), the\n"
		"  PREFIX of a set of strace -ff -o PREFIX files, plain lists of names\n"
		"  (separated by newlines, spaces or commas), or the JSON report of\n"
		"  `callgroups run --complain --format=json`. Several inputs are merged.\n\n"
		"Options:\n"
		"  --format=FMT        text (default), json, or dropin (a ready [Service] drop-in)\n"
		"  --systemd=SPEC      whose groups: auto (the local systemd-analyze, else the\n"
		"                      newest shipped table), a shipped version (%s),\n"
		"                      a file saved from 'systemd-analyze syscall-filter', a\n"
		"                      list of those (247,252,257: one set of lines that works\n"
		"                      on each), or all (the local and every shipped version)\n"
		"  --no-margin         do not bring the relatives of singly named calls along\n"
		"                      (openat: open, openat2; clone: clone3; see data/families.txt)\n"
		"  --input-format=F    auto (default), summary, log, list or json\n"
		"  -o, --output=FILE   write to FILE (atomically) instead of standard output\n"
		"  -h, --help          show this help\n\n"
		"Exit status: 0 done; 1 an observed name is no system call this machine can\n"
		"filter (a typo, or a call this libseccomp does not know; the report names\n"
		"each); 2 bad usage or unreadable/unrecognised input; 3 failure.\n\n"
		"Examples:\n"
		"  strace -f -c -o trace.txt ./myservice; callgroups suggest trace.txt\n"
		"  printf 'read\\nwrite\\nchown\\n' | callgroups suggest -\n"
		"  callgroups suggest --format=dropin --systemd=247 log.1234 log.1235 > filter.conf\n"
		"  callgroups suggest --systemd=247,252,257 trace.txt\n",
		cg_table_builtin_list());
}

static enum cg_input_format parse_input_format(const char *s)
{
	static const struct {
		const char *name;
		enum cg_input_format f;
	} m[] = {{"auto", CG_INPUT_AUTO},
		 {"summary", CG_INPUT_SUMMARY},
		 {"log", CG_INPUT_LOG},
		 {"list", CG_INPUT_LIST},
		 {"json", CG_INPUT_JSON}};
	for (size_t i = 0; i < ELEMENTSOF(m); i++)
		if (strcmp(s, m[i].name) == 0)
			return m[i].f;
	die(CG_EXIT_USAGE, "--input-format=%s: expected auto, summary, log, list or json", s);
}

int cmd_suggest(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"systemd", required_argument, NULL, 's'},
		{"input-format", required_argument, NULL, 'i'},
		{"output", required_argument, NULL, 'o'},
		{"no-margin", no_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	enum cg_output_format fmt = CG_FMT_TEXT;
	enum cg_input_format infmt = CG_INPUT_AUTO;
	const char *spec = NULL, *output = NULL;
	struct cg_suggest_opts so = {0};
	int c;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = cli_parse_format(optarg, true);
			break;
		case 's':
			spec = optarg;
			break;
		case 'i':
			infmt = parse_input_format(optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 'm':
			so.no_margin = true;
			break;
		case 'h':
			usage(stdout);
			return CG_EXIT_OK;
		default:
			usage(stderr);
			return CG_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr,
			"callgroups suggest: no input given (use - for standard input)\n\n");
		usage(stderr);
		return CG_EXIT_USAGE;
	}
	if (output) {
		struct cg_error e = {0};
		if (cg_output_check(output, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
	}
	for (int i = optind; i < argc; i++)
		if (strcmp(argv[i], "-") == 0 && isatty(STDIN_FILENO))
			fprintf(stderr, "callgroups suggest: reading strace output or system call "
					"names from the terminal; end with Ctrl+D\n");
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	const struct cg_input_opts o = {.format = infmt, .native = cg_abi_native()};
	/* How long the trace ran: the longest of the inputs whose timestamps
	 * say (strace -t/-tt/-ttt/-r logs; a -ff set is one input). */
	double seconds = -1;
	for (int i = optind; i < argc; i++) {
		struct cg_error e = {0};
		struct cg_input_stats st = {0};
		if (cg_input_read(argv[i], &o, p, &st, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
		double sec = cg_input_seconds(&st);
		if (sec > seconds)
			seconds = sec;
	}
	const struct cg_table **targets;
	const struct cg_table *t = cli_load_targets(spec, &targets, &so.ntargets);
	so.targets = targets;
	const struct cli_report_where w = {.sources = (const char *const *)argv + optind,
					   .nsources = (size_t)(argc - optind),
					   .seconds = seconds};
	int r = cli_report_to(p, t, &so, fmt, output, &w);
	cli_free_tables(targets, so.ntargets);
	cg_table_free(t);
	return r;
}
