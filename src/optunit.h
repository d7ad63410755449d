/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp-backed hardening options of a unit (RestrictAddressFamilies=,
 * RestrictNamespaces=, MemoryDenyWriteExecute=, LockPersonality=,
 * RestrictRealtime=, RestrictSUIDSGID=, ProtectClock=, ProtectHostname=,
 * ProtectKernelLogs=, ProtectKernelTunables=), as a given systemd version
 * reads and enforces them. Every fact comes from the option rulebook
 * (optbook.h, data/options.txt); this module applies it:
 *  - merging a unit's lines in order, as systemd's parsers do:
 *    booleans (a later line wins; a value parse_boolean() refuses, the empty
 *    one included, is ignored), families (the first line since a reset fixes
 *    allow- or deny-list, later lines in the same sense add, in the other
 *    sense remove; empty resets; "none" from 249 on), namespaces (yes/no
 *    replace everything, a list is taken as is the first time and merged
 *    later, '~' inverting; a list with an unknown kind is ignored whole);
 *  - the seccomp rules systemd loads for the result (cg_optunit_rules()),
 *    loading them (cg_optunit_load()) and asking them about one call with
 *    its arguments (cg_optunit_verdict());
 *  - the rows `systemd-analyze security` scores for them, and pitfalls. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "groups.h"
#include "names.h"
#include "optbook.h"
#include "util.h"

/* ULONG_MAX: RestrictNamespaces= never set (NAMESPACE_FLAGS_INITIAL). */
#define CG_NS_INITIAL (~0ul)

/* One unit line of an option, in the order systemd reads them. Borrowed. */
struct cg_opt_line {
	const char *key; /* "RestrictNamespaces" */
	const char *value;
	const char *file;
	unsigned line;
};

/* The effective value of one option. */
struct cg_opt_state {
	const char *file; /* the last line that changed it (borrowed), or NULL */
	unsigned line;
	bool on; /* bool options: the value */
	/* Families: active when an allow-list is in place (even an empty one)
	 * or a deny-list holds a family; af has bit (1 << number). */
	bool af_exists; /* systemd's set exists (a mode is fixed) */
	bool af_allow_list;
	uint64_t af;
	/* Namespaces: the kinds kept (clone flags), CG_NS_INITIAL when unset. */
	unsigned long ns_retain;
};

/* Something systemd logs and ignores, or a pitfall: "file:line" and text. */
struct cg_opt_note {
	char *where;
	char *msg;
};

struct cg_optunit {
	const struct cg_optbook *book; /* borrowed; the built-in one by default */
	unsigned version;
	struct cg_opt_state st[CG_OPT_MAX];
	struct cg_opt_note *ignored; /* values systemd would log and ignore */
	size_t nignored;
	struct cg_opt_note *pitfalls;
	size_t npitfalls;
};

/* Applies lines (n of them, keys of the rulebook only; others are
 * -EINVAL) as systemd `version` does into *out, which is initialised here
 * (free with cg_optunit_done()). Pitfalls are found on the way. Returns 0,
 * or -EINVAL with e naming a line whose key is no option. */
int cg_optunit_apply(const struct cg_opt_line *lines, size_t n, unsigned version,
		     struct cg_optunit *out, struct cg_error *e);
void cg_optunit_done(struct cg_optunit *o);
/* Adds a pitfall seen from outside (the caller knows other settings):
 * where and msg are copied. */
void cg_optunit_add_pitfall(struct cg_optunit *o, const char *where, const char *msg);

/* True when the option loads anything on o->version. */
bool cg_optunit_active(const struct cg_optunit *o, unsigned opt);
/* True when any option is active. */
bool cg_optunit_any(const struct cg_optunit *o);
/* The effective value as a unit line would write it ("yes", "no",
 * "AF_INET AF_UNIX", "~AF_PACKET", "none", "user net", "~user"); a new
 * string the caller frees. */
char *cg_optunit_format(const struct cg_optunit *o, unsigned opt);

/* A compiled rule: the call fails with err when every condition holds. */
struct cg_opt_crule {
	unsigned option;
	unsigned abis; /* bit (1 << enum cg_abi) */
	cg_name name;
	int err;
	size_t ncond;
	struct cg_opt_cond cond[CG_OPT_MAX_COND];
	/* The argument fact a refused call shows: argument fact_arg masked
	 * with fact_mask (the family, the namespace flags, the set-id bits,
	 * the protection); fact_arg -1: none (0). */
	int fact_arg;
	uint64_t fact_mask;
};

struct cg_opt_rules {
	struct cg_opt_crule *v;
	size_t n, cap;
	/* MemoryDenyWriteExecute= is prctl(PR_SET_MDWE) on this version
	 * (when the kernel has it): err is its errno, 0 when not. */
	int mdwe_err;
	unsigned mdwe_option;
};

/* The seccomp rules systemd loads for o (groups resolved in t), in its
 * load order. out is initialised here; free with cg_opt_rules_done(). */
void cg_optunit_rules(const struct cg_optunit *o, const struct cg_table *t,
		      struct cg_opt_rules *out);
void cg_opt_rules_done(struct cg_opt_rules *r);

/* What the rules do with a call of name on abi with these arguments: 0
 * when it passes, else the errno, *option saying which refuses it (of
 * several, the one loaded last, whose answer the kernel keeps) and *fact
 * the argument fact of the rule (may be NULL). With
 * use_mdwe the MemoryDenyWriteExecute= rules answer with r->mdwe_err (the
 * prctl refuses what they describe, and mprotect() adding PROT_EXEC to a
 * mapping that was never writable, which no rule can tell). */
int cg_optunit_verdict(const struct cg_opt_rules *r, enum cg_abi abi, cg_name name,
		       const uint64_t args[6], bool use_mdwe, unsigned *option, uint64_t *fact);

/* What the rules do with a call known only by one argument fact: the
 * call of name on abi whose fact argument (the family of socket(), the
 * namespace flags, the protection, the set-id bits, the policy) is value,
 * its other arguments taken to be those that showed the fact (open() with
 * O_CREAT for a set-id mode). A rule without conditions refuses the call
 * whatever value is. Returns 0 or the errno, *option the option (may be
 * NULL). */
int cg_optunit_fact_verdict(const struct cg_opt_rules *r, enum cg_abi abi, cg_name name,
			    uint64_t value, bool use_mdwe, unsigned *option);

/* The fact of a refusal in words: "AF_INET", "user net", "PROT_WRITE|PROT_EXEC",
 * "04000", "SCHED_FIFO", "0x8" (or "" when the call itself is refused),
 * into buf. */
const char *cg_optunit_fact_str(const struct cg_optunit *o, unsigned opt, cg_name call,
				uint64_t fact, char *buf, size_t len);
/* The smallest unit line that lets a refused call through, added after
 * the unit's own lines ("RestrictAddressFamilies=AF_INET",
 * "RestrictNamespaces=user", "MemoryDenyWriteExecute=no"), into buf. */
const char *cg_optunit_fix(const struct cg_optunit *o, unsigned opt, cg_name call, uint64_t fact,
			   char *buf, size_t len);

/* Loads the rules into the calling thread as systemd does: per option in
 * order, one filter per ABI in abis (bit per enum cg_abi) with the rules
 * for that ABI, default allow; MemoryDenyWriteExecute= by prctl where
 * r->mdwe_err says so and the kernel takes it (*used_mdwe set; else the
 * seccomp rules). no_new_privs must be set already. Returns 0 or a
 * negative errno with e saying which step failed. */
int cg_optunit_load(const struct cg_opt_rules *r, unsigned abis, bool *used_mdwe,
		    struct cg_error *e);

/* Adds r's rules to a libseccomp filter ctx (scmp_filter_ctx, passed as a
 * pointer to keep seccomp.h out of this header) with action (a SCMP_ACT_*
 * value) instead of their errnos, for the ABI the ctx is built for. Rules
 * for calls that ctx already decides for the same arguments are skipped by
 * libseccomp. Returns 0 or a negative errno. */
int cg_optunit_add_to_ctx(const struct cg_opt_rules *r, void *ctx, enum cg_abi abi,
			  uint32_t action);

/* One scored row for o. */
struct cg_opt_score {
	const struct cg_book_row *row; /* in o->book */
	unsigned badness;	       /* 0 or 1 (the rows' range is 1) */
};

/* The rows of o->version in rulebook order into out (at most max); the
 * sums of their exposure (ceil(badness * weight / range)) and weight.
 * Returns the count. */
size_t cg_optunit_score(const struct cg_optunit *o, struct cg_opt_score *out, size_t max,
			uint64_t *sum_exposure, uint64_t *sum_weight);
