/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* systemd's SystemCallFilter= semantics, in one place.
 *
 * Assignments are applied in order, as systemd's unit parser does: an empty
 * one resets; the first non-empty one fixes the mode (allow-list without
 * '~', with @default added implicitly; deny-list with '~'); later lines in
 * the mode's sense add, lines in the other sense remove; '~' covers the whole
 * line; entries may carry ':ERRNO' (deny entries only). Names the local
 * libseccomp cannot resolve are ignored, as systemd ignores them. */
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
	bool active;     /* a non-empty line was applied since the last reset */
	bool allow_list; /* valid when active */
	struct cg_set *set; /* the names in systemd's map (allowed or denied) */
	struct cg_filter_errno *errnos; /* per-entry errnos of set members */
	size_t nerrnos, errnos_cap;
	struct cg_set *ignored; /* names given that libseccomp cannot resolve */
	/* Allow-list: the calls a ~ line named (itself or through a group)
	 * since the mode was fixed, and no later line allowed again: what
	 * cg_fix_for() re-adds one by one. */
	struct cg_set *taken_back;
	char **warnings;        /* what systemd would log and ignore */
	size_t nwarnings, warnings_cap;
};

void cg_filter_init(struct cg_filter *f);
void cg_filter_done(struct cg_filter *f);

/* Applies the value of one SystemCallFilter= assignment. table resolves
 * groups. Unknown groups and names, malformed ':errno' suffixes and errnos
 * on allow-listed names are ignored with a warning (f->warnings), word by
 * word, as systemd does. Returns 0; e is kept for future hard errors. */
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

/* Parses an errno name ("EPERM"), number ("1") or "kill". Returns the errno
 * (or CG_ERRNO_KILL), or -EINVAL. */
int cg_errno_parse(const char *s);
/* "EPERM" for 1, "kill" for CG_ERRNO_KILL; a static string. */
const char *cg_errno_name(int err);
