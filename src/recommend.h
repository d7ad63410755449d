/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* From a profile and a group table to the report an administrator reads and
 * SystemCallFilter= lines that allow every observed call and as little else
 * as possible. Every recommendation is re-checked with the filter semantics
 * (filter.h) before it is returned. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "abi.h"
#include "groups.h"
#include "names.h"
#include "profile.h"

/* A group that holds observed calls. */
struct cg_used_group {
	const struct cg_group *group; /* points into the table */
	struct cg_set *used;          /* observed calls it holds (owned) */
	size_t size;                  /* calls in the group, nested expanded */
	bool risky;                   /* one of the groups systemd-analyze scores */
};

struct cg_recommendation {
	const char *kind;     /* "allow-list", "tight allow-list", "deny-list" */
	const char *strategy; /* one sentence: how the lines were chosen */
	char **lines;         /* SystemCallFilter= values, in order (owned) */
	size_t nlines;
	struct cg_set *allowed; /* calls of @known (and the profile) it allows (owned) */
	size_t nallowed;
	struct cg_set *missing; /* observed calls it would deny: empty when verified */
	bool verified;          /* every observed, filterable call is allowed */
};

struct cg_suggestion {
	struct cg_set *used;      /* every observed name, any ABI (owned) */
	struct cg_set *unknown;   /* observed names libseccomp cannot resolve */
	struct cg_set *in_default; /* observed calls in @default */
	struct cg_used_group *groups; /* groups with observed calls, biggest first,
					 those whose used set is a strict subset of
					 another's left out; @known, @default and
					 @system-service are not in this list */
	size_t ngroups;
	struct cg_set *ungrouped; /* observed calls in no group but @known */
	struct cg_set *service_only; /* observed calls that of all groups but
				      * @known only @system-service holds */
	struct cg_set *service_used; /* observed calls @system-service holds */
	bool service_covers;      /* @system-service + @default hold them all */
	struct cg_recommendation allow, tight, deny;
	unsigned abis;            /* bit (1 << abi) per ABI seen */
	struct cg_archs archs;    /* recommended SystemCallArchitectures= */
	const struct cg_table *table; /* not owned */
};

/* Builds the report and the three recommendations for p under table t.
 * Fills *out, which the caller releases with cg_suggestion_done(). Returns 0,
 * or -EPROTO when a recommendation failed its own check (a bug: the
 * recommendation says which calls it misses). */
int cg_suggest(const struct cg_profile *p, const struct cg_table *t, struct cg_suggestion *out);
void cg_suggestion_done(struct cg_suggestion *s);
