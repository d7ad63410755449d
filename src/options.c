/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The option rulebook (data/options.txt, compiled by tools/gen-options.c)
 * and the advice argument evidence gives for each option (see options.h). */
#include "options.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "groups.h"
#include "util.h"

extern const struct cg_option_def cg_options_builtin[];
extern const size_t cg_options_builtin_n;

size_t cg_option_count(void)
{
	return cg_options_builtin_n;
}

const struct cg_option_def *cg_option_get(size_t i)
{
	return i < cg_options_builtin_n ? &cg_options_builtin[i] : NULL;
}

const struct cg_option_def *cg_option_find(const char *name)
{
	size_t n = strlen(name);
	if (n && name[n - 1] == '=')
		n--;
	for (size_t i = 0; i < cg_options_builtin_n; i++) {
		const char *o = cg_options_builtin[i].name;
		if (strlen(o) == n + 1 && strncmp(o, name, n) == 0)
			return &cg_options_builtin[i];
	}
	return NULL;
}

static bool in_versions(unsigned from, unsigned to, unsigned version)
{
	return (!from || version >= from) && (!to || version <= to);
}

bool cg_opt_rule_matches(const struct cg_opt_rule *r, unsigned version, const struct cg_fact *f)
{
	if (f->kind != r->kind || !in_versions(r->from, r->to, version))
		return false;
	if (r->calls) {
		const char *call = cg_name_str(f->call);
		bool any = false;
		for (const char *const *c = r->calls; *c && !any; c++)
			any = strcmp(*c, call) == 0;
		if (!any)
			return false;
	}
	if (r->nvalues) {
		bool in = false;
		for (size_t i = 0; i < r->nvalues && !in; i++)
			in = r->values[i] == f->value;
		if (in == r->except)
			return false;
	}
	return true;
}

bool cg_opt_row_applies(const struct cg_opt_row *r, unsigned version)
{
	return in_versions(r->from, r->to, version);
}

static bool allowed(const struct cg_option_advice *a, uint64_t v)
{
	for (size_t i = 0; i < a->nallowed; i++)
		if (a->allowed[i] == v)
			return true;
	return false;
}

/* The classes `systemd-analyze security` scores apart; the rest is OTHER. */
static bool named_family(uint64_t af)
{
	return af == AF_INET || af == AF_INET6 || af == AF_UNIX || af == AF_NETLINK ||
	       af == AF_PACKET;
}

unsigned cg_opt_row_badness(const struct cg_opt_row *r, const struct cg_option_advice *a,
			    bool after)
{
	if (!after || a->state != CG_ADVICE_SET)
		return r->range;
	switch (r->sel_kind) {
	case CG_SEL_YES:
		return 0;
	case CG_SEL_FAMILY:
		if (r->sel == AF_INET)
			return allowed(a, AF_INET) || allowed(a, AF_INET6) ? r->range : 0;
		return allowed(a, r->sel) ? r->range : 0;
	case CG_SEL_OTHER_AF:
		for (size_t i = 0; i < a->nallowed; i++)
			if (!named_family(a->allowed[i]))
				return r->range;
		return 0;
	case CG_SEL_NS:
		return allowed(a, r->sel) ? r->range : 0;
	}
	return r->range;
}

static void add_fact(struct cg_option_advice *a, const struct cg_fact *f,
		     const struct cg_opt_rule *r)
{
	if (a->nfacts < CG_ADVICE_MAX_FACTS) {
		a->facts[a->nfacts] = f;
		a->fact_rules[a->nfacts++] = r;
	} else {
		a->more_facts++;
	}
}

static void add_allowed(struct cg_option_advice *a, uint64_t v)
{
	if (allowed(a, v) || a->nallowed == ELEMENTSOF(a->allowed))
		return;
	size_t i = a->nallowed++;
	while (i > 0 && a->allowed[i - 1] > v) {
		a->allowed[i] = a->allowed[i - 1];
		i--;
	}
	a->allowed[i] = v;
}

static const char *spelling(const struct cg_option_def *d, enum cg_fact_kind kind, uint64_t v,
			    char *buf, size_t len)
{
	for (size_t i = 0; i < d->nspellings; i++)
		if (d->spellings[i].value == v)
			return d->spellings[i].word;
	return cg_fact_value_str(kind, v, buf, len);
}

static void advise_one(const struct cg_option_def *d, const struct cg_evidence *ev,
		       unsigned version, struct cg_option_advice *a)
{
	*a = (struct cg_option_advice){.def = d};
	for (size_t i = 0; i < d->nrows; i++)
		if (cg_opt_row_applies(&d->rows[i], version))
			a->weight += d->rows[i].weight;
	if (version < d->since) {
		a->state = CG_ADVICE_UNAVAILABLE;
	} else if ((d->kinds & cg_evidence_known(ev)) != d->kinds) {
		a->state = CG_ADVICE_UNKNOWN;
	} else {
		bool blocked = false, has_allow = false;
		enum cg_fact_kind allow_kind = CG_FACT_KIND_COUNT;
		for (size_t j = 0; j < d->nrules; j++)
			if (d->rules[j].type == CG_RULE_ALLOW) {
				has_allow = true;
				allow_kind = d->rules[j].kind;
			}
		/* blocks first, then what lists keep, then notes; one rule of
		 * each type per fact */
		static const enum cg_opt_rule_type order[] = {CG_RULE_BLOCK, CG_RULE_ALLOW,
							      CG_RULE_NOTE};
		for (size_t pass = 0; pass < ELEMENTSOF(order); pass++)
			for (size_t i = 0; i < cg_evidence_count(ev); i++) {
				const struct cg_fact *f = cg_evidence_at(ev, i);
				for (size_t j = 0; j < d->nrules; j++) {
					const struct cg_opt_rule *r = &d->rules[j];
					if (r->type != order[pass] ||
					    !cg_opt_rule_matches(r, version, f))
						continue;
					if (r->type == CG_RULE_BLOCK)
						blocked = true;
					else if (r->type == CG_RULE_ALLOW)
						add_allowed(a, f->value);
					add_fact(a, f, r);
					break;
				}
			}
		if (blocked) {
			a->state = CG_ADVICE_OFF;
		} else {
			a->state = CG_ADVICE_SET;
			if (!has_allow)
				snprintf(a->value, sizeof a->value, "yes");
			else if (!a->nallowed)
				snprintf(a->value, sizeof a->value, "%s",
					 allow_kind == CG_FACT_NAMESPACE ? "yes" : "none");
			else {
				size_t k = 0;
				for (size_t i = 0; i < a->nallowed; i++) {
					char buf[64];
					const char *w = spelling(d, allow_kind, a->allowed[i], buf,
								 sizeof buf);
					k += (size_t)snprintf(
						a->value + k,
						k < sizeof a->value ? sizeof a->value - k : 0,
						"%s%s", i ? " " : "", w);
					if (k >= sizeof a->value)
						break;
				}
			}
		}
	}
	for (size_t i = 0; i < d->nrows; i++) {
		const struct cg_opt_row *r = &d->rows[i];
		if (!cg_opt_row_applies(r, version))
			continue;
		unsigned b0 = cg_opt_row_badness(r, a, false), b1 = cg_opt_row_badness(r, a, true);
		a->before += ((uint64_t)b0 * r->weight + r->range - 1) / r->range;
		a->after += ((uint64_t)b1 * r->weight + r->range - 1) / r->range;
	}
}

void cg_options_advise(const struct cg_evidence *ev, unsigned version, struct cg_option_advice *out)
{
	for (size_t i = 0; i < cg_options_builtin_n; i++)
		advise_one(&cg_options_builtin[i], ev, version, &out[i]);
}

const char *cg_options_strace_hint(void)
{
	return "strace -f -o FILE -- COMMAND";
}

void cg_options_write_dropin(FILE *f, const struct cg_option_advice *adv, size_t n, bool commented,
			     const char *unknown_why)
{
	char buf[256];
	for (size_t i = 0; i < n; i++) {
		const struct cg_option_advice *a = &adv[i];
		switch (a->state) {
		case CG_ADVICE_SET:
			if (!a->nfacts)
				fprintf(f, "# %s: nothing in the trace needs it relaxed\n",
					a->def->name);
			for (size_t j = 0; j < a->nfacts; j++)
				fprintf(f, "# %s%s\n", cg_fact_text(a->facts[j], buf, sizeof buf),
					a->fact_rules[j]->type == CG_RULE_NOTE ? " (noted)" : "");
			fprintf(f, "%s%s%s\n", commented ? "#   " : "", a->def->name, a->value);
			break;
		case CG_ADVICE_OFF:
			for (size_t j = 0; j < a->nfacts; j++)
				if (a->fact_rules[j]->type == CG_RULE_BLOCK)
					fprintf(f, "# %s not set: %s: %s\n", a->def->name,
						cg_fact_text(a->facts[j], buf, sizeof buf),
						a->fact_rules[j]->why);
			break;
		case CG_ADVICE_UNKNOWN:
			fprintf(f, "# %s not set: %s\n", a->def->name, unknown_why);
			break;
		case CG_ADVICE_UNAVAILABLE:
			break;
		}
	}
}

unsigned cg_options_rules_version(const char *table_version)
{
	unsigned v = cg_version_number(table_version);
	return v ? v : 99999; /* an unnamed table: the newest rules */
}

const char *cg_opt_row_exposure_str(const struct cg_opt_row *r, unsigned badness,
				    uint64_t weight_total, char *buf, size_t len)
{
	if (!badness || !weight_total) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	/* as systemd: ceil(ceil(badness * weight * 100 / range) / weight_total) */
	uint64_t x = ((uint64_t)badness * r->weight * 100 + r->range - 1) / r->range;
	x = (x + weight_total - 1) / weight_total;
	snprintf(buf, len, "%" PRIu64 ".%" PRIu64, x / 10, x % 10);
	return buf;
}
