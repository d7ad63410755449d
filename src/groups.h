/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* systemd's system call groups, as `systemd-analyze syscall-filter` prints
 * them. The shipped versions are compiled in (generated from data/ by
 * tools/gen-groups.c); the local systemd's or a saved output is parsed at run
 * time by the same parser. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "groups_parse.h"
#include "names.h"
#include "util.h"

/* The shipped tables, oldest first. Static; never freed. */
size_t cg_table_builtin_count(void);
const struct cg_table *cg_table_builtin(size_t i);
/* The shipped table of a version ("252" or "v252"), or NULL. */
const struct cg_table *cg_table_builtin_version(const char *version);
/* The systemd version number of a table's version string ("252", "v252",
 * "252.39-1~deb12u2"); 0 when it has none (a table read from a file). */
unsigned cg_version_number(const char *version);
/* "247, 252, ..." for messages. */
const char *cg_table_builtin_list(void);
/* The newest shipped table. */
const struct cg_table *cg_table_builtin_newest(void);

/* Resolves --systemd=auto|VERSION|FILE. auto runs the local
 * `systemd-analyze syscall-filter` when it exists and falls back to the
 * newest shipped table. The result is built-in or parsed: free it with
 * cg_table_free() either way. */
int cg_table_load(const char *spec, const struct cg_table **out, struct cg_error *e);

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

/* ---- the rulebook: what the groups mean to an administrator ------------
 * Facts from data/rulebook.txt, compiled in with the tables; the rules on
 * top of them are in grouprules.c. */

/* A row `systemd-analyze security` scores for the system call settings. */
struct cg_scored_row {
	const char *name;	/* "SystemCallFilter=~@swap" */
	const char *json_field; /* "SystemCallFilter_swap" */
	const char *group;	/* "@swap"; NULL for SystemCallArchitectures= */
	unsigned weight, range;
};

/* The rows in systemd's own table order (cg_nscored_rows of them); static. */
extern const struct cg_scored_row cg_scored_rows[];
extern const size_t cg_nscored_rows;
/* The risky groups: those of the SystemCallFilter=~@GROUP rows, heaviest
 * first, then by name. NULL-terminated; static. */
extern const char *const cg_risky_groups[];
/* The umbrella groups: @known (everything), @default (implied by every
 * allow-list), @system-service (everything a service needs). Never a
 * building block of a cover, nor a fix. NULL-terminated; static. */
extern const char *const cg_umbrella_groups[];

size_t cg_risky_group_count(void);
bool cg_group_is_risky(const char *name);
bool cg_group_is_umbrella(const char *name);

/* The groups of t that hold syscall (directly or through a nested group),
 * in table order, @known left out (it holds every call). Returns the count;
 * *out is a new array of pointers into t the caller frees with free()
 * (NULL when the count is 0). */
size_t cg_table_groups_holding(const struct cg_table *t, cg_name syscall,
			       const struct cg_group ***out);

/* The smallest group of t (members counted with nested groups expanded;
 * ties: table order) that holds syscall and is neither risky nor an
 * umbrella; NULL when no such group holds it. Points into t. */
const struct cg_group *cg_fix_group(const struct cg_table *t, cg_name syscall);

struct cg_filter;

/* THE smallest change to SystemCallFilter= that lets syscall through a
 * filter f (the lines applied in order, filter.h), the one rule `check`,
 * `explain-crash` and `run --complain` print. What an administrator adds in
 * a drop-in after the existing lines:
 *
 *   allow-list, the call never allowed:  cg_fix_group(): a line "@timer"
 *       allows the call and its obvious kin, and adds no risky call; when
 *       only risky groups or umbrellas hold it (umount2: @mount;
 *       ioctl: @system-service), or none does, the call itself, since
 *       adding @mount or @system-service would undo much of the filter;
 *   allow-list, a ~ line took it out (or named it) after the allow-list
 *       began and no later line allowed it again (chown under
 *       "@system-service" "~@privileged @resources"): the call itself, so
 *       the rest of that line keeps its effect;
 *   deny-list: the call itself, on a line without ~, which takes it off the
 *       deny-list; a group would take more off than the call.
 *
 * Returns a group name of t or the interned name of the call (both outlive
 * the call while t lives), or NULL when f lets the call through (no
 * filter, or an allowed call). The ABI is not this rule's business:
 * SystemCallArchitectures= is fixed by naming the ABI. */
const char *cg_fix_for(const struct cg_table *t, const struct cg_filter *f, cg_name syscall);
