/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The system call rows of `systemd-analyze security`, computed exactly as
 * systemd computes them (src/analyze/analyze-security.c), so that what we
 * print for a filter equals what `systemd-analyze security --offline=true
 * --json=short` prints for a unit holding the same lines.
 *
 * Rules (checked against systemd 252 on Debian 12, see
 * tests/unit/test_exposure.c):
 * - One row per group of the v252 table (@swap 1000, @obsolete 250, @clock
 *   1000, @cpu-emulation 250, @debug 1000, @mount 1000, @module 1000, @raw-io
 *   1000, @reboot 1000, @privileged 700, @resources 700), range 10, plus
 *   SystemCallArchitectures= (weight 1000, range 10): the scored rows of
 *   data/rulebook.txt (groups.h), where the weights live.
 * - No filter, or a deny-list whose map ended up empty: badness 10, "Service
 *   does not filter system calls". Otherwise the group's members are walked
 *   in table order, nested groups expanded in place, names that do not
 *   resolve to a number >= 0 on the native ABI skipped; the first member the
 *   filter lets through is "the offender": badness 9 for an allow-list, 10
 *   for a deny-list; none: badness 0.
 * - SystemCallArchitectures=: unset 10; exactly "native" 0; anything else 8
 *   ("x86-64" alone is NOT native for systemd; "native x86" is not either,
 *   from v252 on; before, any set holding "native" scored 0).
 * - JSON "set" is true iff badness is 0. JSON "exposure" is null for badness
 *   0, else x = ceil(ceil(badness*weight*100/range)/weight_total) printed as
 *   "x/10.x%10", where weight_total is the weight of every row that applies
 *   to the unit (all ~81 rows, not only ours).
 * - Overall (tenths) = ceil(sum over applicable rows of
 *   ceil(badness*weight/range) * 100 / weight_total).
 * - Rows print sorted by description, descending (strcmp), then by name,
 *   ascending (a side effect of the json_field column added in v250; before,
 *   the same sort hit the weight column: weight descending, then name). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "filter.h"
#include "groups.h"

#define CG_EXPOSURE_MAX_ROWS 16

struct cg_exposure_row {
	const char *name;	/* "SystemCallFilter=~@swap"; static */
	const char *json_field; /* "SystemCallFilter_swap"; static */
	const char *group;	/* "@swap"; NULL for SystemCallArchitectures=; static */
	unsigned weight, range, badness;
	bool set;	       /* systemd's "set" column: badness == 0 */
	char description[256]; /* exactly as systemd words it */
	const char *offender;  /* the call named in the description, or NULL;
				* points into the table t, valid while t is */
	uint64_t exposure;     /* ceil(badness * weight / range): the row's part
				* of the overall badness sum */
	char exposure_str[24]; /* the JSON "exposure", "" where it is null */
};

struct cg_exposure {
	struct cg_exposure_row rows[CG_EXPOSURE_MAX_ROWS];
	size_t nrows;	       /* in the order systemd prints them */
	uint64_t sum_exposure; /* sum of the rows' exposure */
	uint64_t sum_weight;   /* sum of the rows' weight (9900) */
	uint64_t weight_total; /* the denominator used (all applicable rows) */
	double share;	       /* sum_exposure * 10 / weight_total: the points of
				* the 0..10 overall score these rows account for */
};

/* The summed weight of every row of `systemd-analyze security` of a systemd
 * version that applies to a service with default dependencies, run as root
 * when privileged (User= unset or root: SupplementaryGroups= and RemoveIPC=
 * do not apply then). 252: 56460, 56160 as root (from the oracle). *exact
 * (may be NULL) is set to false when the version's table was not verified
 * and the nearest known one is returned. version: "252" or "v252". */
uint64_t cg_exposure_weight_total(const char *version, bool privileged, bool *exact);

/* Computes the rows for filter f (the applied SystemCallFilter= lines; NULL
 * or an initialised, empty filter means none) and archs (NULL or zeroed: not set)
 * against table t, whose version picks the scoring rules. weight_total is
 * the denominator of the JSON exposure strings; 0 takes
 * cg_exposure_weight_total(t->version, true, NULL), i.e. a unit whose only
 * hardening is in these lines. Borrows t, f and archs; fills *out. Returns
 * 0, or -EINVAL when a scored group is missing from t (out is then zeroed). */
int cg_exposure_compute(const struct cg_table *t, const struct cg_filter *f,
			const struct cg_archs *archs, uint64_t weight_total,
			struct cg_exposure *out);

/* The overall exposure in tenths (96 for "9.6") of a unit whose other rows
 * sum to other_badness (sum of ceil(badness*weight/range)) over
 * other_weight, with x's rows added. */
unsigned cg_exposure_overall(const struct cg_exposure *x, uint64_t other_badness,
			     uint64_t other_weight);

/* The row for name ("SystemCallFilter=~@swap") or json_field, or NULL.
 * Points into x. */
const struct cg_exposure_row *cg_exposure_find(const struct cg_exposure *x, const char *name);
