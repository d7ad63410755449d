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
