/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checks a unit's system call settings: which observed calls it would deny
 * and what then happens, the smallest change that lets them through
 * (verified by applying it), known pitfalls of the settings themselves,
 * and how the same lines behave under other systemd versions' tables.
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
#include "filter.h"
#include "groups.h"
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
	int err;          /* CG_DENY_ERRNO: the errno */
	bool entry_errno; /* err comes from the entry's own ":ERRNO" */
	char why[320];    /* which line denies it */
	/* What the fix adds: what cg_fix_for() (groups.h) says, a group
	 * ("@chown") or the call itself; for CG_DENY_ARCH the ABI name.
	 * Interned, static or in the table. */
	const char *fix;
};

enum cg_pitfall_kind {
	CG_PITFALL_MODE,         /* allow line after a deny-list first line */
	CG_PITFALL_TAKEN_BACK,   /* a ~ line removes calls an earlier line allowed */
	CG_PITFALL_EXECVE,       /* execve denied: the service cannot start */
	CG_PITFALL_ARCHS,        /* a filter without SystemCallArchitectures=native */
	CG_PITFALL_ALLOW_ERRNO,  /* ":ERRNO" on an allow-listed entry: ignored */
	CG_PITFALL_IGNORED,      /* systemd ignores a name, group or value */
};

struct cg_check_pitfall {
	enum cg_pitfall_kind kind;
	char *where; /* "file:line", or "" */
	char *msg;
};

struct cg_check_result {
	const struct cg_table *table; /* borrowed */
	bool filtered;                /* SystemCallFilter= is in effect */
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
	size_t allowed, total;        /* members libseccomp knows */
	struct cg_set *missing;       /* members denied (owned) */
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
			 const struct cg_table *const *tables, size_t n,
			 const struct cg_profile *p, struct cg_port_result *out,
			 struct cg_error *e);
void cg_port_result_done(struct cg_port_result *r);

const char *cg_deny_action_name(enum cg_deny_action a);
const char *cg_pitfall_kind_name(enum cg_pitfall_kind k);
