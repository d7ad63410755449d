/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "optcheck.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"

/* Kinds a list of calls shows by itself: the option's refusals of them do
 * not depend on arguments (path facts are no seccomp matter). */
#define CALL_LEVEL_KINDS                                                                           \
	(CG_FACT_BIT(CG_FACT_CLOCK) | CG_FACT_BIT(CG_FACT_HOSTNAME) |                              \
	 CG_FACT_BIT(CG_FACT_SYSLOG) | CG_FACT_BIT(CG_FACT_SYSCTL) | CG_FACT_BIT(CG_FACT_PATH) |   \
	 CG_FACT_BIT(CG_FACT_OPENAT2))

static void add_refusal(struct cg_optcheck *c, size_t *cap, const struct cg_optcheck_refusal *r)
{
	for (size_t i = 0; i < c->n; i++) {
		struct cg_optcheck_refusal *x = &c->v[i];
		if (x->option == r->option && x->abi == r->abi && x->call == r->call &&
		    x->value == r->value) {
			/* The same from the call list and the evidence: keep
			 * the process the evidence knows. */
			if (!x->pid && r->pid) {
				x->pid = r->pid;
				memcpy(x->comm, r->comm, sizeof x->comm);
			}
			if (r->count > x->count)
				x->count = r->count;
			return;
		}
	}
	xgrow((void **)&c->v, cap, c->n + 1, sizeof *c->v);
	c->v[c->n++] = *r;
}

static bool use_mdwe(const struct cg_opt_rules *rules)
{
	/* The kernels of the systemd versions that use PR_SET_MDWE have it
	 * (Debian 13: 6.12). */
	return rules->mdwe_err != 0;
}

/* Fills r's verdict fields for (abi, call, value); false when it passes. */
static bool judge(const struct cg_optcheck *c, const struct cg_opt_rules *rules, enum cg_abi abi,
		  cg_name call, uint64_t value, struct cg_optcheck_refusal *r)
{
	unsigned opt = 0;
	int err = cg_optunit_fact_verdict(rules, abi, call, value, use_mdwe(rules), &opt);
	if (!err)
		return false;
	r->option = opt;
	r->abi = abi;
	r->call = call;
	r->value = value;
	r->err = err;
	/* clone3 fails with ENOSYS so that the C library falls back to
	 * clone(): harmless when clone() with these flags passes. */
	if (err == ENOSYS && strcmp(cg_name_str(call), "clone3") == 0)
		r->benign = cg_optunit_fact_verdict(rules, abi, cg_intern("clone"), value, false,
						    NULL) == 0;
	cg_optunit_fact_str(&c->opts, opt, call, value, r->fact, sizeof r->fact);
	cg_optunit_fix(&c->opts, opt, call, value, r->fix, sizeof r->fix);
	return true;
}

static int cmp_refusal(const void *a, const void *b)
{
	const struct cg_optcheck_refusal *x = a, *y = b;
	const struct cg_optbook *bk = cg_optbook_builtin();
	size_t ox = 0, oy = 0;
	for (size_t i = 0; i < bk->ndefs; i++) {
		if (bk->order[i] == x->option)
			ox = i;
		if (bk->order[i] == y->option)
			oy = i;
	}
	if (ox != oy)
		return ox < oy ? -1 : 1;
	if (x->abi != y->abi)
		return x->abi < y->abi ? -1 : 1;
	int r = strcmp(cg_name_str(x->call), cg_name_str(y->call));
	if (r)
		return r;
	return x->value < y->value ? -1 : x->value > y->value;
}

/* The refusals of options o (rules) for profile p into c->v. */
static void find_refusals(struct cg_optcheck *c, const struct cg_opt_rules *rules,
			  const struct cg_profile *p)
{
	size_t cap = 0;
	/* Calls refused whatever their arguments. */
	for (size_t i = 0; i < cg_profile_count(p); i++) {
		const struct cg_profile_entry *pe = cg_profile_at(p, i);
		bool whole = false;
		for (size_t k = 0; k < rules->n && !whole; k++)
			whole = rules->v[k].name == pe->name && !rules->v[k].ncond &&
				(rules->v[k].abis & (1u << pe->abi));
		struct cg_optcheck_refusal r = {.count = pe->calls};
		if (whole && judge(c, rules, pe->abi, pe->name, 0, &r))
			add_refusal(c, &cap, &r);
	}
	/* Calls refused for their arguments, from the evidence. */
	const struct cg_evidence *ev = cg_profile_evidence_c(p);
	for (size_t i = 0; ev && i < cg_evidence_count(ev); i++) {
		const struct cg_fact *f = cg_evidence_at(ev, i);
		if (f->kind == CG_FACT_PATH)
			continue; /* mounts, not seccomp: the recommender's */
		struct cg_optcheck_refusal r = {.count = f->count, .pid = f->pid};
		memcpy(r.comm, f->comm, sizeof r.comm);
		if (judge(c, rules, f->abi, f->call, f->value, &r))
			add_refusal(c, &cap, &r);
	}
	if (c->n)
		qsort(c->v, c->n, sizeof *c->v, cmp_refusal);
}

static void push_fix(struct cg_optcheck *c, const char *line)
{
	for (size_t i = 0; i < c->nfix; i++)
		if (strcmp(c->fix_lines[i], line) == 0)
			return;
	c->fix_lines = xrealloc(c->fix_lines, (c->nfix + 1) * sizeof *c->fix_lines);
	c->fix_lines[c->nfix++] = xstrdup(line);
}

/* u with c's fix lines appended (source "fix"). */
static void with_fix(const struct cg_unit_settings *u, const struct cg_optcheck *c,
		     struct cg_unit_settings *out)
{
	cg_unit_settings_init(out);
	out->archs = u->archs;
	for (size_t i = 0; i < u->noptions; i++)
		(void)cg_unit_add_setting(out, u->options[i].key, u->options[i].l.value,
					  u->options[i].l.file, u->options[i].l.line, NULL);
	for (size_t i = 0; i < c->nfix; i++) {
		const char *eq = strchr(c->fix_lines[i], '=');
		_cleanup_free_ char *key =
			xstrndup(c->fix_lines[i], (size_t)(eq - c->fix_lines[i]));
		(void)cg_unit_add_setting(out, key, eq + 1, "fix", (unsigned)i + 1, NULL);
	}
}

int cg_optcheck_run(const struct cg_unit_settings *u, const struct cg_table *t,
		    const struct cg_profile *p, struct cg_optcheck *out, struct cg_error *e)
{
	*out = (struct cg_optcheck){.table = t, .have_profile = p != NULL, .fix_verified = true};
	unsigned version = cg_version_number(t ? t->version : NULL);
	int r = cg_unit_apply_options(u, version, &out->opts, e);
	if (r < 0)
		return r;
	out->nrows = cg_optunit_score(&out->opts, out->rows, ELEMENTSOF(out->rows), &out->exposure,
				      &out->weight);
	out->exposure_fixed = out->exposure;
	if (!p)
		return 0;

	const struct cg_optbook *b = out->opts.book;
	const struct cg_evidence *ev = cg_profile_evidence_c(p);
	uint32_t known = ev && cg_evidence_inputs(ev) ? cg_evidence_known(ev) : 0;
	for (unsigned i = 0; i < b->ndefs; i++)
		if (cg_optunit_active(&out->opts, i) &&
		    (b->defs[i].fact_kinds & ~CALL_LEVEL_KINDS & ~known))
			out->unknown |= 1u << i;

	struct cg_opt_rules rules;
	cg_optunit_rules(&out->opts, t, &rules);
	find_refusals(out, &rules, p);
	cg_opt_rules_done(&rules);
	for (size_t i = 0; i < out->n; i++)
		if (!out->v[i].benign)
			push_fix(out, out->v[i].fix);
	if (!out->nfix)
		return 0;

	/* Verified: the options with the fix refuse nothing observed. */
	struct cg_unit_settings fixed;
	with_fix(u, out, &fixed);
	struct cg_optcheck again = {.table = t, .have_profile = true};
	struct cg_error fe = {0};
	if (cg_unit_apply_options(&fixed, version, &again.opts, &fe) == 0) {
		cg_optunit_rules(&again.opts, t, &rules);
		find_refusals(&again, &rules, p);
		cg_opt_rules_done(&rules);
		out->fix_verified = !cg_optcheck_breaks(&again);
		struct cg_opt_score scratch[32];
		uint64_t w;
		cg_optunit_score(&again.opts, scratch, ELEMENTSOF(scratch), &out->exposure_fixed,
				 &w);
	} else {
		out->fix_verified = false;
	}
	cg_optcheck_done(&again);
	cg_unit_settings_done(&fixed);
	return 0;
}

void cg_optcheck_done(struct cg_optcheck *c)
{
	cg_optunit_done(&c->opts);
	free(c->v);
	for (size_t i = 0; i < c->nfix; i++)
		free(c->fix_lines[i]);
	free(c->fix_lines);
	*c = (struct cg_optcheck){0};
}

bool cg_optcheck_breaks(const struct cg_optcheck *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (!c->v[i].benign)
			return true;
	return false;
}
