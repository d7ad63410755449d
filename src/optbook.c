/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "optbook.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "abi.h"
#include "evidence.h"
#include "evidence_names.h"

#define MAX_WORDS 16

struct parser {
	const char *fname;
	unsigned line;
	struct cg_error *e;
	struct cg_optbook *b;
	size_t cap_keywords, cap_namespaces, cap_rules, cap_mdwe, cap_rows;
	size_t norder;
};

static int bad(struct parser *p, const char *what, const char *word)
{
	cg_error_set(p->e, p->fname, p->line, "%s%s%s", what, word ? ": " : "", word ? word : "");
	return -EINVAL;
}

static int parse_uint(const char *s, unsigned long long *out)
{
	char *end;
	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "V-", "V-W" or "0-". */
static int parse_vrange(struct parser *p, const char *s, struct cg_vrange *out)
{
	const char *dash = strchr(s, '-');
	if (!dash)
		return bad(p, "expected a version range V- or V-W", s);
	_cleanup_free_ char *from = xstrndup(s, (size_t)(dash - s));
	unsigned long long a, b = UINT32_MAX;
	if (parse_uint(from, &a) < 0 || (dash[1] && parse_uint(dash + 1, &b) < 0) || a > b ||
	    b > UINT32_MAX)
		return bad(p, "expected a version range V- or V-W", s);
	*out = (struct cg_vrange){(unsigned)a, (unsigned)b};
	return 0;
}

static int parse_option(struct parser *p, const char *s, unsigned *out)
{
	int i = cg_optbook_find(p->b, s);
	if (i < 0)
		return bad(p, "unknown option (declare it with an option line first)", s);
	*out = (unsigned)i;
	return 0;
}

static int parse_errno_name(struct parser *p, const char *s, int *out)
{
	for (int i = 1; i < 4096; i++) {
		const char *n = strerrorname_np(i);
		if (n && strcmp(n, s) == 0) {
			*out = i;
			return 0;
		}
	}
	return bad(p, "unknown errno name", s);
}

static int parse_abis(struct parser *p, const char *s, unsigned *out)
{
	if (strcmp(s, "all") == 0) {
		*out = (1u << CG_ABI_COUNT) - 1;
		return 0;
	}
	unsigned m = 0;
	_cleanup_free_ char *copy = xstrdup(s);
	for (char *save = NULL, *w = strtok_r(copy, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		enum cg_abi abi;
		if (cg_abi_from_name(w, &abi) < 0)
			return bad(p, "expected ABIs x86-64, x32, x86 or all", w);
		m |= 1u << abi;
	}
	if (!m)
		return bad(p, "expected ABIs x86-64, x32, x86 or all", s);
	*out = m;
	return 0;
}

/* aN&MASK==VALUE, aN==VALUE, aN!=VALUE, aN>VALUE */
static int parse_cond(struct parser *p, const char *s, struct cg_opt_cond *c)
{
	if (s[0] != 'a' || s[1] < '0' || s[1] > '5')
		return bad(p, "expected a condition aN&MASK==VALUE, aN==V, aN!=V or aN>V", s);
	*c = (struct cg_opt_cond){.arg = (unsigned)(s[1] - '0'), .mask = UINT64_MAX};
	const char *r = s + 2;
	unsigned long long v;
	if (*r == '&') {
		const char *eq = strstr(r, "==");
		if (!eq)
			return bad(p, "expected aN&MASK==VALUE", s);
		_cleanup_free_ char *m = xstrndup(r + 1, (size_t)(eq - r - 1));
		unsigned long long mask;
		if (parse_uint(m, &mask) < 0 || parse_uint(eq + 2, &v) < 0)
			return bad(p, "expected numbers in aN&MASK==VALUE", s);
		c->op = CG_CMP_MASKED_EQ;
		c->mask = mask;
		c->value = v;
		return 0;
	}
	if (strncmp(r, "==", 2) == 0)
		c->op = CG_CMP_EQ, r += 2;
	else if (strncmp(r, "!=", 2) == 0)
		c->op = CG_CMP_NE, r += 2;
	else if (*r == '>')
		c->op = CG_CMP_GT, r += 1;
	else
		return bad(p, "expected a condition aN&MASK==VALUE, aN==V, aN!=V or aN>V", s);
	if (parse_uint(r, &v) < 0)
		return bad(p, "expected a number after the comparison", s);
	c->value = v;
	return 0;
}

/* "0 0" bounds of the issue 13 lines: 0 is no bound. */
static int parse_bounds(struct parser *p, const char *from, const char *to, struct cg_vrange *out)
{
	unsigned long long a, b;
	if (parse_uint(from, &a) < 0 || parse_uint(to, &b) < 0 || a > UINT32_MAX ||
	    b > UINT32_MAX || (b && a > b))
		return bad(p, "expected versions FROM TO (0: no bound)", from);
	*out = (struct cg_vrange){(unsigned)a, b ? (unsigned)b : UINT32_MAX};
	return 0;
}

static int parse_line(struct parser *p, char **w, size_t n)
{
	struct cg_optbook *b = p->b;
	const char *kw = w[0];
	unsigned long long num;

	if (strcmp(kw, "option") == 0) {
		/* option NAME= SINCE KINDS (the rest is issue 13's) */
		if (n < 4)
			return bad(p, "expected: option NAME= SINCE KINDS | WHAT", NULL);
		if (b->ndefs == CG_OPT_MAX)
			return bad(p, "too many options", w[1]);
		size_t len = strlen(w[1]);
		if (len < 2 || w[1][len - 1] != '=')
			return bad(p, "expected an option name ending in '='", w[1]);
		if (cg_optbook_find(b, w[1]) >= 0)
			return bad(p, "option declared twice", w[1]);
		if (parse_uint(w[2], &num) < 0)
			return bad(p, "expected a version", w[2]);
		uint32_t kinds = 0;
		for (const char *k = w[3]; *k;) {
			size_t kl = strcspn(k, ",");
			int kind = ev_kind_from_name(k, kl);
			if (kind < 0)
				return bad(p, "expected fact kinds (evidence.h) joined by ','",
					   w[3]);
			kinds |= 1u << kind;
			k += kl + (k[kl] == ',');
		}
		w[1][len - 1] = 0;
		b->defs[b->ndefs++] = (struct cg_opt_def){
			.name = w[1], .since = (unsigned)num, .fact_kinds = kinds};
		return 0;
	}
	if (strcmp(kw, "block") == 0 || strcmp(kw, "allow") == 0 || strcmp(kw, "note") == 0 ||
	    strcmp(kw, "spell") == 0)
		return 0; /* evidence and spelling: the recommender's lines */
	if (strcmp(kw, "parse") == 0) {
		unsigned opt;
		if (n != 3)
			return bad(p, "expected: parse NAME= KIND", NULL);
		if (parse_option(p, w[1], &opt) < 0)
			return -EINVAL;
		struct cg_opt_def *d = &b->defs[opt];
		if (d->parsed)
			return bad(p, "parse line given twice", w[1]);
		if (strcmp(w[2], "bool") == 0)
			d->kind = CG_OPT_BOOL;
		else if (strcmp(w[2], "families") == 0)
			d->kind = CG_OPT_FAMILIES;
		else if (strcmp(w[2], "namespaces") == 0)
			d->kind = CG_OPT_NAMESPACES;
		else
			return bad(p, "expected KIND bool, families or namespaces", w[2]);
		d->parsed = true;
		b->order[p->norder++] = opt;
		return 0;
	}
	if (strcmp(kw, "keyword") == 0) {
		struct cg_opt_keyword k = {0};
		if (n != 4)
			return bad(p, "expected: keyword NAME= WORD VERSIONS", NULL);
		if (parse_option(p, w[1], &k.option) < 0 || parse_vrange(p, w[3], &k.v) < 0)
			return -EINVAL;
		k.word = w[2];
		xgrow((void **)&b->keywords, &p->cap_keywords, b->nkeywords + 1, sizeof k);
		b->keywords[b->nkeywords++] = k;
		return 0;
	}
	if (strcmp(kw, "namespace") == 0) {
		struct cg_opt_namespace ns = {.name = w[1]};
		unsigned long long since;
		uint64_t flag;
		if (n != 4 && !(n == 5 && strcmp(w[4], "extra") == 0))
			return bad(p, "expected: namespace KIND CLONE_FLAG SINCE [extra]", NULL);
		if (ev_value_parse(EV_SYM_CLONE, w[2], strlen(w[2]), 1, &flag) < 0 || !flag ||
		    (flag & (flag - 1)))
			return bad(p, "expected one clone flag", w[2]);
		if (parse_uint(w[3], &since) < 0)
			return bad(p, "expected a version", w[3]);
		ns.flag = (unsigned long)flag;
		ns.since = (unsigned)since;
		ns.extra = n == 5;
		xgrow((void **)&b->namespaces, &p->cap_namespaces, b->nnamespaces + 1, sizeof ns);
		b->namespaces[b->nnamespaces++] = ns;
		return 0;
	}
	if (strcmp(kw, "rule") == 0 || strcmp(kw, "setrule") == 0) {
		struct cg_book_rule r = {.line = p->line, .set_rule = kw[0] == 's'};
		if (n < 6)
			return bad(p, "expected: rule NAME= VERSIONS ABIS CALL ERRNO [COND...]",
				   NULL);
		if (parse_option(p, w[1], &r.option) < 0 || parse_vrange(p, w[2], &r.v) < 0 ||
		    parse_abis(p, w[3], &r.abis) < 0 || parse_errno_name(p, w[5], &r.err) < 0)
			return -EINVAL;
		r.call = w[4];
		if (r.set_rule) {
			enum cg_opt_kind k = b->defs[r.option].kind;
			if (!b->defs[r.option].parsed || k == CG_OPT_BOOL)
				return bad(p, "setrule needs a families or namespaces option",
					   w[1]);
			if (n != 7 || w[6][0] != 'a' || w[6][1] < '0' || w[6][1] > '5' || w[6][2])
				return bad(p, "expected: setrule NAME= VERSIONS ABIS CALL ERRNO aN",
					   NULL);
			r.set_arg = (unsigned)(w[6][1] - '0');
		} else {
			if (n - 6 > CG_OPT_MAX_COND)
				return bad(p, "too many conditions", NULL);
			for (size_t i = 6; i < n; i++)
				if (parse_cond(p, w[i], &r.cond[r.ncond++]) < 0)
					return -EINVAL;
		}
		xgrow((void **)&b->rules, &p->cap_rules, b->nrules + 1, sizeof r);
		b->rules[b->nrules++] = r;
		return 0;
	}
	if (strcmp(kw, "mdwe") == 0) {
		struct cg_opt_mdwe m = {0};
		if (n != 4)
			return bad(p, "expected: mdwe NAME= VERSIONS ERRNO", NULL);
		if (parse_option(p, w[1], &m.option) < 0 || parse_vrange(p, w[2], &m.v) < 0 ||
		    parse_errno_name(p, w[3], &m.err) < 0)
			return -EINVAL;
		xgrow((void **)&b->mdwe, &p->cap_mdwe, b->nmdwe + 1, sizeof m);
		b->mdwe[b->nmdwe++] = m;
		return 0;
	}
	if (strcmp(kw, "row") == 0) {
		/* row NAME= FROM TO ID JSON_FIELD WEIGHT RANGE SELECTOR */
		struct cg_book_row r = {0};
		if (n != 9)
			return bad(
				p,
				"expected: row NAME= FROM TO ID JSON_FIELD WEIGHT RANGE SELECTOR",
				NULL);
		if (parse_option(p, w[1], &r.option) < 0 || parse_bounds(p, w[2], w[3], &r.v) < 0)
			return -EINVAL;
		r.id = w[4];
		r.json_field = w[5];
		unsigned long long range;
		if (parse_uint(w[6], &num) < 0 || !num || parse_uint(w[7], &range) < 0 || !range)
			return bad(p, "expected a weight and a range", w[6]);
		r.weight = (unsigned)num;
		r.range = (unsigned)range;
		const char *t = w[8];
		uint64_t v;
		if (strcmp(t, "yes") == 0) {
			r.test = CG_TEST_ON;
		} else if (strcmp(t, "OTHER") == 0) {
			r.test = CG_TEST_OTHER;
		} else if (strncmp(t, "CLONE_", 6) == 0 &&
			   ev_value_parse(EV_SYM_CLONE, t, strlen(t), 1, &v) == 0) {
			r.test = CG_TEST_NAMESPACE;
			r.ns_flag = (unsigned long)v;
		} else if (ev_symbol(EV_SYM_AF, t, strlen(t), &v) == 0 && v && v < 64) {
			r.test = CG_TEST_FAMILIES;
			r.families = 1ull << v;
			if (v == AF_INET)
				r.families |= 1ull << AF_INET6;
		} else {
			return bad(p, "expected SELECTOR yes, OTHER, AF_... or CLONE_NEW...", t);
		}
		xgrow((void **)&b->rows, &p->cap_rows, b->nrows + 1, sizeof r);
		b->rows[b->nrows++] = r;
		return 0;
	}
	return bad(p, "unknown line kind", kw);
}

int cg_optbook_parse(const char *text, const char *fname, struct cg_optbook *out,
		     struct cg_error *e)
{
	*out = (struct cg_optbook){0};
	out->arena = xstrdup(text);
	struct parser p = {.fname = fname, .e = e, .b = out};
	/* Line by line by hand: strtok_r would skip empty lines and lose the
	 * numbering. */
	char *s = out->arena;
	while (s && *s) {
		p.line++;
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = 0;
		char *hash = strchr(s, '#');
		if (hash)
			*hash = 0;
		char *bar = strstr(s, " | "); /* issue 13's words after " | " */
		if (bar)
			*bar = 0;
		char *w[MAX_WORDS];
		size_t n = 0;
		for (char *save = NULL, *t = strtok_r(s, " \t\r", &save); t;
		     t = strtok_r(NULL, " \t\r", &save)) {
			if (n == MAX_WORDS) {
				cg_error_set(e, fname, p.line, "too many words");
				cg_optbook_done(out);
				return -EINVAL;
			}
			w[n++] = t;
		}
		if (n && parse_line(&p, w, n) < 0) {
			cg_optbook_done(out);
			return -EINVAL;
		}
		s = nl ? nl + 1 : NULL;
	}
	if (!out->ndefs) {
		cg_error_set(e, fname, 0, "no option line");
		cg_optbook_done(out);
		return -EINVAL;
	}
	for (size_t i = 0; i < out->ndefs; i++)
		if (!out->defs[i].parsed) {
			cg_error_set(e, fname, 0, "option %s= has no parse line",
				     out->defs[i].name);
			cg_optbook_done(out);
			return -EINVAL;
		}
	return 0;
}

void cg_optbook_done(struct cg_optbook *b)
{
	free(b->keywords);
	free(b->namespaces);
	free(b->rules);
	free(b->mdwe);
	free(b->rows);
	free(b->arena);
	*b = (struct cg_optbook){0};
}

bool cg_vrange_has(struct cg_vrange r, unsigned version)
{
	return version >= r.from && version <= r.to;
}

int cg_optbook_find(const struct cg_optbook *b, const char *name)
{
	size_t n = strlen(name);
	if (n && name[n - 1] == '=')
		n--;
	for (size_t i = 0; i < b->ndefs; i++)
		if (strlen(b->defs[i].name) == n && strncmp(b->defs[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

int cg_optbook_family(const char *name)
{
	uint64_t v;
	if (ev_symbol(EV_SYM_AF, name, strlen(name), &v) < 0 || v >= 64)
		return -1;
	return (int)v;
}

const char *cg_optbook_family_name(int nr, char *buf, size_t len)
{
	ev_value_str(CG_FACT_SOCKET_FAMILY, (uint64_t)nr, buf, len);
	return buf;
}

/* The text of data/options.txt, generated by tools/gen-optbook.c. */
extern const char cg_optbook_text[];

const struct cg_optbook *cg_optbook_builtin(void)
{
	static struct cg_optbook book;
	static bool parsed;
	if (!parsed) {
		struct cg_error e = {0};
		/* The generator ran this parser on the same text at build time. */
		if (cg_optbook_parse(cg_optbook_text, "data/options.txt", &book, &e) < 0)
			abort();
		parsed = true;
	}
	return &book;
}
