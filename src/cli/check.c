/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups check: what a unit's system call settings would do to the
 * observed calls of a workload, the smallest fix, pitfalls, exposure, and
 * the same check against other systemd versions' tables. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "input.h"
#include "unitfile.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: callgroups check [OPTIONS] UNIT|FILE|- [PROFILE...]\n"
		"       callgroups check [OPTIONS] --filter=LINE... [PROFILE...]\n\n"
		"Read a unit's SystemCallFilter=, SystemCallErrorNumber=, SystemCallArchitectures=\n"
		"and SystemCallLog= as systemd does (unit file and drop-ins on the unit search\n"
		"path, or a unit file by path, or `systemctl cat UNIT` output on stdin as -).\n\n"
		"With PROFILEs (anything `suggest` reads: strace -c tables, strace logs, lists):\n"
		"every observed call the unit would deny, what happens to it (SIGSYS or which\n"
		"errno), and the smallest change that lets it through, as lines to paste.\n"
		"Exit 1 when a call would be denied.\n"
		"Without: the allowed set by group, the exposure rows of systemd-analyze security,\n"
		"and warnings about known pitfalls.\n\n"
		"  --root=DIR            look the unit up under DIR\n"
		"  --filter=LINE         a SystemCallFilter= value (repeatable; instead of a unit)\n"
		"  --errno=ERRNO         SystemCallErrorNumber= (with --filter)\n"
		"  --architectures=LIST  SystemCallArchitectures= (with --filter)\n"
		"  --systemd=SPEC        auto, VERSION, FILE, a list 247,252,... or all: a list\n"
		"                        checks against each version (the newest is the\n"
		"                        reference); all: the local systemd (else the newest\n"
		"                        shipped table) against every shipped version\n"
		"  --no-analyze          do not run systemd-analyze security\n"
		"  --strict              exit 1 on any warning or pitfall too (for CI)\n"
		"  --format=FMT          text (default) or json; --json is the same as\n"
		"                        --format=json\n"
		"  -h, --help            show this help\n\n"
		"Examples:\n"
		"  callgroups check nginx.service nginx-strace-f-c.txt\n"
		"  systemctl cat nginx.service | callgroups check - trace.txt\n"
		"  callgroups check --systemd=all ./my.service\n"
		"  callgroups check --filter='@system-service' --filter='~@privileged' list.txt\n");
}

struct opts {
	const char *root, *spec;
	bool json, no_analyze, strict;
	struct cg_unit_settings unit;
	bool by_hand;
	const char *target;
	const struct cg_table *table; /* the reference table */
	const struct cg_table **port; /* --systemd=list: each version */
	size_t nport;
	const struct cg_table **others; /* the listed versions but the reference */
	size_t nothers;
};

/* ---- output helpers ----------------------------------------------------- */

static const char *action_text(const struct cg_check_denial *d, char *buf, size_t len)
{
	switch (d->action) {
	case CG_DENY_KILL:
		return "killed (SIGSYS)";
	case CG_DENY_ARCH:
		return "thread killed (SIGSYS, ABI not allowed)";
	case CG_DENY_ERRNO:
		snprintf(buf, len, "fails with %s%s", cg_errno_name(d->err),
			 d->entry_errno ? " (entry's :errno)" : "");
		return buf;
	}
	return "?";
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *set_json(const struct cg_set *s)
{
	json_object *a = json_object_new_array();
	const char **v;
	size_t n = cg_set_sorted(s, &v);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	free(v);
	return a;
}

static void print_set(FILE *out, const struct cg_set *s, size_t max)
{
	const char **v;
	size_t n = cg_set_sorted(s, &v);
	for (size_t i = 0; i < n && i < max; i++)
		fprintf(out, "%s%s", i ? " " : "", v[i]);
	if (n > max)
		fprintf(out, " ... (%zu more)", n - max);
	free(v);
}

static const char *mode_name(const struct cg_check_result *r)
{
	return !r->filtered ? "none" : r->allow_list ? "allow-list" : "deny-list";
}

/* ---- JSON --------------------------------------------------------------- */

static json_object *json_settings(const struct cg_check_report *c)
{
	const struct cg_unit_settings *u = c->unit;
	char buf[128];
	json_object *fj = json_object_new_object();
	json_object_object_add(fj, "mode", jstr(mode_name(&c->result)));
	json_object *lines = json_object_new_array();
	for (size_t i = 0; i < u->nfilter; i++) {
		json_object *l = json_object_new_object();
		json_object_object_add(l, "value", jstr(u->filter[i].value));
		json_object_object_add(l, "file", jstr(u->filter[i].file));
		json_object_object_add(l, "line", json_object_new_int((int)u->filter[i].line));
		json_object_array_add(lines, l);
	}
	json_object_object_add(fj, "lines", lines);
	json_object_object_add(fj, "errno",
			       u->errno_action == CG_ERRNO_NONE
				       ? jstr("kill")
				       : jstr(cg_errno_name(u->errno_action)));
	json_object_object_add(
		fj, "architectures",
		cg_archs_set(&u->archs) ? jstr(cg_archs_format(&u->archs, buf, sizeof buf)) : NULL);
	json_object_object_add(fj, "log", json_object_new_boolean(c->log.active));
	return fj;
}

/* The denials, the logged set and the fix: the part for a profile. */
static void json_denials(json_object *j, const struct cg_check_report *c)
{
	const struct cg_check_result *r = &c->result;
	json_object *den = json_object_new_array();
	for (size_t i = 0; i < r->ndenials; i++) {
		const struct cg_check_denial *d = &r->denials[i];
		json_object *dj = json_object_new_object();
		json_object_object_add(dj, "syscall", jstr(cg_name_str(d->name)));
		json_object_object_add(dj, "abi", jstr(cg_abi_name(d->abi)));
		json_object_object_add(dj, "calls", json_object_new_int64((int64_t)d->calls));
		json_object_object_add(dj, "action", jstr(cg_deny_action_name(d->action)));
		json_object_object_add(dj, "errno",
				       d->action == CG_DENY_ERRNO ? jstr(cg_errno_name(d->err))
								  : NULL);
		json_object_object_add(dj, "why", jstr(d->why));
		json_object_object_add(dj, "fix", jstr(d->fix));
		json_object_array_add(den, dj);
	}
	json_object_object_add(j, "denied", den);
	json_object_object_add(j, "logged", set_json(c->logged));
	json_object *fx = json_object_new_array();
	for (size_t i = 0; i < r->nfix; i++)
		json_object_array_add(fx, json_object_new_string(r->fix_lines[i]));
	json_object_object_add(j, "fix", fx);
	json_object_object_add(j, "fix_verified", json_object_new_boolean(r->fix_verified));
}

static json_object *json_groups(const struct cg_check_report *c)
{
	json_object *gj = json_object_new_array();
	for (size_t i = 0; i < c->nuses; i++) {
		const struct cg_group_use *gu = &c->uses[i];
		json_object *g = json_object_new_object();
		json_object_object_add(g, "group", jstr(gu->group->name));
		json_object_object_add(g, "allowed", json_object_new_int((int)gu->allowed));
		json_object_object_add(g, "total", json_object_new_int((int)gu->total));
		json_object_object_add(g, "missing", set_json(gu->missing));
		json_object_array_add(gj, g);
	}
	return gj;
}

static json_object *json_pitfalls(const struct cg_check_result *r)
{
	json_object *pj = json_object_new_array();
	for (size_t i = 0; i < r->npitfalls; i++) {
		json_object *pf = json_object_new_object();
		json_object_object_add(pf, "kind", jstr(cg_pitfall_kind_name(r->pitfalls[i].kind)));
		json_object_object_add(pf, "where", jstr(r->pitfalls[i].where));
		json_object_object_add(pf, "message", jstr(r->pitfalls[i].msg));
		json_object_array_add(pj, pf);
	}
	return pj;
}

static json_object *json_score(int tenths)
{
	return tenths >= 0 ? json_object_new_double(tenths / 10.0) : NULL;
}

static json_object *json_exposure(const struct cg_check_report *c)
{
	json_object *xj = json_object_new_object();
	json_object *rows = json_object_new_array();
	for (size_t i = 0; c->have_exposure && i < c->before.nrows; i++) {
		const struct cg_exposure_row *row = &c->before.rows[i];
		json_object *rj = json_object_new_object();
		json_object_object_add(rj, "name", jstr(row->name));
		json_object_object_add(rj, "set", json_object_new_boolean(row->set));
		json_object_object_add(rj, "exposure",
				       row->exposure_str[0] ? jstr(row->exposure_str) : NULL);
		json_object_object_add(rj, "description", jstr(row->description));
		json_object_array_add(rows, rj);
	}
	json_object_object_add(xj, "rows", rows);
	json_object_object_add(xj, "analyze_before", json_score(c->analyze.score.before));
	json_object_object_add(xj, "analyze_after", json_score(c->analyze.score.after));
	return xj;
}

static json_object *json_portability(const struct cg_check_report *c)
{
	json_object *pa = json_object_new_array();
	for (size_t i = 0; i < c->nport; i++) {
		const struct cg_port_result *pr = &c->port[i];
		json_object *v = json_object_new_object();
		json_object_object_add(v, "version", jstr(pr->table->version));
		json_object_object_add(v, "lost", set_json(pr->lost));
		json_object_object_add(v, "gained", set_json(pr->gained));
		json_object *w = json_object_new_array();
		for (size_t k = 0; k < pr->nwhy; k++)
			json_object_array_add(w, jstr(pr->why[k]));
		json_object_object_add(v, "why", w);
		json_object_array_add(pa, v);
	}
	return pa;
}

/* ---- the hardening options ------------------------------------------------ */

static json_object *json_notes(const struct cg_opt_note *v, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "where", jstr(v[i].where));
		json_object_object_add(o, "message", jstr(v[i].msg));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *json_options(const struct cg_optcheck *oc, bool full)
{
	const struct cg_optbook *b = oc->opts.book;
	json_object *j = json_object_new_object();
	json_object_object_add(j, "systemd_version", jstr(oc->table->version));
	if (full) {
		json_object *vals = json_object_new_object();
		for (size_t i = 0; i < b->ndefs; i++) {
			if (!oc->opts.st[i].file)
				continue;
			_cleanup_free_ char *v = cg_optunit_format(&oc->opts, (unsigned)i);
			json_object_object_add(vals, b->defs[i].name, jstr(v));
		}
		json_object_object_add(j, "values", vals);
	}
	json_object *ref = json_object_new_array();
	for (size_t i = 0; i < oc->n; i++) {
		const struct cg_optcheck_refusal *r = &oc->v[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "option", jstr(b->defs[r->option].name));
		json_object_object_add(o, "abi", jstr(cg_abi_name(r->abi)));
		json_object_object_add(o, "syscall", jstr(cg_name_str(r->call)));
		json_object_object_add(o, "fact", jstr(r->fact));
		json_object_object_add(o, "value", json_object_new_int64((int64_t)r->value));
		json_object_object_add(o, "errno", jstr(strerrorname_np(r->err)));
		json_object_object_add(o, "benign", json_object_new_boolean(r->benign));
		json_object_object_add(o, "calls", json_object_new_int64((int64_t)r->count));
		json_object_object_add(o, "first_pid", json_object_new_int(r->pid));
		json_object_object_add(o, "first_comm", jstr(r->comm));
		json_object_object_add(o, "fix", jstr(r->fix));
		json_object_array_add(ref, o);
	}
	json_object_object_add(j, "refused", ref);
	json_object *fx = json_object_new_array();
	for (size_t i = 0; i < oc->nfix; i++)
		json_object_array_add(fx, jstr(oc->fix_lines[i]));
	json_object_object_add(j, "fix", fx);
	json_object_object_add(j, "fix_verified", json_object_new_boolean(oc->fix_verified));
	json_object *unk = json_object_new_array();
	for (size_t i = 0; i < b->ndefs; i++)
		if (oc->unknown & (1u << i))
			json_object_array_add(unk, jstr(b->defs[i].name));
	json_object_object_add(j, "not_known_from_input", unk);
	if (full) {
		json_object *rows = json_object_new_array();
		for (size_t i = 0; i < oc->nrows; i++) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "name", jstr(oc->rows[i].row->id));
			json_object_object_add(o, "json_field", jstr(oc->rows[i].row->json_field));
			json_object_object_add(o, "weight",
					       json_object_new_int((int)oc->rows[i].row->weight));
			json_object_object_add(o, "set",
					       json_object_new_boolean(!oc->rows[i].badness));
			json_object_array_add(rows, o);
		}
		json_object_object_add(j, "rows", rows);
		json_object_object_add(j, "exposure_before",
				       json_object_new_int64((int64_t)oc->exposure));
		json_object_object_add(j, "exposure_after",
				       json_object_new_int64((int64_t)oc->exposure_fixed));
		json_object_object_add(j, "weight", json_object_new_int64((int64_t)oc->weight));
		json_object_object_add(j, "pitfalls",
				       json_notes(oc->opts.pitfalls, oc->opts.npitfalls));
		json_object_object_add(j, "ignored",
				       json_notes(oc->opts.ignored, oc->opts.nignored));
	}
	return j;
}

static void print_options(FILE *out, const struct cg_check_report *c)
{
	const struct cg_optcheck *oc = &c->options;
	const struct cg_optbook *b = oc->opts.book;
	fprintf(out, "\nHardening options (as systemd %s reads them):\n", oc->table->version);
	bool any = false;
	for (size_t k = 0; k < b->ndefs; k++) {
		unsigned i = b->order[k];
		if (!oc->opts.st[i].file)
			continue;
		_cleanup_free_ char *v = cg_optunit_format(&oc->opts, i);
		_cleanup_free_ char *l = xasprintf("%s=%s", b->defs[i].name, *v ? v : "(reset)");
		fprintf(out, "  %-44s (%s:%u)%s\n", l, oc->opts.st[i].file, oc->opts.st[i].line,
			cg_optunit_active(&oc->opts, i) ? "" : "  loads nothing");
		any = true;
	}
	if (!any)
		fprintf(out, "  none set\n");
	for (size_t i = 0; i < oc->opts.nignored; i++)
		fprintf(out, "  ignored by systemd: %s: %s\n", oc->opts.ignored[i].where,
			oc->opts.ignored[i].msg);
	if (c->have_profile) {
		size_t hard = 0;
		for (size_t i = 0; i < oc->n; i++)
			hard += !oc->v[i].benign;
		fprintf(out, "%zu observed call%s the options would refuse%s\n", hard,
			hard == 1 ? "" : "s", oc->n ? ":" : ".");
		for (size_t i = 0; i < oc->n; i++) {
			const struct cg_optcheck_refusal *r = &oc->v[i];
			char proc[48] = "";
			if (r->pid)
				snprintf(proc, sizeof proc, "first pid %d%s%s%s", r->pid,
					 r->comm[0] ? " (" : "", r->comm, r->comm[0] ? ")" : "");
			fprintf(out, "  %-14s %-22s %-6s fails with %-13s %-26s %s%s\n",
				cg_name_str(r->call), r->fact[0] ? r->fact : "-",
				cg_abi_name(r->abi), strerrorname_np(r->err),
				b->defs[r->option].name, proc,
				r->benign ? " (the C library falls back to clone(): harmless)"
					  : "");
		}
		for (size_t i = 0; i < b->ndefs; i++)
			if (oc->unknown & (1u << i))
				fprintf(out,
					"  %s=: not known from this input (it has no call arguments): "
					"record with 'callgroups trace' or 'strace -f'\n",
					b->defs[i].name);
		if (oc->nfix) {
			fprintf(out, "Fix (options; after the unit's own lines):\n");
			for (size_t i = 0; i < oc->nfix; i++)
				fprintf(out, "%s\n", oc->fix_lines[i]);
			fprintf(out, "%s\n",
				oc->fix_verified
					? "(checked: with these lines no observed call is refused)"
					: "(warning: some calls stay refused even with these lines)");
		}
	}
	uint64_t total = cg_exposure_weight_total(oc->table->version,
						  cg_unit_runs_privileged(c->unit), NULL);
	fprintf(out, "Option rows (as systemd-analyze security scores them):\n");
	for (size_t i = 0; i < oc->nrows; i++)
		fprintf(out, "  %s %-42s %u\n", oc->rows[i].badness ? "BAD " : "ok  ",
			oc->rows[i].row->id, oc->rows[i].row->weight);
	if (total)
		fprintf(out, "  these rows: %.1f of the 10 points%s", oc->exposure * 10.0 / total,
			oc->exposure_fixed != oc->exposure ? "" : "\n");
	if (total && oc->exposure_fixed != oc->exposure)
		fprintf(out, ", %.1f with the fix\n", oc->exposure_fixed * 10.0 / total);
	if (oc->opts.npitfalls) {
		fprintf(out, "Option pitfalls:\n");
		for (size_t i = 0; i < oc->opts.npitfalls; i++)
			fprintf(out, "  warning: %s%s%s\n", oc->opts.pitfalls[i].where,
				oc->opts.pitfalls[i].where[0] ? ": " : "",
				oc->opts.pitfalls[i].msg);
	}
}

static void print_options_port(FILE *out, const struct cg_check_report *c)
{
	fprintf(out, "\nHardening options across systemd versions:\n");
	for (size_t i = 0; i < c->nopt_port; i++) {
		const struct cg_optcheck *oc = &c->opt_port[i];
		size_t hard = 0;
		for (size_t k = 0; k < oc->n; k++)
			hard += !oc->v[k].benign;
		fprintf(out, "  %s: ", oc->table->version);
		if (!c->have_profile) {
			fprintf(out, "these rows %llu of %llu weight bad\n",
				(unsigned long long)oc->exposure, (unsigned long long)oc->weight);
			continue;
		}
		if (!hard) {
			fprintf(out, "refuses no observed call\n");
			continue;
		}
		fprintf(out, "BREAKS, refuses");
		for (size_t k = 0; k < oc->n; k++)
			if (!oc->v[k].benign)
				fprintf(out, " %s%s%s%s (%s, %s=)", cg_name_str(oc->v[k].call),
					oc->v[k].fact[0] ? "(" : "", oc->v[k].fact,
					oc->v[k].fact[0] ? ")" : "", strerrorname_np(oc->v[k].err),
					oc->opts.book->defs[oc->v[k].option].name);
		fputc('\n', out);
	}
}

static void print_json(FILE *out, const struct cg_check_report *c)
{
	const struct cg_unit_settings *u = c->unit;
	char buf[128];
	json_object *j = json_object_new_object();
	json_object_object_add(j, "unit", jstr(u->name));
	json_object_object_add(j, "fragment", jstr(u->fragment));
	json_object *dl = json_object_new_array();
	for (size_t i = 0; i < u->ndropins; i++)
		json_object_array_add(dl, json_object_new_string(u->dropins[i]));
	json_object_object_add(j, "dropins", dl);
	json_object_object_add(j, "table", jstr(cg_table_label(c->table, buf, sizeof buf)));
	json_object_object_add(j, "systemd_version", jstr(c->table->version));
	json_object_object_add(j, "settings", json_settings(c));
	if (c->have_profile)
		json_denials(j, c);
	else
		json_object_object_add(j, "groups", json_groups(c));
	json_object_object_add(j, "pitfalls", json_pitfalls(&c->result));
	json_object_object_add(j, "exposure", json_exposure(c));
	if (c->nport)
		json_object_object_add(j, "portability", json_portability(c));
	json_object_object_add(j, "options", json_options(&c->options, true));
	if (c->nopt_port) {
		json_object *op = json_object_new_array();
		for (size_t i = 0; i < c->nopt_port; i++)
			json_object_array_add(op, json_options(&c->opt_port[i], false));
		json_object_object_add(j, "options_portability", op);
	}
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

/* ---- text --------------------------------------------------------------- */

static void print_settings(FILE *out, const struct cg_check_report *c)
{
	const struct cg_unit_settings *u = c->unit;
	char buf[128];
	fprintf(out, "Unit: %s", u->name);
	if (u->fragment)
		fprintf(out, " (%s%s)", u->fragment, u->masked ? ", masked" : "");
	fputc('\n', out);
	for (size_t i = 0; i < u->ndropins; i++)
		fprintf(out, "  drop-in: %s\n", u->dropins[i]);
	fprintf(out, "Groups of %s\n", cg_table_label(c->table, buf, sizeof buf));
	fprintf(out, "SystemCallFilter: %s", mode_name(&c->result));
	fprintf(out, "; SystemCallErrorNumber=%s",
		u->errno_action == CG_ERRNO_NONE ? "(unset: kill)"
						 : cg_errno_name(u->errno_action));
	fprintf(out, "; SystemCallArchitectures=%s\n",
		cg_archs_set(&u->archs) ? cg_archs_format(&u->archs, buf, sizeof buf)
					: "(unset: all)");
	for (size_t i = 0; i < u->nfilter; i++)
		fprintf(out, "  %s:%u: SystemCallFilter=%s\n", u->filter[i].file, u->filter[i].line,
			u->filter[i].value);
	for (size_t i = 0; i < u->nlog; i++)
		fprintf(out, "  %s:%u: SystemCallLog=%s\n", u->log[i].file, u->log[i].line,
			u->log[i].value);
}

static void print_denials(FILE *out, const struct cg_check_report *c)
{
	const struct cg_check_result *r = &c->result;
	fprintf(out, "\n%zu of %zu observed call%s would be denied%s\n", r->ndenials, c->nobserved,
		c->nobserved == 1 ? "" : "s", r->ndenials ? ":" : ".");
	for (size_t i = 0; i < r->ndenials; i++) {
		const struct cg_check_denial *d = &r->denials[i];
		char ab[64];
		fprintf(out, "  %-18s %-6s %-34s %s\n", cg_name_str(d->name), cg_abi_name(d->abi),
			action_text(d, ab, sizeof ab), d->why);
	}
	if (c->log.active) {
		fprintf(out,
			"SystemCallLog= logs %zu observed call%s that pass%s the "
			"filter (denied calls are not logged: the filter's action "
			"wins)%s",
			cg_set_size(c->logged), cg_set_size(c->logged) == 1 ? "" : "s",
			cg_set_size(c->logged) == 1 ? "es" : "",
			cg_set_empty(c->logged) ? ".\n" : ": ");
		if (!cg_set_empty(c->logged)) {
			print_set(out, c->logged, 20);
			fputc('\n', out);
		}
	}
	if (r->nfix) {
		fprintf(out, "\nFix (add to a drop-in, e.g. systemctl edit %s):\n[Service]\n",
			c->unit->name);
		for (size_t i = 0; i < r->nfix; i++)
			fprintf(out, "%s\n", r->fix_lines[i]);
		fprintf(out, "%s\n",
			r->fix_verified
				? "(checked: with these lines nothing observed is denied)"
				: "(warning: some calls stay denied even with these lines)");
	}
}

static void print_groups(FILE *out, const struct cg_check_report *c)
{
	fprintf(out, "\nAllowed, by group:\n");
	size_t full = 0;
	fprintf(out, "  fully:");
	for (size_t i = 0; i < c->nuses; i++)
		if (c->uses[i].allowed == c->uses[i].total) {
			fprintf(out, " %s", c->uses[i].group->name);
			full++;
		}
	fprintf(out, "%s\n", full ? "" : " (none)");
	for (size_t i = 0; i < c->nuses; i++)
		if (c->uses[i].allowed != c->uses[i].total) {
			fprintf(out, "  partly: %s %zu/%zu, denied: ", c->uses[i].group->name,
				c->uses[i].allowed, c->uses[i].total);
			print_set(out, c->uses[i].missing, 8);
			fputc('\n', out);
		}
}

static void print_pitfalls_exposure(FILE *out, const struct cg_check_report *c)
{
	const struct cg_check_result *r = &c->result;
	if (r->npitfalls) {
		fprintf(out, "\nPitfalls:\n");
		for (size_t i = 0; i < r->npitfalls; i++)
			fprintf(out, "  warning: %s%s%s\n", r->pitfalls[i].where,
				r->pitfalls[i].where[0] ? ": " : "", r->pitfalls[i].msg);
	}
	if (c->have_exposure) {
		const struct cg_exposure *x = &c->before;
		fprintf(out, "\nExposure rows (as systemd-analyze security scores them):\n");
		for (size_t i = 0; i < x->nrows; i++)
			fprintf(out, "  %s %-32s %s%s%s\n", x->rows[i].set ? "ok  " : "BAD ",
				x->rows[i].name, x->rows[i].description,
				x->rows[i].exposure_str[0] ? "  " : "", x->rows[i].exposure_str);
	}
	const struct cg_analyze_exposure *sa = &c->analyze.score;
	if (sa->before >= 0) {
		fprintf(out, "systemd-analyze security: overall exposure %d.%d", sa->before / 10,
			sa->before % 10);
		if (sa->after >= 0)
			fprintf(out, ", with the fix %d.%d", sa->after / 10, sa->after % 10);
		fputc('\n', out);
	}
}

static void print_portability(FILE *out, const struct cg_check_report *c)
{
	fprintf(out, "\nAcross systemd versions (reference %s):\n", c->table->version);
	for (size_t i = 0; i < c->nport; i++) {
		const struct cg_port_result *pr = &c->port[i];
		if (pr->table == c->table)
			continue;
		if (cg_set_empty(pr->lost) && cg_set_empty(pr->gained)) {
			fprintf(out, "  %s: same effect\n", pr->table->version);
			continue;
		}
		if (!cg_set_empty(pr->lost)) {
			fprintf(out, "  %s: %s %zu call%s: ", pr->table->version,
				c->have_profile ? "BREAKS, denies observed" : "denies",
				cg_set_size(pr->lost), cg_set_size(pr->lost) == 1 ? "" : "s");
			print_set(out, pr->lost, 12);
			fputc('\n', out);
			for (size_t k = 0; k < pr->nwhy && k < 12; k++)
				fprintf(out, "      %s\n", pr->why[k]);
		}
		if (!cg_set_empty(pr->gained)) {
			fprintf(out, "  %s: allows %zu more call%s: ", pr->table->version,
				cg_set_size(pr->gained), cg_set_size(pr->gained) == 1 ? "" : "s");
			print_set(out, pr->gained, 12);
			fputc('\n', out);
		}
	}
}

static void print_text(FILE *out, const struct cg_check_report *c)
{
	print_settings(out, c);
	if (c->have_profile)
		print_denials(out, c);
	else
		print_groups(out, c);
	print_pitfalls_exposure(out, c);
	if (c->nport)
		print_portability(out, c);
	print_options(out, c);
	if (c->nopt_port)
		print_options_port(out, c);
}

/* ---- the command -------------------------------------------------------- */

static void load_tables(struct opts *o)
{
	o->table = cli_load_targets(o->spec, &o->others, &o->nothers);
	if (!o->nothers)
		return;
	/* Each version listed, the reference among them. */
	o->nport = o->nothers + 1;
	o->port = xcalloc(o->nport, sizeof *o->port);
	o->port[0] = o->table;
	memcpy(o->port + 1, o->others, o->nothers * sizeof *o->others);
}

static void read_unit(struct opts *o)
{
	struct cg_error e = {0};
	int r;
	if (strcmp(o->target, "-") == 0) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (cg_read_file("-", &text, &len, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
		r = cg_unit_parse_cat(&o->unit, text, "<stdin>", &e);
		if (!o->unit.name)
			o->unit.name = xstrdup("stdin.service");
	} else {
		r = cg_unit_load(o->target, o->root, &o->unit, &e);
	}
	if (r < 0)
		die_error(CG_EXIT_USAGE, &e);
}

/* Parses the options into o. Returns -1 to go on with argv[optind...],
 * else the exit code to return (--help, or a bad option). */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	enum {
		OPT_ROOT = 256,
		OPT_SYSTEMD,
		OPT_FILTER,
		OPT_ERRNO,
		OPT_ARCHS,
		OPT_JSON,
		OPT_NOAN,
		OPT_FORMAT,
		OPT_STRICT
	};
	static const struct option longopts[] = {
		{"root", required_argument, NULL, OPT_ROOT},
		{"systemd", required_argument, NULL, OPT_SYSTEMD},
		{"filter", required_argument, NULL, OPT_FILTER},
		{"errno", required_argument, NULL, OPT_ERRNO},
		{"architectures", required_argument, NULL, OPT_ARCHS},
		{"json", no_argument, NULL, OPT_JSON},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"no-analyze", no_argument, NULL, OPT_NOAN},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct cg_error e = {0};
	unsigned hand_line = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			o->root = optarg;
			break;
		case OPT_SYSTEMD:
			o->spec = optarg;
			break;
		case OPT_FILTER:
		case OPT_ERRNO:
		case OPT_ARCHS: {
			const char *key = c == OPT_FILTER  ? "SystemCallFilter"
					  : c == OPT_ERRNO ? "SystemCallErrorNumber"
							   : "SystemCallArchitectures";
			o->by_hand = true;
			if (cg_unit_add_setting(&o->unit, key, optarg, "--option", ++hand_line,
						&e) < 0)
				die_error(CG_EXIT_USAGE, &e);
			break;
		}
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_FORMAT:
			o->json = cli_parse_format(optarg, false) == CG_FMT_JSON;
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_NOAN:
			o->no_analyze = true;
			break;
		case 'h':
			usage(stdout);
			return CG_EXIT_OK;
		default:
			usage(stderr);
			return CG_EXIT_USAGE;
		}
	}
	return -1;
}

/* The profile: every input merged; NULL without inputs. */
static struct cg_profile *read_profile(const struct opts *o, char **inputs, size_t n)
{
	if (!n)
		return NULL;
	struct cg_profile *p = cg_profile_new();
	struct cg_error e = {0};
	for (size_t i = 0; i < n; i++) {
		if (strcmp(inputs[i], "-") == 0 && o->target && strcmp(o->target, "-") == 0)
			die(CG_EXIT_USAGE,
			    "stdin already holds the unit; give the profile as a file");
		if (cg_input_read(inputs[i], NULL, p, NULL, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
	}
	return p;
}

int cmd_check(int argc, char **argv)
{
	struct opts o = {0};
	cg_unit_settings_init(&o.unit);
	int rc = parse_opts(argc, argv, &o);
	if (rc >= 0) {
		cg_unit_settings_done(&o.unit);
		return rc;
	}
	if (!o.by_hand) {
		if (optind >= argc) {
			usage(stderr);
			return CG_EXIT_USAGE;
		}
		o.target = argv[optind++];
		read_unit(&o);
	} else {
		o.unit.name = xstrdup("callgroups-check.service");
	}
	load_tables(&o);
	_cleanup_profile_ struct cg_profile *p =
		read_profile(&o, argv + optind, (size_t)(argc - optind));

	struct cg_check_opts co = {
		.table = o.table,
		.versions = o.port,
		.nversions = o.nport,
		.profile = p,
		.analyze = !o.no_analyze,
	};
	struct cg_check_report c;
	struct cg_error e = {0};
	if (cg_check_unit(&o.unit, &co, &c, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	if (o.json)
		print_json(stdout, &c);
	else
		print_text(stdout, &c);

	rc = cg_check_report_denies(&c) ? CG_EXIT_DENIED : CG_EXIT_OK;
	if (o.strict && rc == CG_EXIT_OK && c.result.npitfalls) {
		fprintf(stderr, "callgroups check: --strict: %zu warning%s or pitfall%s\n",
			c.result.npitfalls, c.result.npitfalls == 1 ? "" : "s",
			c.result.npitfalls == 1 ? "" : "s");
		rc = CG_EXIT_DENIED;
	}
	cg_check_report_done(&c);
	free(o.port);
	cli_free_tables(o.others, o.nothers);
	cg_unit_settings_done(&o.unit);
	cg_table_free(o.table);
	return rc;
}
