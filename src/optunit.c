/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "optunit.h"

#include <errno.h>
#include <limits.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "evidence.h"
#include "evidence_names.h"

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN (1UL << 0)
#endif

/* ---- notes --------------------------------------------------------------- */

static void note_add(struct cg_opt_note **v, size_t *n, const char *file, unsigned line, char *msg)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = (struct cg_opt_note){
		.where = file ? (line ? xasprintf("%s:%u", file, line) : xstrdup(file))
			      : xstrdup(""),
		.msg = msg,
	};
}

void cg_optunit_add_pitfall(struct cg_optunit *o, const char *where, const char *msg)
{
	note_add(&o->pitfalls, &o->npitfalls, where, 0, xstrdup(msg));
}

void cg_optunit_done(struct cg_optunit *o)
{
	for (size_t i = 0; i < o->nignored; i++) {
		free(o->ignored[i].where);
		free(o->ignored[i].msg);
	}
	free(o->ignored);
	for (size_t i = 0; i < o->npitfalls; i++) {
		free(o->pitfalls[i].where);
		free(o->pitfalls[i].msg);
	}
	free(o->pitfalls);
	*o = (struct cg_optunit){0};
}

/* ---- parsing values as systemd does --------------------------------------- */

/* parse_boolean() of systemd's parse-util.c. */
static int parse_boolean(const char *v)
{
	static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};
	static const char *const no[] = {"0", "no", "n", "false", "f", "off"};
	for (size_t i = 0; i < ELEMENTSOF(yes); i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < ELEMENTSOF(no); i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return -EINVAL;
}

/* The next whitespace-separated word of *p with quotes removed (what
 * extract_first_word() with EXTRACT_UNQUOTE gives for plain words), or
 * NULL at the end. A new string. */
static char *next_word(const char **p)
{
	const char *s = *p + strspn(*p, " \t\n");
	if (!*s) {
		*p = s;
		return NULL;
	}
	size_t n = strcspn(s, " \t\n");
	char *w = xmalloc(n + 1), *o = w;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '"' && s[i] != '\'')
			*o++ = s[i];
	*o = 0;
	*p = s + n;
	return w;
}

static unsigned long ns_all(const struct cg_optbook *b)
{
	unsigned long all = 0;
	for (size_t i = 0; i < b->nnamespaces; i++)
		if (!b->namespaces[i].extra)
			all |= b->namespaces[i].flag;
	return all;
}

static bool keyword(const struct cg_optbook *b, unsigned opt, const char *v, unsigned version)
{
	for (size_t i = 0; i < b->nkeywords; i++)
		if (b->keywords[i].option == opt && strcmp(b->keywords[i].word, v) == 0 &&
		    cg_vrange_has(b->keywords[i].v, version))
			return true;
	return false;
}

static void apply_families(struct cg_optunit *o, unsigned opt, const struct cg_opt_line *l)
{
	struct cg_opt_state *st = &o->st[opt];
	const char *v = l->value;
	if (!*v) {
		st->af = 0;
		st->af_exists = false;
		st->af_allow_list = false;
		return;
	}
	if (keyword(o->book, opt, v, o->version)) { /* "none" */
		st->af = 0;
		st->af_exists = false;
		st->af_allow_list = true;
		return;
	}
	bool invert = *v == '~';
	if (invert)
		v++;
	if (!st->af_exists) {
		st->af_exists = true;
		st->af_allow_list = !invert;
	} else if (invert && st->af_allow_list) {
		note_add(&o->pitfalls, &o->npitfalls, l->file, l->line,
			 xasprintf("RestrictAddressFamilies=~%s after an allow-list only takes "
				   "families out of that allow-list; it does not start a deny-list "
				   "(an empty line first would)",
				   v));
	}
	char *w;
	while ((w = next_word(&v))) {
		int af = cg_optbook_family(w);
		if (af < 0) {
			note_add(
				&o->ignored, &o->nignored, l->file, l->line,
				strcmp(w, "none") == 0
					? xasprintf("RestrictAddressFamilies=none is not known to "
						    "systemd %u (from 249 on): the word is ignored "
						    "as an unknown address family",
						    o->version)
					: xasprintf("unknown address family %s, ignored by systemd",
						    w));
			free(w);
			continue;
		}
		if (!invert == st->af_allow_list)
			st->af |= 1ull << af;
		else
			st->af &= ~(1ull << af);
		free(w);
	}
}

static void apply_namespaces(struct cg_optunit *o, unsigned opt, const struct cg_opt_line *l)
{
	struct cg_opt_state *st = &o->st[opt];
	const struct cg_optbook *b = o->book;
	const char *v = l->value;
	if (!*v) {
		st->ns_retain = CG_NS_INITIAL;
		return;
	}
	int k = parse_boolean(v);
	if (k >= 0) {
		st->ns_retain = k ? 0 : ns_all(b);
		return;
	}
	bool invert = *v == '~';
	if (invert)
		v++;
	unsigned long flags = 0;
	char *w;
	while ((w = next_word(&v))) {
		unsigned long f = 0;
		for (size_t i = 0; i < b->nnamespaces; i++)
			if (strcmp(b->namespaces[i].name, w) == 0 &&
			    o->version >= b->namespaces[i].since)
				f = b->namespaces[i].flag;
		if (!f) {
			note_add(
				&o->ignored, &o->nignored, l->file, l->line,
				xasprintf("unknown namespace type %s (systemd %u): systemd ignores "
					  "the whole line",
					  w, o->version));
			free(w);
			return;
		}
		flags |= f;
		free(w);
	}
	if (st->ns_retain == CG_NS_INITIAL) {
		st->ns_retain = invert ? ~flags & ns_all(b) : flags;
	} else {
		if (invert && st->ns_retain != ns_all(b) && (st->ns_retain & ns_all(b)) != 0)
			note_add(&o->pitfalls, &o->npitfalls, l->file, l->line,
				 xasprintf("RestrictNamespaces=~%s after a list only takes these "
					   "kinds out of it",
					   v));
		if (invert)
			st->ns_retain &= ~flags;
		else
			st->ns_retain |= flags;
	}
}

int cg_optunit_apply(const struct cg_opt_line *lines, size_t n, unsigned version,
		     struct cg_optunit *out, struct cg_error *e)
{
	*out = (struct cg_optunit){.book = cg_optbook_builtin(), .version = version};
	if (!out->version)
		out->version = UINT32_MAX - 1; /* unknown: the newest rules */
	for (size_t i = 0; i < CG_OPT_MAX; i++)
		out->st[i].ns_retain = CG_NS_INITIAL;
	for (size_t i = 0; i < n; i++) {
		const struct cg_opt_line *l = &lines[i];
		int opt = cg_optbook_find(out->book, l->key);
		if (opt < 0) {
			cg_error_set(e, l->file, l->line, "%s= is no hardening option", l->key);
			cg_optunit_done(out);
			return -EINVAL;
		}
		const struct cg_opt_def *d = &out->book->defs[opt];
		if (out->version < d->since) {
			note_add(&out->ignored, &out->nignored, l->file, l->line,
				 xasprintf("%s= is unknown to systemd %u (from %u on): ignored",
					   d->name, out->version, d->since));
			continue;
		}
		struct cg_opt_state *st = &out->st[opt];
		switch (d->kind) {
		case CG_OPT_BOOL: {
			int k = parse_boolean(l->value);
			if (k < 0) {
				note_add(&out->ignored, &out->nignored, l->file, l->line,
					 xasprintf("%s=%s: not a boolean, ignored by systemd",
						   d->name, l->value));
				continue;
			}
			st->on = k;
			break;
		}
		case CG_OPT_FAMILIES:
			apply_families(out, (unsigned)opt, l);
			break;
		case CG_OPT_NAMESPACES:
			apply_namespaces(out, (unsigned)opt, l);
			break;
		}
		st->file = l->file;
		st->line = l->line;
	}
	return 0;
}

bool cg_optunit_active(const struct cg_optunit *o, unsigned opt)
{
	if (opt >= o->book->ndefs)
		return false;
	const struct cg_opt_state *st = &o->st[opt];
	switch (o->book->defs[opt].kind) {
	case CG_OPT_BOOL:
		return st->on;
	case CG_OPT_FAMILIES:
		return st->af_allow_list || st->af;
	case CG_OPT_NAMESPACES:
		return (st->ns_retain & ns_all(o->book)) != ns_all(o->book);
	}
	return false;
}

bool cg_optunit_any(const struct cg_optunit *o)
{
	for (unsigned i = 0; i < o->book->ndefs; i++)
		if (cg_optunit_active(o, i))
			return true;
	return false;
}

char *cg_optunit_format(const struct cg_optunit *o, unsigned opt)
{
	const struct cg_optbook *b = o->book;
	const struct cg_opt_state *st = &o->st[opt];
	switch (b->defs[opt].kind) {
	case CG_OPT_BOOL:
		return xstrdup(st->on ? "yes" : "no");
	case CG_OPT_FAMILIES: {
		if (!cg_optunit_active(o, opt))
			return xstrdup("");
		if (st->af_allow_list && !st->af)
			return xstrdup("none");
		char buf[1024] = "";
		size_t len = 0;
		if (!st->af_allow_list)
			buf[len++] = '~';
		for (int af = 1; af < 64; af++)
			if (st->af & (1ull << af)) {
				char name[32];
				cg_optbook_family_name(af, name, sizeof name);
				len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
							len && buf[len - 1] != '~' ? " " : "",
							name);
				if (len >= sizeof buf)
					break;
			}
		return xstrdup(buf);
	}
	case CG_OPT_NAMESPACES: {
		if (st->ns_retain == CG_NS_INITIAL)
			return xstrdup("");
		if (!(st->ns_retain & ns_all(b)) && !(st->ns_retain & ~ns_all(b)))
			return xstrdup("yes");
		if ((st->ns_retain & ns_all(b)) == ns_all(b))
			return xstrdup("no");
		char buf[256] = "";
		size_t len = 0;
		for (size_t i = 0; i < b->nnamespaces; i++)
			if ((st->ns_retain & b->namespaces[i].flag) &&
			    o->version >= b->namespaces[i].since)
				len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
							len ? " " : "", b->namespaces[i].name);
		return xstrdup(buf);
	}
	}
	return xstrdup("");
}

/* ---- rules ----------------------------------------------------------------- */

static void push_rule(struct cg_opt_rules *r, const struct cg_opt_crule *c)
{
	xgrow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v);
	r->v[r->n++] = *c;
}

static struct cg_opt_crule crule(const struct cg_book_rule *src, const char *call, size_t ncond,
				 const struct cg_opt_cond *cond)
{
	struct cg_opt_crule c = {
		.option = src->option,
		.abis = src->abis,
		.name = cg_intern(call),
		.err = src->err,
		.ncond = ncond,
		.fact_arg = -1,
	};
	for (size_t i = 0; i < ncond; i++)
		c.cond[i] = cond[i];
	if (src->set_rule) {
		c.fact_arg = (int)src->set_arg;
		c.fact_mask = UINT64_MAX;
	} else if (ncond) {
		const struct cg_opt_cond *l = &cond[ncond - 1];
		c.fact_arg = (int)l->arg;
		c.fact_mask = l->op == CG_CMP_MASKED_EQ ? l->mask : UINT64_MAX;
	}
	return c;
}

/* systemd's af_max(): AF_MAX of the headers it was built with. */
static int af_max(void)
{
	return AF_MAX < 64 ? AF_MAX : 64;
}

/* seccomp_restrict_address_families(): see data/options.txt. */
static void family_rules(const struct cg_optunit *o, const struct cg_book_rule *src,
			 const char *call, struct cg_opt_rules *out)
{
	const struct cg_opt_state *st = &o->st[src->option];
	unsigned a = src->set_arg;
	int max = af_max();
	if (!st->af_allow_list) {
		for (int af = 1; af < 64; af++)
			if (st->af & (1ull << af)) {
				struct cg_opt_cond c = {a, CG_CMP_EQ, UINT64_MAX, (uint64_t)af};
				struct cg_opt_crule r = crule(src, call, 1, &c);
				push_rule(out, &r);
			}
		return;
	}
	int first = 0, last = 0;
	for (int af = 1; af < max && af < 64; af++)
		if (st->af & (1ull << af)) {
			if (!first)
				first = af;
			last = af;
		}
	if (!first) {
		struct cg_opt_crule r = crule(src, call, 0, NULL);
		push_rule(out, &r);
		return;
	}
	struct cg_opt_cond lt = {a, CG_CMP_LT, UINT64_MAX, (uint64_t)first};
	struct cg_opt_cond gt = {a, CG_CMP_GT, UINT64_MAX, (uint64_t)last};
	struct cg_opt_crule r = crule(src, call, 1, &lt);
	push_rule(out, &r);
	r = crule(src, call, 1, &gt);
	push_rule(out, &r);
	for (int af = 1; af < max && af < 64; af++)
		if (!(st->af & (1ull << af))) {
			struct cg_opt_cond c = {a, CG_CMP_EQ, UINT64_MAX, (uint64_t)af};
			r = crule(src, call, 1, &c);
			push_rule(out, &r);
		}
}

/* seccomp_restrict_namespaces(): see data/options.txt. */
static void namespace_rules(const struct cg_optunit *o, const struct cg_book_rule *src,
			    const char *call, struct cg_opt_rules *out)
{
	const struct cg_optbook *b = o->book;
	unsigned long retain = o->st[src->option].ns_retain;
	bool none_kept = (retain & ns_all(b)) == 0;
	unsigned a = src->set_arg;
	bool setns = strcmp(call, "setns") == 0;
	if (setns) {
		struct cg_opt_cond zero = {a, CG_CMP_EQ, UINT64_MAX, 0};
		struct cg_opt_crule r = crule(src, call, none_kept ? 0 : 1, &zero);
		push_rule(out, &r);
		if (none_kept)
			return;
	}
	for (size_t i = 0; i < b->nnamespaces; i++) {
		unsigned long f = b->namespaces[i].flag;
		if (o->version < b->namespaces[i].since || (retain & f) == f)
			continue;
		struct cg_opt_cond c = {a, CG_CMP_MASKED_EQ, f, f};
		struct cg_opt_crule r = crule(src, call, 1, &c);
		r.fact_mask = ns_all(b);
		for (size_t k = 0; k < b->nnamespaces; k++)
			r.fact_mask |= b->namespaces[k].flag;
		push_rule(out, &r);
	}
}

void cg_optunit_rules(const struct cg_optunit *o, const struct cg_table *t,
		      struct cg_opt_rules *out)
{
	*out = (struct cg_opt_rules){0};
	const struct cg_optbook *b = o->book;
	for (size_t k = 0; k < b->ndefs; k++) {
		unsigned opt = b->order[k];
		if (!cg_optunit_active(o, opt))
			continue;
		for (size_t i = 0; i < b->nmdwe; i++)
			if (b->mdwe[i].option == opt && cg_vrange_has(b->mdwe[i].v, o->version)) {
				out->mdwe_err = b->mdwe[i].err;
				out->mdwe_option = opt;
			}
		for (size_t i = 0; i < b->nrules; i++) {
			const struct cg_book_rule *src = &b->rules[i];
			if (src->option != opt || !cg_vrange_has(src->v, o->version))
				continue;
			if (src->set_rule) {
				if (b->defs[opt].kind == CG_OPT_FAMILIES)
					family_rules(o, src, src->call, out);
				else
					namespace_rules(o, src, src->call, out);
				continue;
			}
			if (src->call[0] != '@') {
				struct cg_opt_crule r =
					crule(src, src->call, src->ncond, src->cond);
				push_rule(out, &r);
				continue;
			}
			_cleanup_set_ struct cg_set *calls = cg_set_new();
			if (t && cg_table_expand(t, src->call, calls) < 0)
				continue; /* a table without the group: nothing to refuse */
			for (cg_name n = 0; cg_set_next(calls, &n); n++) {
				struct cg_opt_crule r =
					crule(src, cg_name_str(n), src->ncond, src->cond);
				push_rule(out, &r);
			}
		}
	}
}

void cg_opt_rules_done(struct cg_opt_rules *r)
{
	free(r->v);
	*r = (struct cg_opt_rules){0};
}

static bool cond_holds(const struct cg_opt_cond *c, uint64_t v)
{
	switch (c->op) {
	case CG_CMP_EQ:
		return v == c->value;
	case CG_CMP_NE:
		return v != c->value;
	case CG_CMP_GT:
		return v > c->value;
	case CG_CMP_LT:
		return v < c->value;
	case CG_CMP_MASKED_EQ:
		return (v & c->mask) == c->value;
	}
	return false;
}

/* The errno rule c answers with: PR_SET_MDWE's (use_mdwe) for the option
 * systemd enforces that way, else the rule's own. */
static int rule_errno(const struct cg_opt_rules *r, const struct cg_opt_crule *c, bool use_mdwe)
{
	return use_mdwe && r->mdwe_err && c->option == r->mdwe_option ? r->mdwe_err : c->err;
}

int cg_optunit_verdict(const struct cg_opt_rules *r, enum cg_abi abi, cg_name name,
		       const uint64_t args[6], bool use_mdwe, unsigned *option, uint64_t *fact)
{
	int err = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct cg_opt_crule *c = &r->v[i];
		if (c->name != name || !(c->abis & (1u << abi)))
			continue;
		bool all = true;
		for (size_t k = 0; k < c->ncond && all; k++) {
			uint64_t v = args[c->cond[k].arg];
			if (abi == CG_ABI_I386)
				v &= 0xffffffffu; /* 32-bit registers */
			all = cond_holds(&c->cond[k], v);
		}
		if (!all)
			continue;
		/* Rules are in load order: a later filter's errno wins a tie. */
		err = rule_errno(r, c, use_mdwe);
		if (option)
			*option = c->option;
		if (fact) {
			uint64_t v = c->fact_arg >= 0 ? args[c->fact_arg] & c->fact_mask : 0;
			*fact = abi == CG_ABI_I386 ? v & 0xffffffffu : v;
		}
	}
	return err;
}

int cg_optunit_fact_verdict(const struct cg_opt_rules *r, enum cg_abi abi, cg_name name,
			    uint64_t value, bool use_mdwe, unsigned *option)
{
	int err = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct cg_opt_crule *c = &r->v[i];
		if (c->name != name || !(c->abis & (1u << abi)))
			continue;
		bool all = true;
		for (size_t k = 0; k < c->ncond && all; k++)
			if ((int)c->cond[k].arg == c->fact_arg)
				all = cond_holds(&c->cond[k], value);
		if (!all)
			continue;
		err = rule_errno(r, c, use_mdwe);
		if (option)
			*option = c->option;
	}
	return err;
}

/* Namespace kinds of flags ("user net"), into buf. */
static void ns_words(const struct cg_optbook *b, uint64_t flags, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < b->nnamespaces && n < len; i++)
		if (flags & b->namespaces[i].flag)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "",
					      b->namespaces[i].name);
}

const char *cg_optunit_fact_str(const struct cg_optunit *o, unsigned opt, cg_name call,
				uint64_t fact, char *buf, size_t len)
{
	const struct cg_optbook *b = o->book;
	const char *name = cg_name_str(call);
	buf[0] = 0;
	switch (b->defs[opt].kind) {
	case CG_OPT_FAMILIES:
		return cg_optbook_family_name((int)fact, buf, len);
	case CG_OPT_NAMESPACES:
		if (strcmp(name, "clone3") == 0)
			return buf; /* refused whole */
		if (!fact) {
			snprintf(buf, len, "nstype 0");
			return buf;
		}
		ns_words(b, fact, buf, len);
		return buf;
	case CG_OPT_BOOL:
		break;
	}
	if (!fact)
		return buf;
	if (strcmp(name, "mmap") == 0 || strcmp(name, "mmap2") == 0 ||
	    strcmp(name, "mprotect") == 0 || strcmp(name, "pkey_mprotect") == 0)
		ev_value_str(CG_FACT_WX_MEMORY, fact, buf, len);
	else if (strncmp(name, "sched_", 6) == 0)
		ev_value_str(CG_FACT_SCHED_POLICY, fact, buf, len);
	else if (strcmp(name, "personality") == 0)
		ev_value_str(CG_FACT_PERSONALITY, fact, buf, len);
	else if (fact == 04000 || fact == 02000)
		snprintf(buf, len, "0%llo", (unsigned long long)fact);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)fact);
	return buf;
}

const char *cg_optunit_fix(const struct cg_optunit *o, unsigned opt, cg_name call, uint64_t fact,
			   char *buf, size_t len)
{
	const struct cg_optbook *b = o->book;
	const char *key = b->defs[opt].name;
	char words[256];
	switch (b->defs[opt].kind) {
	case CG_OPT_FAMILIES:
		/* A line without '~' adds to an allow-list and takes out of a
		 * deny-list (and starts an allow-list after "none"). */
		snprintf(buf, len, "%s=%s", key,
			 cg_optbook_family_name((int)fact, words, sizeof words));
		return buf;
	case CG_OPT_NAMESPACES:
		/* A list merged into the kinds kept; clone3() and setns()
		 * with nstype 0 pass only without the option. */
		if (strcmp(cg_name_str(call), "clone3") == 0 || !fact) {
			snprintf(buf, len, "%s=no", key);
			return buf;
		}
		ns_words(b, fact & ~o->st[opt].ns_retain, words, sizeof words);
		snprintf(buf, len, "%s=%s", key, words[0] ? words : "no");
		return buf;
	case CG_OPT_BOOL:
		break;
	}
	snprintf(buf, len, "%s=no", key);
	return buf;
}

/* ---- loading ----------------------------------------------------------------- */

static void ctx_releasep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}
#define _cleanup_ctx_ _cleanup_(ctx_releasep)

static enum scmp_compare scmp_op(enum cg_opt_cmp op)
{
	switch (op) {
	case CG_CMP_EQ:
		return SCMP_CMP_EQ;
	case CG_CMP_NE:
		return SCMP_CMP_NE;
	case CG_CMP_GT:
		return SCMP_CMP_GT;
	case CG_CMP_LT:
		return SCMP_CMP_LT;
	case CG_CMP_MASKED_EQ:
		break;
	}
	return SCMP_CMP_MASKED_EQ;
}

static int add_rule(scmp_filter_ctx ctx, const struct cg_opt_crule *c, uint32_t action)
{
	struct scmp_arg_cmp cmp[CG_OPT_MAX_COND];
	for (size_t k = 0; k < c->ncond; k++) {
		const struct cg_opt_cond *d = &c->cond[k];
		cmp[k] = (struct scmp_arg_cmp){
			.arg = d->arg,
			.op = scmp_op(d->op),
			.datum_a = d->op == CG_CMP_MASKED_EQ ? d->mask : d->value,
			.datum_b = d->op == CG_CMP_MASKED_EQ ? d->value : 0,
		};
	}
	int nr = seccomp_syscall_resolve_name(cg_name_str(c->name));
	if (nr == __NR_SCMP_ERROR)
		return 0; /* this libseccomp does not know it: nothing to match */
	return seccomp_rule_add_exact_array(ctx, action, nr, (unsigned)c->ncond,
					    c->ncond ? cmp : NULL);
}

int cg_optunit_add_to_ctx(const struct cg_opt_rules *r, void *ctx, enum cg_abi abi, uint32_t action)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct cg_opt_crule *c = &r->v[i];
		if (!(c->abis & (1u << abi)) || !cg_syscall_on_abi(abi, cg_name_str(c->name)))
			continue;
		int k = add_rule(ctx, c, action);
		if (k < 0 && k != -EEXIST)
			return k;
	}
	return 0;
}

/* One filter of one option for one ABI, as seccomp_init_for_arch() makes
 * it (default allow, other ABIs' calls pass). */
static int load_one(const struct cg_opt_rules *r, unsigned opt, enum cg_abi abi, struct cg_error *e)
{
	bool any = false;
	for (size_t i = 0; i < r->n && !any; i++)
		any = r->v[i].option == opt && (r->v[i].abis & (1u << abi)) &&
		      cg_syscall_on_abi(abi, cg_name_str(r->v[i].name));
	if (!any)
		return 0;
	_cleanup_ctx_ scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	int k = 0;
	uint32_t arch = cg_abi_scmp_arch(abi);
	if (arch != seccomp_arch_native()) {
		k = seccomp_arch_remove(ctx, seccomp_arch_native());
		if (k >= 0)
			k = seccomp_arch_add(ctx, arch);
	}
	if (k >= 0)
		k = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (k >= 0)
		k = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; i < r->n && k >= 0; i++) {
		const struct cg_opt_crule *c = &r->v[i];
		if (c->option != opt || !(c->abis & (1u << abi)) ||
		    !cg_syscall_on_abi(abi, cg_name_str(c->name)))
			continue;
		k = add_rule(ctx, c, SCMP_ACT_ERRNO((uint32_t)c->err));
		if (k == -EEXIST)
			k = 0;
	}
	if (k >= 0)
		k = seccomp_load(ctx);
	if (k < 0) {
		cg_error_set(e, NULL, 0, "cannot load the %s= filter for %s: %s",
			     cg_optbook_builtin()->defs[opt].name, cg_abi_name(abi), strerror(-k));
		return k;
	}
	return 0;
}

int cg_optunit_load(const struct cg_opt_rules *r, unsigned abis, bool *used_mdwe,
		    struct cg_error *e)
{
	static const enum cg_abi order[] = {CG_ABI_I386, CG_ABI_X32, CG_ABI_X86_64};
	const struct cg_optbook *b = cg_optbook_builtin();
	if (used_mdwe)
		*used_mdwe = false;
	for (size_t n = 0; n < b->ndefs; n++) {
		unsigned opt = b->order[n];
		if (r->mdwe_err && opt == r->mdwe_option) {
			/* 257's apply_memory_deny_write_execute(): the prctl when
			 * the kernel has it (EINVAL: it does not), else seccomp. */
			if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) == 0) {
				if (used_mdwe)
					*used_mdwe = true;
				continue;
			}
			if (errno != EINVAL) {
				int k = -errno;
				cg_error_set(
					e, NULL, 0,
					"MemoryDenyWriteExecute=: prctl(PR_SET_MDWE) failed: %s",
					strerror(errno));
				return k;
			}
		}
		for (size_t i = 0; i < ELEMENTSOF(order); i++) {
			if (!(abis & (1u << order[i])))
				continue;
			int k = load_one(r, opt, order[i], e);
			if (k < 0)
				return k;
		}
	}
	return 0;
}

/* ---- exposure ----------------------------------------------------------------- */

static unsigned row_badness(const struct cg_optunit *o, const struct cg_book_row *row)
{
	const struct cg_optbook *b = o->book;
	const struct cg_opt_state *st = &o->st[row->option];
	switch (row->test) {
	case CG_TEST_ON:
		return !st->on;
	case CG_TEST_NAMESPACE:
		/* analyze-security: bad when the kind is kept; unset keeps all. */
		return (st->ns_retain & row->ns_flag) != 0;
	case CG_TEST_FAMILIES:
		/* As analyze-security sets its flags: "restricted" starts as
		 * the mode (allow-list) and flips when the value lists one of
		 * the row's families; the row is bad when not restricted. */
		for (int af = 1; af < 64; af++)
			if ((row->families & (1ull << af)) && (st->af & (1ull << af)))
				return st->af_allow_list; /* listed */
		return !st->af_allow_list;
	case CG_TEST_OTHER: {
		uint64_t named = 0;
		for (size_t i = 0; i < b->nrows; i++)
			if (b->rows[i].option == row->option && b->rows[i].test == CG_TEST_FAMILIES)
				named |= b->rows[i].families;
		bool other_listed = (st->af & ~named & ~1ull) != 0;
		return other_listed ? st->af_allow_list : !st->af_allow_list;
	}
	}
	return 1;
}

size_t cg_optunit_score(const struct cg_optunit *o, struct cg_opt_score *out, size_t max,
			uint64_t *sum_exposure, uint64_t *sum_weight)
{
	size_t n = 0;
	uint64_t se = 0, sw = 0;
	for (size_t i = 0; i < o->book->nrows; i++) {
		const struct cg_book_row *row = &o->book->rows[i];
		if (!cg_vrange_has(row->v, o->version))
			continue;
		unsigned bad = row_badness(o, row);
		se += (bad * row->weight + row->range - 1) / row->range;
		sw += row->weight;
		if (n < max)
			out[n++] = (struct cg_opt_score){row, bad};
	}
	if (sum_exposure)
		*sum_exposure = se;
	if (sum_weight)
		*sum_weight = sw;
	return n;
}
