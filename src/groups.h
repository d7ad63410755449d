/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* systemd's system call groups, as `systemd-analyze syscall-filter` prints
 * them. The shipped versions are compiled in (generated from data/ by
 * tools/gen-groups.c); the local systemd's or a saved output is parsed at run
 * time by the same parser. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "names.h"
#include "util.h"

struct cg_group {
	const char *name;        /* "@basic-io" */
	const char *description; /* "" when the output had none */
	const char *const *members; /* system call names and "@nested" groups */
	size_t nmembers;
};

struct cg_table {
	const char *version; /* "252"; for a parsed file whatever was found, or "" */
	const char *source;  /* "built-in", "systemd-analyze", or the file name */
	const struct cg_group *groups;
	size_t ngroups;
	/* "#   name" lines: names systemd knows that its libseccomp could not
	 * resolve (in @known, or in the "Ungrouped" section). */
	const char *const *unresolved;
	size_t nunresolved;
	/* The "Unlisted System Calls" section: calls of the local kernel that
	 * no group holds. Empty when the section was absent. */
	const char *const *unlisted;
	size_t nunlisted;
	void *arena; /* owned storage of a parsed table; NULL for built-ins */
};

/* Parses the text of `systemd-analyze syscall-filter` (colour codes and the
 * trailing Ungrouped/Unlisted sections accepted). fname names the input in
 * errors. On success *out is a new table the caller frees with
 * cg_table_free(); on error returns -EINVAL and fills e with the line. */
int cg_table_parse(const char *text, size_t len, const char *fname,
		   struct cg_table **out, struct cg_error *e);
/* Frees a parsed table; built-in tables are left alone. */
void cg_table_free(const struct cg_table *t);

/* The shipped tables, oldest first. Static; never freed. */
size_t cg_table_builtin_count(void);
const struct cg_table *cg_table_builtin(size_t i);
/* The shipped table of a version ("252" or "v252"), or NULL. */
const struct cg_table *cg_table_builtin_version(const char *version);
/* "247, 252, ..." for messages. */
const char *cg_table_builtin_list(void);
/* The newest shipped table. */
const struct cg_table *cg_table_builtin_newest(void);

/* Resolves --systemd=auto|VERSION|FILE. auto runs the local
 * `systemd-analyze syscall-filter` when it exists and falls back to the
 * newest shipped table. The result is built-in or parsed: free it with
 * cg_table_free() either way. */
int cg_table_load(const char *spec, const struct cg_table **out, struct cg_error *e);

/* The group called name ("@basic-io"), or NULL. */
const struct cg_group *cg_table_find(const struct cg_table *t, const char *name);
/* Adds name to set: a system call as it is, a group with all its members,
 * nested groups expanded. Returns -ENOENT for an unknown group (set
 * unchanged in that case). */
int cg_table_expand(const struct cg_table *t, const char *name, struct cg_set *set);
/* True when group g (directly or nested) holds syscall. */
bool cg_group_has(const struct cg_table *t, const struct cg_group *g, cg_name syscall);
/* The universe: every call of @known and of any other group. */
void cg_table_known(const struct cg_table *t, struct cg_set *out);
/* A short human label: "systemd 252 (built-in)", "systemd 252 (local)". */
const char *cg_table_label(const struct cg_table *t, char *buf, size_t len);
