/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp-backed hardening options systemd sets from call arguments
 * (RestrictAddressFamilies=, RestrictNamespaces=, MemoryDenyWriteExecute=,
 * LockPersonality=, RestrictRealtime=, RestrictSUIDSGID=, ProtectClock=,
 * ProtectHostname=, ProtectKernelLogs=, ProtectKernelTunables=): their
 * rules, compiled from data/options.txt by tools/gen-options.c, and the
 * advice the argument evidence of a profile (evidence.h) gives for each,
 * per systemd version, with the `systemd-analyze security` rows it sets. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "evidence.h"

/* How a row of `systemd-analyze security` is closed (data/options.txt). */
enum cg_opt_selector {
	CG_SEL_YES,	 /* by the option being on */
	CG_SEL_FAMILY,	 /* by no family of class sel in the allow-list */
	CG_SEL_OTHER_AF, /* by no family outside the named classes */
	CG_SEL_NS,	 /* by namespace flag sel not being allowed */
};

struct cg_opt_row {
	unsigned from, to; /* systemd versions (0 = no bound) */
	const char *id;	   /* "RestrictNamespaces=~user" */
	const char *json_field;
	unsigned weight, range;
	enum cg_opt_selector sel_kind;
	uint64_t sel; /* AF_ number (AF_INET stands for INET and INET6) or CLONE_NEW* */
};

enum cg_opt_rule_type {
	CG_RULE_BLOCK, /* a matching fact keeps the option off */
	CG_RULE_ALLOW, /* the option's list keeps the values of matching facts */
	CG_RULE_NOTE,  /* worth saying, changes nothing */
};

struct cg_opt_rule {
	enum cg_opt_rule_type type;
	unsigned from, to;
	enum cg_fact_kind kind;
	const char *const *calls; /* NULL-terminated; NULL = any call */
	const uint64_t *values;	  /* values (or, with except, the values not) */
	size_t nvalues;		  /* 0 = any value */
	bool except;
	const char *why;
};

/* A word systemd's option takes for a value (RestrictNamespaces= "ipc"). */
struct cg_opt_spelling {
	uint64_t value;
	const char *word;
};

struct cg_option_def {
	const char *name; /* "RestrictRealtime=" */
	unsigned since;	  /* first systemd version that has it */
	uint32_t kinds;	  /* CG_FACT_BIT() of the kinds it depends on */
	const char *doc;  /* what systemd does */
	const struct cg_opt_row *rows;
	size_t nrows;
	const struct cg_opt_rule *rules;
	size_t nrules;
	const struct cg_opt_spelling *spellings; /* value words, when not the
						  * fact's own names */
	size_t nspellings;
};

size_t cg_option_count(void);
/* Options in data/options.txt order; NULL past the end. Static. */
const struct cg_option_def *cg_option_get(size_t i);
/* By name, with or without the trailing '='; NULL when unknown. */
const struct cg_option_def *cg_option_find(const char *name);

/* Whether rule r (of its option) applies on version and matches fact f. */
bool cg_opt_rule_matches(const struct cg_opt_rule *r, unsigned version, const struct cg_fact *f);

enum cg_advice_state {
	CG_ADVICE_SET,	       /* recommend value */
	CG_ADVICE_OFF,	       /* evidence keeps it off (blocking[] says which) */
	CG_ADVICE_UNKNOWN,     /* the input could not see the kinds it needs */
	CG_ADVICE_UNAVAILABLE, /* the version has no such option */
};

#define CG_ADVICE_MAX_FACTS 8

struct cg_option_advice {
	const struct cg_option_def *def;
	enum cg_advice_state state;
	char value[160]; /* the assignment's value ("yes", "AF_UNIX AF_INET",
			  * "none", "ipc net"); "" unless SET */
	/* The facts behind it: what blocks it (OFF) or what its list keeps
	 * (SET with a list), then notes. Point into the evidence: valid while
	 * it is unchanged. */
	const struct cg_fact *facts[CG_ADVICE_MAX_FACTS];
	const struct cg_opt_rule *fact_rules[CG_ADVICE_MAX_FACTS];
	size_t nfacts;
	size_t more_facts;    /* matching facts left out of facts[] */
	uint64_t allowed[48]; /* the values its list keeps (SET), ascending */
	size_t nallowed;
	/* The rows this option sets, before (option unset) and after. */
	uint64_t before, after; /* sum of ceil(badness * weight / range) */
	uint64_t weight;	/* sum of the rows' weights */
};

/* The advice for every option (cg_option_count() entries into out) from
 * ev, for systemd version (247, 252 ...). Borrows ev. */
void cg_options_advise(const struct cg_evidence *ev, unsigned version,
		       struct cg_option_advice *out);

/* The badness (0 or the range) of row r under advice a. */
unsigned cg_opt_row_badness(const struct cg_opt_row *r, const struct cg_option_advice *a,
			    bool after);
/* Whether row r exists on version. */
bool cg_opt_row_applies(const struct cg_opt_row *r, unsigned version);

/* The strace command that would tell what an input without arguments
 * could not ("strace -f -o FILE -- COMMAND"): a static string. */
const char *cg_options_strace_hint(void);

/* The option lines of a drop-in's [Service] section for the advice adv (n
 * options, as cg_options_advise() gives them): each SET option as
 * "NAME=VALUE" under a comment for each fact behind it ("# NAME: nothing
 * in the trace needs it relaxed" when none), commented out ("#   NAME=...")
 * when commented is set (staging: an option refuses and cannot log); for
 * an OFF one a comment per fact that blocks it ("# NAME not set: FACT:
 * why"); for an UNKNOWN one "# NAME not set: " and unknown_why. An option
 * the version lacks is left out. */
void cg_options_write_dropin(FILE *f, const struct cg_option_advice *adv, size_t n, bool commented,
			     const char *unknown_why);

/* The systemd version whose option rules apply to a table of this version
 * string: its number (cg_version_number()), the newest rules when it has
 * none. */
unsigned cg_options_rules_version(const char *table_version);

/* systemd-analyze security's JSON "exposure" of a row with badness over
 * weight_total ("0.3"), into buf; "" for badness 0. Returns buf. */
const char *cg_opt_row_exposure_str(const struct cg_opt_row *r, unsigned badness,
				    uint64_t weight_total, char *buf, size_t len);
