/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A unit's system call settings, read as systemd reads them: the unit file
 * (first one found on the unit search path wins; foo@bar.service falls back
 * to foo@.service), then its drop-ins (NAME.d/, template and dash-prefix
 * directories, then the type-wide service.d/, from every directory of the
 * search path, sorted by file name, a name in a higher-priority directory
 * masking the same name below it; for an alias, a symlink to a unit of
 * another name, the target's drop-ins too). Only SystemCallFilter=,
 * SystemCallErrorNumber=, SystemCallArchitectures= and SystemCallLog= are
 * kept, from the section that takes exec settings for the unit's type
 * ([Service], [Socket], [Mount], [Swap]). Unit-file syntax as systemd's
 * config parser has it: '#' and ';' comments (also inside a continuation),
 * backslash continuation (the backslash becomes a space), whitespace
 * trimmed, specifiers left as they are. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "abi.h"
#include "filter.h"
#include "groups.h"
#include "optunit.h"
#include "util.h"

/* One assignment: the value as systemd sees it after continuation lines
 * are joined ("" for an empty assignment, which resets), and where it came
 * from. */
struct cg_unit_line {
	char *value;
	char *file; /* path, or "-" for unnamed stdin text */
	unsigned line;
};

struct cg_unit_settings {
	char *name;	/* "foo@bar.service", or the base name of a file given by path */
	char *fragment; /* the unit file read, NULL when none (only drop-ins, or stdin) */
	char **dropins; /* the drop-ins applied, in order */
	size_t ndropins;
	bool masked; /* the unit file is a symlink to /dev/null or empty */

	struct cg_unit_line *filter; /* SystemCallFilter=, in order */
	size_t nfilter;
	struct cg_unit_line *log; /* SystemCallLog=, in order */
	size_t nlog;

	/* SystemCallErrorNumber=: CG_ERRNO_NONE when unset or reset (denied
	 * calls kill the process), CG_ERRNO_KILL for "kill", else the errno. */
	int errno_action;
	struct cg_unit_line errno_src; /* the assignment in effect (value NULL if none) */

	struct cg_archs archs;	       /* SystemCallArchitectures= */
	struct cg_unit_line archs_src; /* the last assignment (value NULL if none) */

	/* What systemd would log and ignore that is no typo (an architecture
	 * outside the x86 family, a setting outside its section), as
	 * "file:line: message". */
	char **warnings;
	size_t nwarnings;

	/* The first value cg_unit_add_setting() refused (an errno or
	 * architecture nobody knows): msg is "" when none. cg_unit_apply() and
	 * cg_unit_apply_log() fail with it, so a caller that goes on after a
	 * refused setting still cannot pass. */
	struct cg_error invalid;

	/* The seccomp-backed hardening options (optunit.h:
	 * RestrictAddressFamilies=, RestrictNamespaces=, ...): every
	 * assignment in order with its key; cg_unit_apply_options() merges
	 * them as a given systemd version does. */
	struct cg_unit_opt_line {
		char *key; /* "RestrictNamespaces", as the rulebook spells it */
		struct cg_unit_line l;
	} * options;
	size_t noptions;

	/* User= and DynamicUser= (the last assignment): they decide which
	 * rows of `systemd-analyze security` apply, hence its weights. */
	char *user; /* NULL when unset */
	bool dynamic_user;
};

void cg_unit_settings_init(struct cg_unit_settings *s);
/* Frees everything s owns and leaves it initialised. */
void cg_unit_settings_done(struct cg_unit_settings *s);

/* The unit search path of the system manager (as `systemd-analyze
 * unit-paths` prints it on Debian 12), highest priority first. A static
 * NULL-terminated array. */
const char *const *cg_unit_search_path(void);

/* Loads the settings of a unit.
 * name_or_path: a unit name ("foo.service", "foo@bar.service") looked up
 * on the search path under root; or a path (contains '/') of a unit file
 * read directly, with drop-ins from PATH.d/ next to it.
 * root: prefix for the search path ("/" or NULL for the live system);
 * copied into paths, not kept.
 * *out must be initialised; on success it holds the settings (caller frees
 * with cg_unit_settings_done()). Returns -ENOENT when no unit file and no
 * drop-in exists (e names the unit), -EINVAL on unparsable text or a value
 * cg_unit_add_setting() refuses, and -EINVAL for a file given by path that
 * holds nothing (empty, or only comments), with its drop-ins: e is "PATH: no
 * unit settings read (empty input)". A unit found by name whose file is
 * empty is masked, as systemd has it, and no error. */
int cg_unit_load(const char *name_or_path, const char *root, struct cg_unit_settings *out,
		 struct cg_error *e);

/* Parses text as one unit file or drop-in named fname and adds its
 * assignments to s. unit_type ("service", "socket", ...) decides which
 * section counts; NULL means the type of s->name, else "service". Returns
 * -EINVAL (e names the line) for a malformed line or a value
 * cg_unit_add_setting() refuses. */
int cg_unit_parse_file_text(struct cg_unit_settings *s, const char *text, const char *fname,
			    const char *unit_type, struct cg_error *e);

/* Parses `systemctl cat UNIT` output: "# /path" header lines start each
 * file (the first one names the unit file, later ones drop-ins); text
 * before any header counts as one anonymous file named fname. Adds to s;
 * sets s->name from the first header when unset. Text without a section
 * header or an assignment (what a failed `systemctl cat` leaves) is
 * -EINVAL: e is "FNAME: no unit settings read (empty input)". */
int cg_unit_parse_cat(struct cg_unit_settings *s, const char *text, const char *fname,
		      struct cg_error *e);

/* Adds one setting by hand, as if it were a line of a file named source
 * ("--filter"): key is "SystemCallFilter", "SystemCallErrorNumber",
 * "SystemCallArchitectures", "SystemCallLog" or an option of the option
 * rulebook (optbook.h; its value is judged when applied by
 * cg_unit_apply_options()). -EINVAL for another key,
 * and for a typo systemd would log and ignore: an errno it cannot parse
 * ("source:line: unknown errno name EPREM (did you mean EPERM?)") or an
 * architecture nobody knows ("unknown architecture nativ (did you mean
 * native?)"); such a value is not applied and is kept in s->invalid. An
 * architecture systemd knows outside the x86 family is a warning. The
 * names of SystemCallFilter= and SystemCallLog= are checked when applied. */
int cg_unit_add_setting(struct cg_unit_settings *s, const char *key, const char *value,
			const char *source, unsigned line, struct cg_error *e);

/* Builds the effective SystemCallFilter= of s against table t into *out
 * (initialised by the caller with cg_filter_init(); freed with
 * cg_filter_done()). Errors: -EINVAL for s->invalid, and for a typo on a
 * line (out->typos: an unknown group or call, a malformed ':errno'), e being
 * "FILE:LINE: unknown group @system-servce (did you mean @system-service?)".
 * What systemd ignores that is no typo stays in out->warnings. */
int cg_unit_apply(const struct cg_unit_settings *s, const struct cg_table *t, struct cg_filter *out,
		  struct cg_error *e);

/* Builds the SystemCallLog= set: out->active when anything is set;
 * out->allow_list true means "log only the listed calls" (set holds
 * them), false means "log all but the listed". Unlike SystemCallFilter=,
 * no @default is implied. cg_unit_logs() tells whether a call that passes
 * the filter would be logged. Errors as cg_unit_apply(): s->invalid, or an
 * unknown group or call name on a line (-EINVAL, e names file and line). */
int cg_unit_apply_log(const struct cg_unit_settings *s, const struct cg_table *t,
		      struct cg_filter *out, struct cg_error *e);
bool cg_unit_logs(const struct cg_filter *log, cg_name syscall);

/* Merges the hardening option lines of s as systemd `version` does
 * (cg_optunit_apply(); 0: the newest rules) into *out (free with
 * cg_optunit_done()); out borrows s's strings, so s must outlive it. Adds
 * the pitfalls that need other settings: RestrictAddressFamilies= without
 * SystemCallArchitectures=native (x86 programs reach socket() through
 * socketcall(), which it does not filter). Returns 0 or -EINVAL. */
int cg_unit_apply_options(const struct cg_unit_settings *s, unsigned version,
			  struct cg_optunit *out, struct cg_error *e);

/* True when the unit runs as root, as systemd-analyze decides it: User=
 * root or 0, or User= unset without DynamicUser=yes. */
bool cg_unit_runs_privileged(const struct cg_unit_settings *s);
