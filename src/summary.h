/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A profile written as `strace -c -U calls,errors,name` writes its summary:
 * the same columns and layout, one table per ABI (x86-64 first and
 * unmarked, then "System call usage summary for 32 bit mode:" for i386 and
 * "... for x32 mode:" for x32), so anything that reads strace's tables
 * (callgroups suggest among them) reads ours. Times are not measured, so
 * the time columns are left out rather than filled with zeros. */
#pragma once

#include "profile.h"

/* Returns the tables for p as a new NUL-terminated string (caller frees).
 * Rows are sorted by calls, most first, then by name, as `strace -c -S
 * calls` sorts them. An empty profile gives one empty table. */
char *cg_summary_format(const struct cg_profile *p);

/* The same tables, then, when refused (may be NULL) has entries, one line
 * per ABI naming the calls a seccomp filter refused (already counted in p
 * as calls with errors), by name:
 *   # refused by an inherited seccomp filter: getppid 5, keyctl 1
 *   # refused by an inherited seccomp filter (32 bit mode): keyctl 1
 * strace writes no such line; callgroups suggest skips it. Returns a new
 * string (caller frees). */
char *cg_summary_format_refused(const struct cg_profile *p, const struct cg_profile *refused);

/* The same, then, when manager (may be NULL) has entries, one line per ABI
 * naming the calls the service manager made in a traced cgroup for the
 * unit, between its fork and the exec of the unit's command (not counted
 * in p; see trace_common.h):
 *   # left out, made by the service manager before the exec: capget 2, setsid 1
 * Returns a new string (caller frees). */
char *cg_summary_format_notes(const struct cg_profile *p, const struct cg_profile *refused,
			      const struct cg_profile *manager);
