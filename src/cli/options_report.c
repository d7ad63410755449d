/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The part of the report of suggest and trace about the seccomp-backed
 * options decided by argument evidence (options.h): text, JSON, drop-in. */
#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

#include "cli.h"
#include "evidence.h"
#include "exposure.h"
#include "options.h"

struct opts_ctx {
	unsigned version; /* the rules' version (newest when the table has none) */
	uint64_t weight_total;
	const struct cg_evidence *ev;
	struct cg_option_advice *adv;
	size_t n;
	uint64_t before, after; /* summed over every option */
};

static void opts_init(struct opts_ctx *c, const struct cg_profile *p, const struct cg_table *t)
{
	c->version = cg_options_rules_version(t->version);
	c->weight_total = cg_exposure_weight_total(t->version, true, NULL);
	c->ev = cg_profile_evidence_c(p);
	c->n = cg_option_count();
	c->adv = xcalloc(c->n, sizeof *c->adv);
	cg_options_advise(c->ev, c->version, c->adv);
	c->before = c->after = 0;
	for (size_t i = 0; i < c->n; i++) {
		c->before += c->adv[i].before;
		c->after += c->adv[i].after;
	}
}

static const char *const state_names[] = {
	[CG_ADVICE_SET] = "set",
	[CG_ADVICE_OFF] = "off",
	[CG_ADVICE_UNKNOWN] = "unknown",
	[CG_ADVICE_UNAVAILABLE] = "unavailable",
};

/* Why an option is unknown, with the command that would tell. */
static void print_unknown(FILE *out)
{
	fprintf(out,
		"not known from this input: it has no call arguments (a strace -c table or a\n"
		"  list); record them with `%s` or `callgroups trace -o FILE -- COMMAND`\n",
		cg_options_strace_hint());
}

void cli_options_text(FILE *out, const struct cg_profile *p, const struct cg_table *t)
{
	struct opts_ctx c;
	opts_init(&c, p, t);
	char buf[256];
	fprintf(out, "\nHardening options from the call arguments (rules of systemd %s):\n",
		t->version && t->version[0] ? t->version : "newest");
	for (size_t i = 0; i < c.n; i++) {
		const struct cg_option_advice *a = &c.adv[i];
		switch (a->state) {
		case CG_ADVICE_SET:
			fprintf(out, "  %s%s\n", a->def->name, a->value);
			break;
		case CG_ADVICE_OFF:
			fprintf(out, "  %s  not recommended:\n", a->def->name);
			break;
		case CG_ADVICE_UNKNOWN:
			fprintf(out, "  %s  ", a->def->name);
			print_unknown(out);
			continue;
		case CG_ADVICE_UNAVAILABLE:
			fprintf(out, "  %s  not in systemd %s (since %u)\n", a->def->name,
				t->version, a->def->since);
			continue;
		}
		if (!a->nfacts)
			fprintf(out, "      nothing in the trace needs it relaxed\n");
		for (size_t j = 0; j < a->nfacts; j++)
			fprintf(out, "      %s: %s\n", cg_fact_text(a->facts[j], buf, sizeof buf),
				a->fact_rules[j]->why);
		if (a->more_facts)
			fprintf(out, "      and %zu more\n", a->more_facts);
	}
	fprintf(out,
		"\nExposure of the rows these options set in systemd-analyze security\n"
		"    %-43s %6s %6s\n",
		"row (✓ good, ✗ bad after)", "before", "after");
	for (size_t i = 0; i < c.n; i++) {
		const struct cg_option_advice *a = &c.adv[i];
		for (size_t j = 0; j < a->def->nrows; j++) {
			const struct cg_opt_row *r = &a->def->rows[j];
			if (!cg_opt_row_applies(r, c.version))
				continue;
			unsigned b0 = cg_opt_row_badness(r, a, false);
			unsigned b1 = cg_opt_row_badness(r, a, true);
			char e0[16], e1[16];
			cg_opt_row_exposure_str(r, b0, c.weight_total, e0, sizeof e0);
			cg_opt_row_exposure_str(r, b1, c.weight_total, e1, sizeof e1);
			/* pad by characters: "RestrictAddressFamilies=~…" is UTF-8 */
			int w = 43;
			for (const unsigned char *q = (const unsigned char *)r->id; *q; q++)
				if ((*q & 0xc0) == 0x80)
					w++;
			fprintf(out, "  %s %-*s %6s %6s\n", b1 ? "✗" : "✓", w, r->id,
				e0[0] ? e0 : "-", e1[0] ? e1 : "-");
		}
	}
	fprintf(out,
		"  these rows account for %.1f of the 10-point overall exposure before, %.1f after\n",
		(double)c.before * 10 / (double)c.weight_total,
		(double)c.after * 10 / (double)c.weight_total);
	free(c.adv);
}

static json_object *json_fact(const struct cg_fact *f, const struct cg_opt_rule *r)
{
	char v[96];
	json_object *j = json_object_new_object();
	json_object_object_add(j, "abi", json_object_new_string(cg_abi_name(f->abi)));
	json_object_object_add(j, "call", json_object_new_string(cg_name_str(f->call)));
	json_object_object_add(j, "kind", json_object_new_string(cg_fact_kind_name(f->kind)));
	json_object_object_add(j, "value", json_object_new_int64((int64_t)f->value));
	json_object_object_add(
		j, "value_text",
		json_object_new_string(cg_fact_value_str(f->kind, f->value, v, sizeof v)));
	json_object_object_add(j, "count", json_object_new_int64((int64_t)f->count));
	json_object_object_add(j, "pid", f->pid ? json_object_new_int(f->pid) : NULL);
	json_object_object_add(j, "comm", f->comm[0] ? json_object_new_string(f->comm) : NULL);
	if (r) {
		static const char *const types[] = {"block", "allow", "note"};
		json_object_object_add(j, "rule", json_object_new_string(types[r->type]));
		json_object_object_add(j, "why", json_object_new_string(r->why));
	}
	return j;
}

json_object *cli_options_json(const struct cg_profile *p, const struct cg_table *t)
{
	struct opts_ctx c;
	opts_init(&c, p, t);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "systemd", json_object_new_string(t->version ? t->version : ""));
	json_object *known = json_object_new_array();
	uint32_t k = cg_evidence_known(c.ev);
	for (unsigned i = 0; i < CG_FACT_KIND_COUNT; i++)
		if (k & CG_FACT_BIT(i))
			json_object_array_add(known, json_object_new_string(cg_fact_kind_name(i)));
	json_object_object_add(o, "known_kinds", known);
	json_object_object_add(o, "inputs", json_object_new_int((int)cg_evidence_inputs(c.ev)));
	json_object *facts = json_object_new_array();
	for (size_t i = 0; i < cg_evidence_count(c.ev); i++)
		json_object_array_add(facts, json_fact(cg_evidence_at(c.ev, i), NULL));
	json_object_object_add(o, "facts", facts);
	json_object *adv = json_object_new_array();
	for (size_t i = 0; i < c.n; i++) {
		const struct cg_option_advice *a = &c.adv[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "option", json_object_new_string(a->def->name));
		json_object_object_add(j, "state", json_object_new_string(state_names[a->state]));
		json_object_object_add(j, "value",
				       a->state == CG_ADVICE_SET ? json_object_new_string(a->value)
								 : NULL);
		json_object *ev = json_object_new_array();
		for (size_t f = 0; f < a->nfacts; f++)
			json_object_array_add(ev, json_fact(a->facts[f], a->fact_rules[f]));
		json_object_object_add(j, "evidence", ev);
		json_object_object_add(j, "more_evidence",
				       json_object_new_int64((int64_t)a->more_facts));
		json_object *rows = json_object_new_array();
		for (size_t r = 0; r < a->def->nrows; r++) {
			const struct cg_opt_row *row = &a->def->rows[r];
			if (!cg_opt_row_applies(row, c.version))
				continue;
			char e0[16], e1[16];
			unsigned b0 = cg_opt_row_badness(row, a, false);
			unsigned b1 = cg_opt_row_badness(row, a, true);
			json_object *x = json_object_new_object();
			json_object_object_add(x, "name", json_object_new_string(row->id));
			json_object_object_add(
				x, "json_field",
				row->json_field ? json_object_new_string(row->json_field) : NULL);
			json_object_object_add(x, "weight", json_object_new_int((int)row->weight));
			json_object_object_add(x, "set_after", json_object_new_boolean(b1 == 0));
			cg_opt_row_exposure_str(row, b0, c.weight_total, e0, sizeof e0);
			cg_opt_row_exposure_str(row, b1, c.weight_total, e1, sizeof e1);
			json_object_object_add(x, "exposure_before",
					       e0[0] ? json_object_new_string(e0) : NULL);
			json_object_object_add(x, "exposure_after",
					       e1[0] ? json_object_new_string(e1) : NULL);
			json_object_array_add(rows, x);
		}
		json_object_object_add(j, "rows", rows);
		json_object_array_add(adv, j);
	}
	json_object_object_add(o, "advice", adv);
	json_object_object_add(
		o, "share_before",
		json_object_new_double((double)c.before * 10 / (double)c.weight_total));
	json_object_object_add(
		o, "share_after",
		json_object_new_double((double)c.after * 10 / (double)c.weight_total));
	json_object_object_add(o, "strace_hint", json_object_new_string(cg_options_strace_hint()));
	free(c.adv);
	return o;
}

void cli_options_dropin(FILE *out, const struct cg_profile *p, const struct cg_table *t)
{
	struct opts_ctx c;
	opts_init(&c, p, t);
	fprintf(out, "# Options from the call arguments (rules of systemd %s):\n",
		t->version && t->version[0] ? t->version : "newest");
	char why[256];
	snprintf(why, sizeof why,
		 "not known from this input (no call arguments): record them with `%s` or "
		 "`callgroups trace -o FILE -- COMMAND`",
		 cg_options_strace_hint());
	cg_options_write_dropin(out, c.adv, c.n, false, why);
	free(c.adv);
}
