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
	struct cg_set *used;	      /* observed calls it holds (owned) */
	size_t size;		      /* calls in the group, nested expanded */
	bool risky;		      /* one of the groups systemd-analyze scores */
};

/* How a recommendation's lines fare under one systemd version's table. */
struct cg_version_check {
	const struct cg_table *table; /* borrowed */
	bool target;		      /* one of the versions aimed at */
	struct cg_set *missing;	      /* observed calls its filter would deny (owned) */
};

struct cg_recommendation {
	const char *kind;     /* "allow-list", "tight allow-list", "deny-list" */
	const char *strategy; /* one sentence: how the lines were chosen */
	char **lines;	      /* SystemCallFilter= values, in order (owned) */
	size_t nlines;
	struct cg_set *allowed; /* calls of @known (and the profile) it allows (owned) */
	size_t nallowed;
	struct cg_set *missing; /* observed calls it would deny: empty when verified */
	bool verified;		/* every observed, filterable call is allowed, under
				 * every target version */
	/* Calls allowed for upgrade margin only: relatives (margin.h) of the
	 * observed calls the lines name one by one. Owned; empty with
	 * no_margin. */
	struct cg_set *margin;
	/* Observed calls re-added because a target version's groups lack
	 * them (mprotect is in @default of 252, not of 247). Owned. */
	struct cg_set *version_readds;
	/* The lines checked under the primary table, every other target, and
	 * every shipped table: where they would break. Owned. */
	struct cg_version_check *versions;
	size_t nversions;
};

struct cg_suggestion {
	struct cg_set *used;	      /* every observed name, any ABI (owned) */
	struct cg_set *unknown;	      /* observed names libseccomp cannot resolve */
	struct cg_set *in_default;    /* observed calls in @default */
	struct cg_used_group *groups; /* groups with observed calls, biggest first,
					 those whose used set is a strict subset of
					 another's left out; @known, @default and
					 @system-service are not in this list */
	size_t ngroups;
	struct cg_set *ungrouped;    /* observed calls in no group but @known (unknown
				      * names not among them) */
	struct cg_set *service_only; /* observed calls that of all groups but
				      * @known only @system-service holds */
	struct cg_set *service_used; /* observed calls @system-service holds */
	bool service_covers;	     /* @system-service + @default hold them all */
	struct cg_recommendation allow, tight, deny;
	unsigned abis;			       /* bit (1 << abi) per ABI seen */
	struct cg_archs archs;		       /* recommended SystemCallArchitectures= */
	const struct cg_table *table;	       /* not owned */
	const struct cg_table *const *targets; /* the other versions aimed at; not owned */
	size_t ntargets;
};

struct cg_suggest_opts {
	/* Other systemd versions the lines must work under as well (borrowed,
	 * alive as long as the suggestion). */
	const struct cg_table *const *targets;
	size_t ntargets;
	/* Leave out the relatives of singly named calls (upgrade margin). */
	bool no_margin;
};

/* Builds the report and the three recommendations for p under table t.
 * Fills *out, which the caller releases with cg_suggestion_done(). Returns 0,
 * or -EPROTO when a recommendation failed its own check (a bug: the
 * recommendation says which calls it misses). */
int cg_suggest(const struct cg_profile *p, const struct cg_table *t, struct cg_suggestion *out);
/* The same, aimed at t and o->targets together (one set of lines allowing
 * every observed call under each), with or without upgrade margin. o may
 * be NULL (the defaults: t alone, with margin). */
int cg_suggest_ex(const struct cg_profile *p, const struct cg_table *t,
		  const struct cg_suggest_opts *o, struct cg_suggestion *out);
void cg_suggestion_done(struct cg_suggestion *s);
