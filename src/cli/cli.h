/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the subcommands share: exit codes, dying with a message, and the
 * options every subcommand takes. Only the CLI prints and exits. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "groups.h"
#include "profile.h"
#include "recommend.h"
#include "util.h"

/* Exit codes, as documented in the README and callgroups(1). */
enum {
	CG_EXIT_OK = 0,
	CG_EXIT_DENIED = 1,    /* check: the unit would deny an observed call */
	CG_EXIT_USAGE = 2,     /* bad arguments or unreadable/unrecognised input */
	CG_EXIT_FAILURE = 3,   /* anything else went wrong (system error) */
	CG_EXIT_SECCOMP = 159, /* run: the command was killed by the filter (128+SIGSYS) */
};

_noreturn_ void die(int code, const char *fmt, ...) _printf_(2, 3);
_noreturn_ void die_error(int code, const struct cg_error *e);
void warnx_(const char *fmt, ...) _printf_(1, 2);

enum cg_output_format { CG_FMT_TEXT, CG_FMT_JSON, CG_FMT_DROPIN };
/* Parses --format; dropin only where allow_dropin. Dies on a bad value. */
enum cg_output_format cli_parse_format(const char *s, bool allow_dropin);

/* Parses the options of a command that takes only --systemd=SPEC,
 * --format=text|json (--json is short for --format=json) and --help
 * (groups, explain). Returns -1 to go on with argv[optind...],
 * else the exit code to return: --help printed usage, or a bad option. */
int cli_parse_table_opts(int argc, char **argv, void (*usage)(FILE *), const char **spec,
			 bool *json);

/* Loads --systemd=SPEC (auto when NULL) or dies. Free with cg_table_free(). */
const struct cg_table *cli_load_table(const char *spec);

int cmd_suggest(int argc, char **argv);
int cmd_groups(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_explain_crash(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_harden(int argc, char **argv);

/* The report and recommendation of `suggest` for profile p, printed to out
 * in fmt (text, json or a drop-in). Used by suggest and trace so one
 * command does the whole job. Returns an exit code. */
/* Where a report's profile came from: the inputs it names, and how long
 * the trace ran (seconds; negative when unknown, as for strace output). */
struct cli_report_where {
	const char *const *sources;
	size_t nsources;
	double seconds;
};
int cli_report(const struct cg_profile *p, const struct cg_table *t,
	       const struct cg_suggest_opts *o, enum cg_output_format fmt, FILE *out,
	       const struct cli_report_where *w);
/* The same, written to path ("-" or NULL: stdout; a file is written to a
 * temporary name and renamed). sources name the inputs in the output. */
int cli_report_to(const struct cg_profile *p, const struct cg_table *t,
		  const struct cg_suggest_opts *o, enum cg_output_format fmt, const char *path,
		  const struct cli_report_where *w);

/* The seccomp-backed options the argument evidence of p allows (options.h),
 * with the rows they set, for t's systemd version: as text, as the JSON
 * member "options" (a new object the caller owns), as drop-in lines. */
void cli_options_text(FILE *out, const struct cg_profile *p, const struct cg_table *t);
struct json_object *cli_options_json(const struct cg_profile *p, const struct cg_table *t);
void cli_options_dropin(FILE *out, const struct cg_profile *p, const struct cg_table *t);

/* --systemd=SPEC for commands that aim at several versions at once: a
 * version, a file, auto, a comma-separated list of those ("247,252,257"),
 * or all (the local table, else the newest shipped one, with every shipped
 * version as a target). Returns the primary table (the newest listed; free
 * with cg_table_free()) and in *targets a new array of the others (free
 * with cli_free_tables()). Dies on a bad SPEC. */
const struct cg_table *cli_load_targets(const char *spec, const struct cg_table ***targets,
					size_t *ntargets);
void cli_free_tables(const struct cg_table **v, size_t n);
