/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checks a unit's system call settings: which observed calls it would deny
 * and what then happens, the smallest change that lets them through
 * (verified by applying it), known pitfalls of the settings themselves,
 * and how the same lines behave under other systemd versions' tables.
 * cg_check_unit() gathers all of it, with what SystemCallLog= logs, group
 * use and exposure, into one report that `callgroups check` only prints.
 *
 * What systemd does with a call (src/core/execute.c, src/shared/seccomp-util.c):
 * - a call of an ABI that SystemCallArchitectures= leaves out (the native
 *   ABI is never left out) hits the bad-arch action of systemd's filters:
 *   the calling thread dies with SIGSYS whatever SystemCallErrorNumber=
 *   says (seen under real systemd 252 in nspawn: an x32 or int 0x80 call
 *   under SystemCallArchitectures=native left code=0x0, kill-thread; a
 *   single-threaded program dies, other threads of a threaded one go on);
 * - a call the filter denies gets its entry's ":ERRNO" if it has one, else
 *   SystemCallErrorNumber=, else SCMP_ACT_KILL_PROCESS (SIGSYS);
 * - SystemCallLog= is a separate filter whose only action is SCMP_ACT_LOG;
 *   the kernel runs the strictest action of all filters, so it only logs
 *   calls the filter lets through. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "analyze.h"
#include "exposure.h"
#include "filter.h"
#include "groups.h"
#include "optcheck.h"
#include "profile.h"
#include "unitfile.h"

enum cg_deny_action {
	CG_DENY_KILL,  /* SIGSYS: the process is killed */
	CG_DENY_ERRNO, /* the call fails with err */
	CG_DENY_ARCH,  /* SIGSYS to the calling thread: the ABI is not in
			* SystemCallArchitectures= (a call
			* the filter denies too gets a second denial of its own) */
};

struct cg_check_denial {
	enum cg_abi abi;
	cg_name name;
	uint64_t calls;
	enum cg_deny_action action;
	int err;	  /* CG_DENY_ERRNO: the errno */
	bool entry_errno; /* err comes from the entry's own ":ERRNO" */
	char why[320];	  /* which line denies it */
	/* What the fix adds: what cg_fix_for() (groups.h) says, a group
	 * ("@chown") or the call itself; for CG_DENY_ARCH the ABI name.
	 * Interned, static or in the table. */
	const char *fix;
};

enum cg_pitfall_kind {
	CG_PITFALL_MODE,	/* allow line after a deny-list first line */
	CG_PITFALL_TAKEN_BACK,	/* a ~ line removes calls an earlier line allowed */
	CG_PITFALL_EXECVE,	/* execve denied: the service cannot start */
	CG_PITFALL_ARCHS,	/* a filter without SystemCallArchitectures=native */
	CG_PITFALL_ALLOW_ERRNO, /* ":ERRNO" on an allow-listed entry: ignored */
	CG_PITFALL_IGNORED,	/* systemd ignores a name, group or value */
};

struct cg_check_pitfall {
	enum cg_pitfall_kind kind;
	char *where; /* "file:line", or "" */
	char *msg;
};

struct cg_check_result {
	const struct cg_table *table; /* borrowed */
	bool filtered;		      /* SystemCallFilter= is in effect */
	bool allow_list;
	struct cg_check_denial *denials; /* sorted by ABI, then name */
	size_t ndenials;
	/* The fix as unit-file lines, ready to paste into a [Service]
	 * drop-in after the existing lines. */
	char **fix_lines;
	size_t nfix;
	bool fix_verified; /* with the fix appended nothing is denied */
	struct cg_check_pitfall *pitfalls;
	size_t npitfalls;
};

void cg_check_result_init(struct cg_check_result *r);
void cg_check_result_done(struct cg_check_result *r);

/* Checks unit settings u against table t. p (may be NULL) is the observed
 * profile: each call it holds that u would stop becomes a denial, and the
 * fix is computed for them. Pitfalls are found with or without p. Borrows
 * u, t and p (t must outlive *out). Returns 0, or -EINVAL when a line of u
 * cannot be parsed (e names file and line). */
int cg_check_run(const struct cg_unit_settings *u, const struct cg_table *t,
		 const struct cg_profile *p, struct cg_check_result *out, struct cg_error *e);

/* A copy of u with the lines of r's fix appended (source "fix"); the
 * caller frees it with cg_unit_settings_done(). */
void cg_check_apply_fix(const struct cg_unit_settings *u, const struct cg_check_result *r,
			struct cg_unit_settings *out);

/* How much of a group the filter allows. */
struct cg_group_use {
	const struct cg_group *group; /* in t */
	size_t allowed, total;	      /* members libseccomp knows */
	struct cg_set *missing;	      /* members denied (owned) */
};

/* One row per group of t (except @known) with at least one allowed
 * member, in table order, into a new array (*out, free with
 * cg_group_use_free()). Returns the count. */
size_t cg_check_group_use(const struct cg_filter *f, const struct cg_table *t,
			  struct cg_group_use **out);
void cg_group_use_free(struct cg_group_use *v, size_t n);

/* The same settings under another table. */
struct cg_port_result {
	const struct cg_table *table; /* borrowed */
	/* Without a profile: calls the reference table allows that this one
	 * denies (lost) or allows on top (gained). With one: lost holds the
	 * observed calls it denies. Owned. */
	struct cg_set *lost, *gained;
	/* For each lost call, why: "mprotect: in @default of 252, not of 247". */
	char **why;
	size_t nwhy;
};

/* Runs u against each of the tables (borrowed, n of them) and compares with
 * ref. p may be NULL. Fills out[0..n-1]; free each with
 * cg_port_result_done(). Returns 0 or -EINVAL as cg_check_run(). */
int cg_check_portability(const struct cg_unit_settings *u, const struct cg_table *ref,
			 const struct cg_table *const *tables, size_t n, const struct cg_profile *p,
			 struct cg_port_result *out, struct cg_error *e);
void cg_port_result_done(struct cg_port_result *r);

const char *cg_deny_action_name(enum cg_deny_action a);
const char *cg_pitfall_kind_name(enum cg_pitfall_kind k);

/* ---- the whole check: everything `callgroups check` reports ------------ */

struct cg_check_opts {
	const struct cg_table *table; /* the reference table; borrowed */
	/* Other versions to compare with (--systemd=LIST); borrowed, may
	 * hold table itself. NULL when nversions is 0. */
	const struct cg_table *const *versions;
	size_t nversions;
	const struct cg_profile *profile; /* observed calls; borrowed, may be NULL */
	bool analyze;			  /* also score the unit with systemd-analyze security */
};

/* `systemd-analyze security --offline=true` on a copy of the unit, then
 * with the fix as a last drop-in (analyze.h). */
struct cg_check_analyze {
	bool requested; /* opts.analyze was set */
	int status;	/* 0 when the unit was scored; else the negative errno
			 * of cg_analyze_exposure() (-ENOENT: systemd-analyze is
			 * not installed), with error saying why */
	struct cg_error error;
	struct cg_analyze_exposure score; /* both -1 unless status is 0 */
};

struct cg_check_report {
	const struct cg_unit_settings *unit; /* borrowed */
	const struct cg_table *table;	     /* the reference table; borrowed */
	bool have_profile;		     /* opts.profile was given */
	size_t nobserved;		     /* entries ((abi, name) pairs) of the profile */

	/* Denials with their fixes, pitfalls (cg_check_run() on table). */
	struct cg_check_result result;

	/* The effective SystemCallFilter= and SystemCallLog= of the unit
	 * under table (owned). */
	struct cg_filter filter, log;
	/* Observed calls that pass the filter and SystemCallLog= logs
	 * (owned; empty without a profile or SystemCallLog=). */
	struct cg_set *logged;

	/* How much of each group the filter allows (cg_check_group_use();
	 * owned). */
	struct cg_group_use *uses;
	size_t nuses;

	/* The system call rows of systemd-analyze security for the unit
	 * (before) and for the unit with the fix appended (after: equal to
	 * before when there is no fix). Valid when have_exposure: false when
	 * table lacks a scored group. */
	bool have_exposure;
	struct cg_exposure before, after;

	/* One per opts.versions, in that order (owned). */
	struct cg_port_result *port;
	size_t nport;
	/* With a profile: a version denies an observed call the reference
	 * table allows. */
	bool port_broken;

	struct cg_check_analyze analyze;

	/* The hardening options (optcheck.h) under table: refusals of
	 * observed calls, fix, rows, pitfalls (owned). */
	struct cg_optcheck options;
	/* The same under each of opts.versions, in that order (owned). */
	struct cg_optcheck *opt_port;
	size_t nopt_port;
};

/* Checks unit u as cg_check_run() does and adds everything around it:
 * the effective filters, the logged set, group use, exposure before and
 * after the fix, portability to opts->versions, and, with opts->analyze,
 * systemd-analyze's overall exposure before and after (a failure to run it
 * is recorded in out->analyze, not returned). Borrows u and everything in
 * opts; u and the tables must outlive *out. Fills *out (free with
 * cg_check_report_done(), also after a failure). Returns 0, or -EINVAL
 * when a line of u cannot be parsed (e names file and line). */
int cg_check_unit(const struct cg_unit_settings *u, const struct cg_check_opts *opts,
		  struct cg_check_report *out, struct cg_error *e);
/* Frees everything r owns and zeroes it. */
void cg_check_report_done(struct cg_check_report *r);

/* Whether the check found a problem the unit would hit: an observed call
 * denied or refused by an option (cg_optcheck_breaks()) here, or under one
 * of the versions compared. False without a profile. */
bool cg_check_report_denies(const struct cg_check_report *r);
