/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* systemd's SystemCallFilter= semantics, in one place.
 *
 * Assignments are applied in order, as systemd's unit parser does: an empty
 * one resets; the first non-empty one fixes the mode (allow-list without
 * '~', with @default added implicitly; deny-list with '~'); later lines in
 * the mode's sense add, lines in the other sense remove; '~' covers the whole
 * line; entries may carry ':ERRNO' (deny entries only). Names the local
 * libseccomp cannot resolve are ignored, as systemd ignores them.
 *
 * systemd also ignores, with a log line, names and groups nobody knows and
 * malformed ':ERRNO' suffixes: typos, which would leave a filter weaker than
 * it reads. This model ignores them too, but keeps them apart from the
 * warnings (f->typos), so that cg_unit_apply() can refuse a unit with one. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "groups.h"
#include "names.h"
#include "util.h"

struct cg_filter_errno {
	cg_name name;
	int err; /* errno, or CG_ERRNO_KILL */
};

/* ":kill" as an entry's or SystemCallErrorNumber='s value. */
#define CG_ERRNO_KILL (-2)
#define CG_ERRNO_NONE (-1)

struct cg_filter {
	bool active;			/* a non-empty line was applied since the last reset */
	bool allow_list;		/* valid when active */
	struct cg_set *set;		/* the names in systemd's map (allowed or denied) */
	struct cg_filter_errno *errnos; /* per-entry errnos of set members */
	size_t nerrnos, errnos_cap;
	struct cg_set *ignored; /* names given that libseccomp cannot resolve */
	/* Allow-list: the calls a ~ line named (itself or through a group)
	 * since the mode was fixed, and no later line allowed again: what
	 * cg_fix_for() re-adds one by one. */
	struct cg_set *taken_back;
	char **warnings; /* what systemd would log and ignore */
	size_t nwarnings, warnings_cap;
	/* Typos systemd would log and ignore too, each "unknown group
	 * @system-servce (did you mean @system-service?)", in line order. */
	char **typos;
	size_t ntypos, typos_cap;
};

void cg_filter_init(struct cg_filter *f);
void cg_filter_done(struct cg_filter *f);
/* Initialises dst as a copy of what decides src's verdicts (the mode, the
 * map, the per-entry errnos, the calls taken back, the names ignored), to
 * apply more lines to; its warnings and typos are left behind. src may be
 * NULL: dst is then no filter. */
void cg_filter_copy(struct cg_filter *dst, const struct cg_filter *src);

/* Applies the value of one SystemCallFilter= assignment. table resolves
 * groups. Word by word, as systemd does, it ignores: names libseccomp
 * cannot resolve that systemd's tables list, groups of another systemd
 * version and errnos on allow-listed names, with a warning (f->warnings);
 * unknown groups and names and malformed ':errno' suffixes, with a message in
 * f->typos (see cg_filter_check_word()). Returns 0; e is kept for future
 * hard errors. */
int cg_filter_add(struct cg_filter *f, const struct cg_table *t, const char *value,
		  struct cg_error *e);

/* True when the filter lets syscall through (no active filter: true). */
bool cg_filter_allows(const struct cg_filter *f, cg_name syscall);
/* The errno a denied syscall gets from its own ':ERRNO' entry, or
 * CG_ERRNO_NONE when the unit's SystemCallErrorNumber= applies. */
int cg_filter_entry_errno(const struct cg_filter *f, cg_name syscall);
/* The members of universe that the filter allows, into out. */
void cg_filter_allowed(const struct cg_filter *f, const struct cg_set *universe,
		       struct cg_set *out);

/* Whether a word of a SystemCallFilter= or SystemCallLog= line (a group
 * "@name" or a system call name, without ':ERRNO') is known. Returns 0 when
 * table t has the group or the local libseccomp resolves the call; 1 when
 * systemd ignores the word but it is no typo (a call that systemd's tables
 * list and this libseccomp cannot resolve, a group of another systemd
 * version), *why saying so; -EINVAL for a typo, *why being "unknown group
 * @system-servce (did you mean @system-service?)" or "unknown system call
 * chwon (did you mean chown?)". Suggestions come from t's groups for a
 * group, and for a call from every call t knows (@known and all groups) and
 * every name libseccomp resolves on the x86 ABIs. *why is NULL for 0, else
 * a new string the caller frees. */
int cg_filter_check_word(const struct cg_table *t, const char *word, char **why);

/* Parses an errno name ("EPERM"), number ("1") or "kill". Returns the errno
 * (or CG_ERRNO_KILL), or -EINVAL. */
int cg_errno_parse(const char *s);
/* Why s is no errno cg_errno_parse() accepts, with the nearest names:
 * "unknown errno name EPREM (did you mean EPERM?)". A new string the caller
 * frees. */
char *cg_errno_explain(const char *s);
/* "EPERM" for 1, "kill" for CG_ERRNO_KILL; a static string. */
const char *cg_errno_name(int err);
