/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checks a unit's hardening options (optunit.h) against a profile: which
 * observed call the options of a systemd version would refuse, how (the
 * errno), which process made it, and the smallest line that lets it
 * through (verified by applying it); and, with or without a profile, the
 * options' effective values, the rows systemd-analyze scores for them,
 * pitfalls and values systemd ignores.
 *
 * A call refused whatever its arguments (adjtimex under ProtectClock=,
 * clone3 under RestrictNamespaces= from 252 on, any socket() under
 * RestrictAddressFamilies=none) is judged from the profile's calls; one
 * refused for its arguments, from the profile's evidence (evidence.h).
 * When the inputs could not see the arguments an option looks at (a
 * strace -c table), the option is reported "not known from this input",
 * never guessed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "groups.h"
#include "optunit.h"
#include "profile.h"
#include "unitfile.h"

struct cg_optcheck_refusal {
	unsigned option; /* optbook index */
	enum cg_abi abi;
	cg_name call;
	uint64_t value; /* the argument fact (0: the call itself) */
	uint64_t count; /* calls that showed it (0: unknown) */
	int32_t pid;	/* the first process (0: unknown) */
	char comm[16];	/* its comm ("" unknown) */
	int err;	/* what the call fails with */
	bool benign;	/* clone3's ENOSYS, after which the C library
			 * falls back to a clone() the option allows */
	char fact[128]; /* the fact in words ("AF_INET", "" for the call) */
	char fix[160];	/* "RestrictAddressFamilies=AF_INET" */
};

struct cg_optcheck {
	const struct cg_table *table; /* borrowed */
	struct cg_optunit opts;	      /* the effective options (borrow the unit's strings) */
	bool have_profile;
	struct cg_optcheck_refusal *v; /* sorted by option (load order), ABI, call, value */
	size_t n;
	/* The fix lines (unique, in the order of v), and whether with them
	 * appended nothing observed is refused (benign ones aside). */
	char **fix_lines;
	size_t nfix;
	bool fix_verified;
	/* Options in effect whose arguments the inputs could not see: bit
	 * (1 << option). */
	uint32_t unknown;
	/* The rows systemd-analyze scores for the options, before and with
	 * the fix; exposure sums ceil(badness * weight / range). */
	struct cg_opt_score rows[32];
	size_t nrows;
	uint64_t exposure, exposure_fixed, weight;
};

/* Checks u's options as systemd t->version reads them against p (may be
 * NULL). out is initialised here; free it with cg_optcheck_done(). Borrows
 * u, t and p (u and t must outlive out). Returns 0 or -EINVAL (e names
 * the line). */
int cg_optcheck_run(const struct cg_unit_settings *u, const struct cg_table *t,
		    const struct cg_profile *p, struct cg_optcheck *out, struct cg_error *e);
void cg_optcheck_done(struct cg_optcheck *c);
/* True when an observed call would be refused (benign ones aside). */
bool cg_optcheck_breaks(const struct cg_optcheck *c);
