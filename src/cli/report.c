/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The report of suggest and trace: used groups, recommendations, exposure,
 * as text, JSON or a ready drop-in. */
#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

#include "cli.h"
#include "exposure.h"
#include "filter.h"
#include "recommend.h"

struct report_ctx {
	const struct cg_profile *p;
	const struct cg_table *t;
	struct cg_suggestion s;
	struct cg_exposure before, after;
	const char *const *sources;
	size_t nsources;
	double seconds; /* how long the trace ran; negative: unknown */
};

/* A trace shorter than this likely missed periodic work (lighttpd's
 * once-a-second sysinfo, DESIGN.md "Time and state"). */
#define SHORT_TRACE_SECONDS 5.0

/* Prints the sorted names of s separated by sep, wrapped at 78 columns
 * with indent spaces after the first line. */
static void print_names(FILE *out, const struct cg_set *s, int col, int indent)
{
	const char **v;
	size_t n = cg_set_sorted(s, &v);
	for (size_t i = 0; i < n; i++) {
		int l = (int)strlen(v[i]);
		if (i && col + l + 1 > 78) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (i) {
			fputc(' ', out);
			col++;
		}
		fputs(v[i], out);
		col += l;
	}
	fputc('\n', out);
	free(v);
}

static json_object *json_names(const struct cg_set *s)
{
	const char **v;
	size_t n = cg_set_sorted(s, &v);
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	free(v);
	return a;
}

static size_t known_count(const struct cg_table *t)
{
	_cleanup_set_ struct cg_set *k = cg_set_new();
	cg_table_known(t, k);
	return cg_set_size(k);
}

/* Exposure of the recommended lines, and of no filter at all. */
static void compute_exposure(struct report_ctx *c)
{
	struct cg_filter none, rec;
	cg_filter_init(&none);
	cg_filter_init(&rec);
	for (size_t i = 0; i < c->s.allow.nlines; i++)
		(void)cg_filter_add(&rec, c->t, c->s.allow.lines[i], NULL);
	struct cg_archs unset = {0};
	cg_exposure_compute(c->t, &none, &unset, 0, &c->before);
	cg_exposure_compute(c->t, &rec, &c->s.archs, 0, &c->after);
	cg_filter_done(&none);
	cg_filter_done(&rec);
}

static const char *abis_text(unsigned abis, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (int a = 0; a < CG_ABI_COUNT; a++)
		if (abis & (1u << a))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
					      cg_abi_name(a));
	if (!o)
		snprintf(buf, len, "none");
	return buf;
}

/* Which calls came in for upgrade margin or for another version, and on
 * which versions the lines would break. */
static void print_rec_notes(FILE *out, const struct cg_recommendation *r)
{
	if (r->version_readds && !cg_set_empty(r->version_readds)) {
		int col = fprintf(out, "  # named for versions whose groups lack them: ");
		print_names(out, r->version_readds, col, 4);
	}
	if (r->margin && !cg_set_empty(r->margin)) {
		int col = fprintf(out, "  # upgrade margin (relatives of calls named above): ");
		print_names(out, r->margin, col, 4);
	}
	bool checked = false;
	for (size_t i = 0; i < r->nversions; i++) {
		const struct cg_version_check *v = &r->versions[i];
		if (cg_set_empty(v->missing))
			continue;
		int col = fprintf(out,
				  "  # would break on systemd %s%s, denying: ", v->table->version,
				  v->target ? " (a target!)" : "");
		print_names(out, v->missing, col, 4);
		checked = true;
	}
	if (!checked && r->nversions) {
		fprintf(out, "  # works on systemd");
		for (size_t i = 0; i < r->nversions; i++)
			fprintf(out, "%s %s", i ? "," : "", r->versions[i].table->version);
		fputc('\n', out);
	}
}

/* Why name cannot be allowed: a typo with the names meant, or a call this
 * machine's libseccomp does not know yet. A new string. */
static char *unknown_why(const struct cg_table *t, const char *name)
{
	char *why = NULL;
	int r = cg_filter_check_word(t, name, &why);
	if (r == 0 || !why) {
		free(why);
		return xasprintf("%s: not resolvable by this machine's libseccomp", name);
	}
	if (r > 0) {
		char *w = xasprintf("%s: %s", name, why);
		free(why);
		return w;
	}
	return why;
}

static void print_rec(FILE *out, const struct cg_recommendation *r, const struct cg_table *t,
		      const struct cg_archs *archs, size_t nknown, const struct cg_set *unknown)
{
	for (size_t i = 0; i < r->nlines; i++)
		fprintf(out, "  SystemCallFilter=%s\n", r->lines[i]);
	if (archs) {
		char buf[64];
		fprintf(out, "  SystemCallArchitectures=%s\n",
			cg_archs_format(archs, buf, sizeof buf));
	}
	fprintf(out, "  # allows %zu of the %zu calls systemd %s knows; ", r->nallowed, nknown,
		t->version[0] ? t->version : "");
	if (r->verified && cg_set_empty(unknown)) {
		fprintf(out, "checked: every observed call is allowed\n");
	} else if (r->verified) {
		fprintf(out,
			"checked: every observed call is allowed but the %zu name%s above\n"
			"  # that no filter here can allow\n",
			cg_set_size(unknown), cg_set_size(unknown) == 1 ? "" : "s");
	} else {
		fprintf(out, "CHECK FAILED, would deny: ");
		print_names(out, r->missing, 2, 4);
	}
	print_rec_notes(out, r);
}

/* How long the trace ran, and what a short one misses. prefix starts each
 * line ("# " in a drop-in). */
static void print_coverage(FILE *out, const struct report_ctx *c, const char *prefix)
{
	if (c->seconds < 0)
		return;
	fprintf(out, "%straced for %.1f s", prefix, c->seconds);
	if (c->seconds < SHORT_TRACE_SECONDS)
		fprintf(out,
			": a short trace; work a program does now and then (timers,\n"
			"%sonce-a-second housekeeping, the first start after an install) may be\n"
			"%smissing. Stage the filter with SystemCallLog= before enforcing it to\n"
			"%scatch what the trace missed",
			prefix, prefix, prefix);
	fprintf(out, "\n");
}

static void print_text(FILE *out, struct report_ctx *c)
{
	const struct cg_suggestion *s = &c->s;
	char buf[256];
	size_t nknown = known_count(c->t);
	uint64_t calls = cg_profile_total_calls(c->p), errors = cg_profile_total_errors(c->p);
	size_t nused = cg_set_size(s->used);
	fprintf(out, "%zu system call%s observed (", nused, nused == 1 ? "" : "s");
	if (calls)
		fprintf(out, "%" PRIu64 " call%s, %" PRIu64 " error%s", calls,
			calls == 1 ? "" : "s", errors, errors == 1 ? "" : "s");
	else
		fprintf(out, "counts unknown");
	fprintf(out, "; ABIs: %s)\n", abis_text(s->abis, buf, sizeof buf));
	fprintf(out, "groups of %s\n", cg_table_label(c->t, buf, sizeof buf));
	print_coverage(out, c, "");
	fputc('\n', out);

	fprintf(out, "Groups holding observed calls (a group whose calls here are a subset of\n"
		     "another's is left out; * = scored as risky by systemd-analyze security):\n");
	if (!cg_set_empty(s->in_default)) {
		fprintf(out, "  %-18s ", "@default");
		print_names(out, s->in_default, 21, 21);
	}
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct cg_used_group *g = &s->groups[i];
		snprintf(buf, sizeof buf, "%s%s %zu/%zu", g->group->name, g->risky ? "*" : "",
			 cg_set_size(g->used), g->size);
		fprintf(out, "  %-18s ", buf);
		print_names(out, g->used, 21, 21);
	}
	fprintf(out,
		"  (@default is allowed by every allow-list; @system-service holds %zu of the %zu)\n",
		cg_set_size(s->service_used), cg_set_size(s->used));
	if (!cg_set_empty(s->service_only)) {
		fprintf(out, "In no finer group, only in @system-service: ");
		print_names(out, s->service_only, 45, 4);
	}
	if (!cg_set_empty(s->ungrouped)) {
		fprintf(out, "In no group but @known: ");
		print_names(out, s->ungrouped, 24, 4);
	}
	if (!cg_set_empty(s->unknown)) {
		fprintf(out,
			"Names no filter here can allow (systemd ignores a name this machine's\n"
			"libseccomp cannot resolve, so an allow-list cannot permit it; a call\n"
			"of that name would be denied):\n");
		const char **v;
		size_t n = cg_set_sorted(s->unknown, &v);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *why = unknown_why(c->t, v[i]);
			fprintf(out, "  %s\n", why);
		}
		free(v);
	}

	fprintf(out, "\nRecommended (%s: %s):\n", s->allow.kind, s->allow.strategy);
	print_rec(out, &s->allow, c->t, &s->archs, nknown, s->unknown);
	fprintf(out, "\nTight alternative (%s):\n", s->tight.strategy);
	print_rec(out, &s->tight, c->t, NULL, nknown, s->unknown);
	fprintf(out, "\nDeny-list alternative (%s):\n", s->deny.strategy);
	print_rec(out, &s->deny, c->t, NULL, nknown, s->unknown);

	fprintf(out, "\nSystemCallArchitectures=%s: ", cg_archs_format(&s->archs, buf, sizeof buf));
	if (s->archs.native)
		fprintf(out,
			"only the native ABI was seen; without it a filter of x86-64 names\n"
			"  can be bypassed through the i386 (int 0x80) or x32 entry points.\n");
	else
		fprintf(out, "several ABIs were seen; list exactly those.\n");
	fprintf(out,
		"SystemCallErrorNumber=EPERM: denied calls then fail with EPERM instead of killing\n"
		"  the service with SIGSYS; most programs handle a failed call, so a call a short\n"
		"  trace missed degrades instead of crashing. Leave it out to get a hard stop.\n");

	fprintf(out,
		"\nExposure of the system call rows of systemd-analyze security\n"
		"    %-33s %6s %6s\n",
		"row (✓ good, ✗ bad after)", "before", "after");
	for (size_t i = 0; i < c->after.nrows; i++) {
		const struct cg_exposure_row *a = &c->after.rows[i];
		const struct cg_exposure_row *b = cg_exposure_find(&c->before, a->name);
		fprintf(out, "  %s %-33s %6s %6s\n", a->set ? "✓" : "✗", a->name,
			b && b->exposure_str[0] ? b->exposure_str : "-",
			a->exposure_str[0] ? a->exposure_str : "-");
	}
	fprintf(out,
		"  these rows account for %.1f of the 10-point overall exposure before, %.1f after\n",
		c->before.share, c->after.share);
	cli_options_text(out, c->p, c->t);
}

static json_object *json_rec(const struct cg_recommendation *r, const struct cg_set *unknown)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(r->kind));
	json_object_object_add(o, "strategy", json_object_new_string(r->strategy));
	json_object *lines = json_object_new_array();
	for (size_t i = 0; i < r->nlines; i++)
		json_object_array_add(lines, json_object_new_string(r->lines[i]));
	json_object_object_add(o, "SystemCallFilter", lines);
	json_object_object_add(o, "allowed_count", json_object_new_int64((int64_t)r->nallowed));
	/* Verified means every observed name passes: an unknown name never
	 * does, whatever the lines say. */
	json_object_object_add(o, "verified",
			       json_object_new_boolean(r->verified && cg_set_empty(unknown)));
	_cleanup_set_ struct cg_set *deny = cg_set_dup(r->missing);
	cg_set_union(deny, unknown);
	json_object_object_add(o, "would_deny", json_names(deny));
	_cleanup_set_ struct cg_set *none = cg_set_new();
	json_object_object_add(o, "upgrade_margin", json_names(r->margin ? r->margin : none));
	json_object_object_add(o, "named_for_versions",
			       json_names(r->version_readds ? r->version_readds : none));
	json_object *vs = json_object_new_array();
	for (size_t i = 0; i < r->nversions; i++) {
		json_object *v = json_object_new_object();
		json_object_object_add(v, "systemd",
				       json_object_new_string(r->versions[i].table->version));
		json_object_object_add(v, "target", json_object_new_boolean(r->versions[i].target));
		json_object_object_add(v, "would_deny", json_names(r->versions[i].missing));
		json_object_array_add(vs, v);
	}
	json_object_object_add(o, "versions", vs);
	return o;
}

static json_object *json_exposure(const struct cg_exposure *x)
{
	json_object *o = json_object_new_object();
	json_object *rows = json_object_new_array();
	for (size_t i = 0; i < x->nrows; i++) {
		const struct cg_exposure_row *r = &x->rows[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "name", json_object_new_string(r->name));
		json_object_object_add(j, "json_field", json_object_new_string(r->json_field));
		json_object_object_add(j, "set", json_object_new_boolean(r->set));
		json_object_object_add(j, "description", json_object_new_string(r->description));
		json_object_object_add(j, "exposure",
				       r->exposure_str[0] ? json_object_new_string(r->exposure_str)
							  : NULL);
		json_object_object_add(j, "badness", json_object_new_int((int)r->badness));
		json_object_object_add(j, "weight", json_object_new_int((int)r->weight));
		json_object_array_add(rows, j);
	}
	json_object_object_add(o, "rows", rows);
	json_object_object_add(o, "share_of_overall", json_object_new_double(x->share));
	return o;
}

static json_object *build_json(struct report_ctx *c)
{
	const struct cg_suggestion *s = &c->s;
	char buf[256];
	json_object *o = json_object_new_object();
	json_object *src = json_object_new_array();
	for (size_t i = 0; i < c->nsources; i++)
		json_object_array_add(src, json_object_new_string(c->sources[i]));
	json_object_object_add(o, "inputs", src);
	json_object_object_add(o, "systemd", json_object_new_string(c->t->version));
	json_object_object_add(o, "trace_seconds",
			       c->seconds >= 0 ? json_object_new_double(c->seconds) : NULL);
	json_object_object_add(
		o, "short_trace",
		json_object_new_boolean(c->seconds >= 0 && c->seconds < SHORT_TRACE_SECONDS));
	json_object_object_add(o, "table",
			       json_object_new_string(cg_table_label(c->t, buf, sizeof buf)));

	json_object *calls = json_object_new_array();
	for (size_t i = 0; i < cg_profile_count(c->p); i++) {
		const struct cg_profile_entry *e = cg_profile_at(c->p, i);
		json_object *j = json_object_new_object();
		json_object_object_add(j, "abi", json_object_new_string(cg_abi_name(e->abi)));
		json_object_object_add(j, "name", json_object_new_string(cg_name_str(e->name)));
		json_object_object_add(j, "calls", json_object_new_int64((int64_t)e->calls));
		json_object_object_add(j, "errors", json_object_new_int64((int64_t)e->errors));
		json_object_array_add(calls, j);
	}
	json_object_object_add(o, "observed", calls);
	json_object *abis = json_object_new_array();
	for (int a = 0; a < CG_ABI_COUNT; a++)
		if (s->abis & (1u << a))
			json_object_array_add(abis, json_object_new_string(cg_abi_name(a)));
	json_object_object_add(o, "abis", abis);
	json_object_object_add(o, "in_default", json_names(s->in_default));
	json_object *groups = json_object_new_array();
	for (size_t i = 0; i < s->ngroups; i++) {
		json_object *j = json_object_new_object();
		json_object_object_add(j, "group",
				       json_object_new_string(s->groups[i].group->name));
		json_object_object_add(j, "size",
				       json_object_new_int64((int64_t)s->groups[i].size));
		json_object_object_add(j, "risky", json_object_new_boolean(s->groups[i].risky));
		json_object_object_add(j, "used", json_names(s->groups[i].used));
		json_object_array_add(groups, j);
	}
	json_object_object_add(o, "groups", groups);
	json_object_object_add(o, "system_service_used", json_names(s->service_used));
	json_object_object_add(o, "system_service_covers",
			       json_object_new_boolean(s->service_covers));
	json_object_object_add(o, "system_service_only", json_names(s->service_only));
	json_object_object_add(o, "ungrouped", json_names(s->ungrouped));
	json_object_object_add(o, "unknown", json_names(s->unknown));
	json_object *why = json_object_new_object();
	const char **v;
	size_t n = cg_set_sorted(s->unknown, &v);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *w = unknown_why(c->t, v[i]);
		json_object_object_add(why, v[i], json_object_new_string(w));
	}
	free(v);
	json_object_object_add(o, "unknown_why", why);
	json_object_object_add(o, "known_count", json_object_new_int64((int64_t)known_count(c->t)));
	json_object_object_add(o, "recommended", json_rec(&s->allow, s->unknown));
	json_object_object_add(o, "tight", json_rec(&s->tight, s->unknown));
	json_object_object_add(o, "deny_list", json_rec(&s->deny, s->unknown));
	json_object_object_add(o, "SystemCallArchitectures",
			       json_object_new_string(cg_archs_format(&s->archs, buf, sizeof buf)));
	json_object_object_add(o, "SystemCallErrorNumber_advice", json_object_new_string("EPERM"));
	json_object *ex = json_object_new_object();
	json_object_object_add(ex, "before", json_exposure(&c->before));
	json_object_object_add(ex, "after", json_exposure(&c->after));
	json_object_object_add(o, "exposure", ex);
	json_object_object_add(o, "options", cli_options_json(c->p, c->t));
	return o;
}

static void print_dropin(FILE *out, struct report_ctx *c)
{
	const struct cg_suggestion *s = &c->s;
	char buf[256];
	fprintf(out, "# Generated by callgroups %s from", CG_VERSION);
	for (size_t i = 0; i < c->nsources; i++)
		fprintf(out, " %s", c->sources[i]);
	fprintf(out, "\n# %zu observed system call%s; groups of %s.\n", cg_set_size(s->used),
		cg_set_size(s->used) == 1 ? "" : "s", cg_table_label(c->t, buf, sizeof buf));
	print_coverage(out, c, "# ");
	fprintf(out, "# Strategy: %s.\n", s->allow.strategy);
	if (s->allow.margin && !cg_set_empty(s->allow.margin)) {
		int col = fprintf(out, "# Upgrade margin (relatives of calls named here): ");
		print_names(out, s->allow.margin, col, 2);
	}
	for (size_t i = 0; i < s->allow.nversions; i++)
		if (!cg_set_empty(s->allow.versions[i].missing)) {
			int col = fprintf(out, "# Would break on systemd %s, denying: ",
					  s->allow.versions[i].table->version);
			print_names(out, s->allow.versions[i].missing, col, 2);
		}
	fprintf(out, "[Service]\n");
	for (size_t i = 0; i < s->allow.nlines; i++)
		fprintf(out, "SystemCallFilter=%s\n", s->allow.lines[i]);
	fprintf(out, "SystemCallArchitectures=%s\n", cg_archs_format(&s->archs, buf, sizeof buf));
	fprintf(out, "# Uncomment to make denied calls fail with EPERM instead of SIGSYS:\n"
		     "#SystemCallErrorNumber=EPERM\n");
	cli_options_dropin(out, c->p, c->t);
}

static int report(const struct cg_profile *p, const struct cg_table *t,
		  const struct cg_suggest_opts *o, enum cg_output_format fmt, FILE *out,
		  const struct cli_report_where *w)
{
	struct report_ctx c = {.p = p,
			       .t = t,
			       .sources = w ? w->sources : NULL,
			       .nsources = w ? w->nsources : 0,
			       .seconds = w ? w->seconds : -1};
	int r = cg_suggest_ex(p, t, o, &c.s);
	compute_exposure(&c);
	if (fmt == CG_FMT_JSON) {
		json_object *j = build_json(&c);
		fprintf(out, "%s\n",
			json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else if (fmt == CG_FMT_DROPIN) {
		print_dropin(out, &c);
	} else {
		print_text(out, &c);
	}
	bool unknown = !cg_set_empty(c.s.unknown);
	cg_suggestion_done(&c.s);
	if (r < 0) {
		warnx_("a recommendation failed its own check against systemd's filter rules: "
		       "this is a bug in callgroups, please report it with the input");
		return CG_EXIT_FAILURE;
	}
	/* No false pass: a name no filter can allow is a finding, as a denied
	 * call is for check. */
	return unknown ? CG_EXIT_DENIED : CG_EXIT_OK;
}

int cli_report(const struct cg_profile *p, const struct cg_table *t,
	       const struct cg_suggest_opts *o, enum cg_output_format fmt, FILE *out,
	       const struct cli_report_where *w)
{
	return report(p, t, o, fmt, out, w);
}

int cli_report_to(const struct cg_profile *p, const struct cg_table *t,
		  const struct cg_suggest_opts *o, enum cg_output_format fmt, const char *path,
		  const struct cli_report_where *w)
{
	if (!path || strcmp(path, "-") == 0)
		return report(p, t, o, fmt, stdout, w);
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		die(CG_EXIT_FAILURE, "out of memory");
	int r = report(p, t, o, fmt, mem, w);
	fclose(mem);
	struct cg_error e = {0};
	if (cg_write_file_atomic(path, buf, len, &e) < 0) {
		free(buf);
		die_error(CG_EXIT_FAILURE, &e);
	}
	free(buf);
	return r;
}
