/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A table of systemd's system call groups and the parser of
 * `systemd-analyze syscall-filter` output that makes one. Below groups.h
 * (the built-in tables, loading, the rulebook), so that the build-time
 * generators can parse data/ without the tables they generate. */
#pragma once

#include <stddef.h>

#include "util.h"

struct cg_group {
	const char *name;	    /* "@basic-io" */
	const char *description;    /* "" when the output had none */
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

/* Storage of a parsed table (its arena): one block of copied text, plus
 * arrays. groups.c sets the version of the local table it loads. */
struct cg_table_arena {
	char *text;
	struct cg_group *groups;
	const char **members;
	const char **unresolved;
	const char **unlisted;
	char *version;
	char *source;
};

/* Parses the text of `systemd-analyze syscall-filter` (colour codes and the
 * trailing Ungrouped/Unlisted sections accepted). fname names the input in
 * errors. On success *out is a new table the caller frees with
 * cg_table_free(); on error returns -EINVAL and fills e with the line. */
int cg_table_parse(const char *text, size_t len, const char *fname, struct cg_table **out,
		   struct cg_error *e);
/* Reads the file path and parses it as cg_table_parse() does; the table's
 * source is path. -errno or -EINVAL with e naming the file (and line). */
int cg_table_parse_file(const char *path, struct cg_table **out, struct cg_error *e);
/* Frees a parsed table; built-in tables are left alone. */
void cg_table_free(const struct cg_table *t);

/* The group called name ("@basic-io"), or NULL. */
const struct cg_group *cg_table_find(const struct cg_table *t, const char *name);

struct cg_set;
/* Adds to out every system call name t lists: its groups' members (not
 * the nested "@groups") and the names its libseccomp could not resolve. */
void cg_table_call_names(const struct cg_table *t, struct cg_set *out);
