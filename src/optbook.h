/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The option rulebook: data/options.txt (the hardening options systemd
 * builds as seccomp filters on call arguments: the option and row lines of
 * issue 13, with how their unit lines parse and the rules systemd loads
 * for each per version and ABI), parsed into the tables `check` and `run`
 * use. The block, allow and note lines (what evidence keeps an option off)
 * are skipped here: the recommender reads them. The text is compiled into
 * the binary by tools/gen-optbook.c, which runs this very parser at build
 * time, so a malformed line fails the build. Values are written with the
 * names of evidence_names.h (AF_INET6, CLONE_NEWNS). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Options beyond this would need a bigger table; the data has ten. */
#define CG_OPT_MAX 16
/* Rules hold at most this many argument comparisons (systemd uses two). */
#define CG_OPT_MAX_COND 2

enum cg_opt_kind {
	CG_OPT_BOOL,
	CG_OPT_FAMILIES,   /* RestrictAddressFamilies= */
	CG_OPT_NAMESPACES, /* RestrictNamespaces= */
};

/* Inclusive systemd version range; to is UINT32_MAX when open. */
struct cg_vrange {
	unsigned from, to;
};

enum cg_opt_cmp {
	CG_CMP_EQ,
	CG_CMP_NE,
	CG_CMP_GT,
	CG_CMP_LT,	  /* computed rules only (an allow-list of families) */
	CG_CMP_MASKED_EQ, /* (arg & mask) == value */
};

struct cg_opt_cond {
	unsigned arg; /* 0..5 */
	enum cg_opt_cmp op;
	uint64_t mask, value;
};

struct cg_opt_def {
	const char *name; /* "RestrictAddressFamilies", without '=' */
	enum cg_opt_kind kind;
	unsigned since; /* the first systemd version that has it */
	bool parsed;	/* a parse line gave its kind */
	/* The fact kinds (evidence.h) it depends on, bit (1 << kind): from the
	 * KINDS of its option line. */
	uint32_t fact_kinds;
};

struct cg_opt_keyword {
	unsigned option; /* index into defs */
	const char *word;
	struct cg_vrange v;
};

struct cg_opt_namespace {
	const char *name; /* "user" */
	unsigned long flag;
	unsigned since;
	bool extra; /* outside NAMESPACE_FLAGS_ALL (time) */
};

/* A rule line, or (set_rule) a setrule line. call is a system call name
 * or "@group". abis: bit (1 << enum cg_abi). */
struct cg_book_rule {
	unsigned option;
	struct cg_vrange v;
	unsigned abis;
	const char *call;
	int err;
	bool set_rule;
	unsigned set_arg; /* set_rule: the argument holding the family or flags */
	size_t ncond;
	struct cg_opt_cond cond[CG_OPT_MAX_COND];
	unsigned line; /* in the data file */
};

struct cg_opt_mdwe {
	unsigned option;
	struct cg_vrange v;
	int err;
};

enum cg_opt_test {
	CG_TEST_ON,	   /* bad unless the option is on */
	CG_TEST_FAMILIES,  /* bad when one of families passes (AF_INET stands
			    * for AF_INET and AF_INET6) */
	CG_TEST_OTHER,	   /* the families no other row names */
	CG_TEST_NAMESPACE, /* bad when ns_flag is kept */
};

struct cg_book_row {
	unsigned option;
	struct cg_vrange v;
	const char *id;		/* "RestrictAddressFamilies=~AF_UNIX" */
	const char *json_field; /* "RestrictAddressFamilies_AF_UNIX"; "-" before 250 */
	unsigned weight, range;
	enum cg_opt_test test;
	uint64_t families; /* CG_TEST_FAMILIES: bit per family number */
	unsigned long ns_flag;
};

struct cg_optbook {
	struct cg_opt_def defs[CG_OPT_MAX]; /* in the order of the option lines */
	size_t ndefs;
	unsigned order[CG_OPT_MAX]; /* indexes of defs in systemd's load order */
	struct cg_opt_keyword *keywords;
	size_t nkeywords;
	struct cg_opt_namespace *namespaces;
	size_t nnamespaces;
	struct cg_book_rule *rules;
	size_t nrules;
	struct cg_opt_mdwe *mdwe;
	size_t nmdwe;
	struct cg_book_row *rows;
	size_t nrows;
	char *arena; /* the copied text the strings point into */
};

/* Parses the text of data/options.txt (fname names it in errors) into
 * *out (caller frees with cg_optbook_done()). Returns 0, or -EINVAL with e
 * naming the line and what was expected there. Call names are not checked
 * here (tools/gen-optbook.c checks them against the group tables). */
int cg_optbook_parse(const char *text, const char *fname, struct cg_optbook *out,
		     struct cg_error *e);
void cg_optbook_done(struct cg_optbook *b);

/* The compiled-in rulebook, parsed on first use. Static; never freed. */
const struct cg_optbook *cg_optbook_builtin(void);

bool cg_vrange_has(struct cg_vrange r, unsigned version);
/* The option named name ("RestrictSUIDSGID", with or without a trailing
 * '='), or -1. */
int cg_optbook_find(const struct cg_optbook *b, const char *name);
/* The number of the address family named name ("AF_INET6", aliases
 * such as AF_LOCAL too: the names of the C library's sys/socket.h, which
 * systemd's af_from_name() knows), or -1. */
int cg_optbook_family(const char *name);
/* The name of family number nr ("AF_UNIX") into buf. */
const char *cg_optbook_family_name(int nr, char *buf, size_t len);
