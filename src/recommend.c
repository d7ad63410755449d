/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "recommend.h"

#include <errno.h>
#include <string.h>

#include "filter.h"
#include "margin.h"
#include "util.h"

static struct cg_set *expand_new(const struct cg_table *t, const char *name)
{
	struct cg_set *s = cg_set_new();
	(void)cg_table_expand(t, name, s);
	return s;
}

/* The calls any risky group holds. */
static struct cg_set *risky_calls(const struct cg_table *t)
{
	struct cg_set *s = cg_set_new();
	for (size_t i = 0; cg_risky_groups[i]; i++)
		(void)cg_table_expand(t, cg_risky_groups[i], s);
	return s;
}

/* prefix followed by the words separated by spaces, in a new string. */
static char *join_words(const char *prefix, const char *const *v, size_t n)
{
	size_t len = strlen(prefix) + 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	char *line = xmalloc(len);
	char *w = stpcpy(line, prefix);
	for (size_t i = 0; i < n; i++) {
		if (i)
			*w++ = ' ';
		w = stpcpy(w, v[i]);
	}
	return line;
}

/* Appends a line made of the sorted names of s, prefixed by prefix. */
static void add_line_set(struct cg_recommendation *r, const char *prefix, const struct cg_set *s)
{
	const char **v;
	size_t n = cg_set_sorted(s, &v);
	r->lines = xrealloc(r->lines, (r->nlines + 1) * sizeof *r->lines);
	r->lines[r->nlines++] = join_words(prefix, v, n);
	free(v);
}

static void add_line(struct cg_recommendation *r, const char *line)
{
	r->lines = xrealloc(r->lines, (r->nlines + 1) * sizeof *r->lines);
	r->lines[r->nlines++] = xstrdup(line);
}

/* Applies the lines with systemd's semantics and records what they allow
 * and which observed calls they would deny. */
static void evaluate(struct cg_recommendation *r, const struct cg_table *t,
		     const struct cg_set *used, const struct cg_set *unknown)
{
	struct cg_filter f;
	cg_filter_init(&f);
	for (size_t i = 0; i < r->nlines; i++)
		(void)cg_filter_add(&f, t, r->lines[i], NULL);
	_cleanup_set_ struct cg_set *universe = expand_new(t, "@known");
	cg_set_union(universe, used);
	cg_set_subtract(universe, unknown);
	if (!r->allowed)
		r->allowed = cg_set_new();
	if (!r->missing)
		r->missing = cg_set_new();
	cg_set_clear(r->allowed);
	cg_set_clear(r->missing);
	cg_filter_allowed(&f, universe, r->allowed);
	r->nallowed = cg_set_size(r->allowed);
	for (cg_name n = 0; cg_set_next(used, &n); n++)
		if (!cg_set_has(unknown, n) && !cg_filter_allows(&f, n))
			cg_set_add(r->missing, n);
	r->verified = cg_set_empty(r->missing);
	cg_filter_done(&f);
}

/* evaluate(), and when the lines take observed calls away (a ~ line removes
 * a call whatever group put it there, even @default), one more line that
 * re-adds them, evaluated again. */
static void evaluate_readding(struct cg_recommendation *r, const struct cg_table *t,
			      const struct cg_set *used, const struct cg_set *unknown)
{
	evaluate(r, t, used, unknown);
	if (cg_set_empty(r->missing))
		return;
	_cleanup_set_ struct cg_set *readd = cg_set_dup(r->missing);
	add_line_set(r, "", readd);
	evaluate(r, t, used, unknown);
}

/* @system-service, minus the risky groups that take something away from it,
 * plus explicit re-adds of observed calls the removal took. */
static void recommend_service(struct cg_suggestion *s)
{
	const struct cg_table *t = s->table;
	struct cg_recommendation *r = &s->allow;
	r->kind = "allow-list";
	r->strategy = "@system-service covers every observed call: allow it, deny the risky "
		      "groups it holds only in part, and re-add the observed calls that "
		      "removal takes away";
	add_line(r, "@system-service");
	_cleanup_set_ struct cg_set *allowed = expand_new(t, "@system-service");
	(void)cg_table_expand(t, "@default", allowed);
	_cleanup_free_ const char **groups = xcalloc(cg_risky_group_count() + 1, sizeof *groups);
	size_t n = 0;
	for (size_t i = 0; cg_risky_groups[i]; i++) {
		if (!cg_table_find(t, cg_risky_groups[i]))
			continue;
		_cleanup_set_ struct cg_set *g = expand_new(t, cg_risky_groups[i]);
		/* A risky group @system-service holds whole (@resources) is one
		 * of the "general system service operations" by systemd's own
		 * definition (its portable "default" profile allows it with
		 * CAP_SYS_NICE and CAP_SYS_RESOURCE): a newer release or
		 * configuration of the same service may reach for it (nginx
		 * 1.26 in Debian 13 sets worker_cpu_affinity auto and calls
		 * sched_setaffinity, which nginx 1.18 and 1.22 never did), and
		 * denying it is what made an @system-service-based drop-in
		 * kill it. The tight alternative still leaves it out. */
		if (cg_set_is_subset(g, allowed))
			continue;
		/* Deny a group only when that takes away something observed
		 * nowhere: denying calls that are all used would be undone by
		 * the re-adds. */
		cg_set_intersect(g, allowed);
		cg_set_subtract(g, s->used);
		if (!cg_set_empty(g))
			groups[n++] = cg_risky_groups[i];
	}
	if (n) {
		_cleanup_free_ char *deny = join_words("~", groups, n);
		add_line(r, deny);
	}
	evaluate_readding(r, t, s->used, s->unknown);
}

/* Finer groups without unused risky calls, then single calls. */
static void recommend_tight(struct cg_suggestion *s, struct cg_recommendation *r)
{
	const struct cg_table *t = s->table;
	_cleanup_set_ struct cg_set *risky = risky_calls(t);
	_cleanup_set_ struct cg_set *def = expand_new(t, "@default");
	_cleanup_set_ struct cg_set *todo = cg_set_dup(s->used);
	cg_set_subtract(todo, def);
	cg_set_subtract(todo, s->unknown);
	const char **picked = xcalloc(t->ngroups + 1, sizeof *picked);
	struct cg_set **picked_sets = xcalloc(t->ngroups + 1, sizeof *picked_sets);
	size_t npicked = 0;

	/* Greedy: the group that covers most outstanding calls, among those
	 * whose unused members are all outside the risky groups. */
	for (;;) {
		const struct cg_group *best = NULL;
		size_t best_cover = 0, best_size = 0;
		for (size_t i = 0; i < t->ngroups; i++) {
			const struct cg_group *g = &t->groups[i];
			if (cg_group_is_umbrella(g->name) || cg_group_is_risky(g->name))
				continue;
			_cleanup_set_ struct cg_set *gs = expand_new(t, g->name);
			size_t cover = cg_set_intersect_size(gs, todo);
			if (!cover)
				continue;
			_cleanup_set_ struct cg_set *unused_risky = cg_set_dup(gs);
			cg_set_subtract(unused_risky, s->used);
			cg_set_intersect(unused_risky, risky);
			if (!cg_set_empty(unused_risky))
				continue;
			size_t size = cg_set_size(gs);
			if (cover > best_cover || (cover == best_cover && size < best_size)) {
				best = g;
				best_cover = cover;
				best_size = size;
			}
		}
		if (!best)
			break;
		picked[npicked] = best->name;
		picked_sets[npicked] = expand_new(t, best->name);
		cg_set_subtract(todo, picked_sets[npicked]);
		npicked++;
	}
	/* Drop groups made redundant by later picks. */
	_cleanup_set_ struct cg_set *need = cg_set_dup(s->used);
	cg_set_subtract(need, def);
	cg_set_subtract(need, s->unknown);
	cg_set_subtract(need, todo);
	for (size_t i = 0; i < npicked; i++) {
		_cleanup_set_ struct cg_set *others = cg_set_new();
		for (size_t j = 0; j < npicked; j++)
			if (j != i && picked[j])
				cg_set_union(others, picked_sets[j]);
		_cleanup_set_ struct cg_set *mine = cg_set_dup(need);
		cg_set_intersect(mine, picked_sets[i]);
		if (cg_set_is_subset(mine, others))
			picked[i] = NULL;
	}
	/* Alphabetical, as an administrator would write them. */
	const char **names = xcalloc(npicked + 1, sizeof *names);
	size_t nnames = 0;
	for (size_t i = 0; i < npicked; i++)
		if (picked[i])
			names[nnames++] = picked[i];
	qsort(names, nnames, sizeof *names, cg_strcmp_p);
	_cleanup_free_ char *line = join_words("", names, nnames);
	free(names);
	if (*line)
		add_line(r, line);
	if (!cg_set_empty(todo))
		add_line_set(r, "", todo);
	if (!r->nlines)
		add_line(r, "@default"); /* nothing beyond @default was used */
	for (size_t i = 0; i < npicked; i++)
		cg_set_free(picked_sets[i]);
	free(picked_sets);
	free(picked);
	evaluate(r, t, s->used, s->unknown);
}

/* Deny the risky groups, then re-allow the observed calls they hold. */
static void recommend_deny(struct cg_suggestion *s)
{
	const struct cg_table *t = s->table;
	struct cg_recommendation *r = &s->deny;
	r->kind = "deny-list";
	r->strategy = "deny the risky groups systemd-analyze scores, then re-allow the observed "
		      "calls they hold (a later line without ~ takes calls off a deny-list)";
	_cleanup_free_ const char **groups = xcalloc(cg_risky_group_count() + 1, sizeof *groups);
	size_t n = 0;
	for (size_t i = 0; cg_risky_groups[i]; i++)
		if (cg_table_find(t, cg_risky_groups[i]))
			groups[n++] = cg_risky_groups[i];
	_cleanup_free_ char *deny = join_words("~", groups, n);
	add_line(r, deny);
	evaluate_readding(r, t, s->used, s->unknown);
}

static int cmp_used_group(const void *a, const void *b)
{
	const struct cg_used_group *x = a, *y = b;
	size_t nx = cg_set_size(x->used), ny = cg_set_size(y->used);
	if (nx != ny)
		return nx > ny ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return strcmp(x->group->name, y->group->name);
}

static void build_report(struct cg_suggestion *s)
{
	const struct cg_table *t = s->table;
	_cleanup_set_ struct cg_set *def = expand_new(t, "@default");
	s->in_default = cg_set_dup(s->used);
	cg_set_intersect(s->in_default, def);

	struct cg_used_group *all = xcalloc(t->ngroups + 1, sizeof *all);
	size_t n = 0;
	_cleanup_set_ struct cg_set *grouped = cg_set_new();
	_cleanup_set_ struct cg_set *finer = cg_set_new(); /* held by a non-umbrella group */
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct cg_group *g = &t->groups[i];
		if (strcmp(g->name, "@known") == 0)
			continue;
		struct cg_set *gs = expand_new(t, g->name);
		struct cg_set *u = cg_set_dup(s->used);
		cg_set_intersect(u, gs);
		cg_set_union(grouped, u);
		if (!cg_group_is_umbrella(g->name) || strcmp(g->name, "@default") == 0)
			cg_set_union(finer, u);
		if (strcmp(g->name, "@system-service") == 0) {
			s->service_used = u;
		} else if (cg_group_is_umbrella(g->name) || cg_set_empty(u)) {
			cg_set_free(u);
		} else {
			all[n++] = (struct cg_used_group){.group = g,
							  .used = u,
							  .size = cg_set_size(gs),
							  .risky = cg_group_is_risky(g->name)};
		}
		cg_set_free(gs);
	}
	if (!s->service_used)
		s->service_used = cg_set_new();
	/* Leave out a group whose used calls are a strict subset of another
	 * group's: it tells nothing the bigger one does not. */
	bool *drop = xcalloc(n + 1, sizeof *drop);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n && !drop[i]; j++)
			drop[i] = j != i && cg_set_is_subset(all[i].used, all[j].used) &&
				  !cg_set_equal(all[i].used, all[j].used);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (drop[i])
			cg_set_free(all[i].used);
		else
			all[k++] = all[i];
	}
	free(drop);
	qsort(all, k, sizeof *all, cmp_used_group);
	s->groups = all;
	s->ngroups = k;
	s->ungrouped = cg_set_dup(s->used);
	cg_set_subtract(s->ungrouped, grouped);
	cg_set_subtract(s->ungrouped, s->unknown); /* reported as unknown instead */
	s->service_only = cg_set_dup(s->service_used);
	cg_set_subtract(s->service_only, finer);

	_cleanup_set_ struct cg_set *svc = expand_new(t, "@system-service");
	cg_set_union(svc, def);
	_cleanup_set_ struct cg_set *filterable = cg_set_dup(s->used);
	cg_set_subtract(filterable, s->unknown);
	s->service_covers = cg_set_is_subset(filterable, svc);
}

/* The observed calls that lines would deny under table t (with t's groups
 * and systemd's semantics), in a new set. */
static struct cg_set *missing_under(const struct cg_recommendation *r, const struct cg_table *t,
				    const struct cg_set *used, const struct cg_set *unknown)
{
	struct cg_filter f;
	cg_filter_init(&f);
	for (size_t i = 0; i < r->nlines; i++)
		(void)cg_filter_add(&f, t, r->lines[i], NULL);
	struct cg_set *m = cg_set_new();
	for (cg_name n = 0; cg_set_next(used, &n); n++)
		if (!cg_set_has(unknown, n) && !cg_filter_allows(&f, n))
			cg_set_add(m, n);
	cg_filter_done(&f);
	return m;
}

/* One set of lines for several versions: the observed calls some target
 * version's groups do not bring (mprotect: in @default of 252, not of 247)
 * are named explicitly, which every version understands. */
static void readd_for_targets(struct cg_recommendation *r, const struct cg_suggestion *s)
{
	r->version_readds = cg_set_new();
	for (size_t i = 0; i < s->ntargets; i++) {
		_cleanup_set_ struct cg_set *m =
			missing_under(r, s->targets[i], s->used, s->unknown);
		cg_set_union(r->version_readds, m);
	}
	if (!cg_set_empty(r->version_readds)) {
		add_line_set(r, "", r->version_readds);
		evaluate(r, s->table, s->used, s->unknown);
	}
}

/* The calls the lines name one by one in an allowing sense (a line without
 * ~; on a deny-list such a line takes calls off it). */
static void named_calls(const struct cg_recommendation *r, struct cg_set *out)
{
	for (size_t i = 0; i < r->nlines; i++) {
		const char *w = r->lines[i];
		if (*w == '~')
			continue;
		while (*w) {
			size_t n = strcspn(w, " ");
			if (n && *w != '@')
				cg_set_add(out, cg_intern_n(w, strcspn(w, " :")));
			w += n;
			w += strspn(w, " ");
		}
	}
}

/* Upgrade margin: the relatives of the observed calls the lines name one
 * by one (openat brings open and openat2, clone brings clone3) that the
 * lines do not allow yet and the table knows, on a line of their own. */
static void add_margin(struct cg_recommendation *r, const struct cg_suggestion *s)
{
	_cleanup_set_ struct cg_set *named = cg_set_new();
	named_calls(r, named);
	cg_set_intersect(named, s->used);
	r->margin = cg_set_new();
	cg_margin_relatives(named, r->margin);
	_cleanup_set_ struct cg_set *known = cg_set_new();
	cg_table_known(s->table, known);
	cg_set_intersect(r->margin, known);
	cg_set_subtract(r->margin, r->allowed);
	if (cg_set_empty(r->margin))
		return;
	add_line_set(r, "", r->margin);
	evaluate(r, s->table, s->used, s->unknown);
}

/* How the final lines fare under the primary table, every target and every
 * shipped table; verified only when no target loses an observed call. */
static void check_versions(struct cg_recommendation *r, const struct cg_suggestion *s)
{
	size_t cap = 1 + s->ntargets + cg_table_builtin_count();
	r->versions = xcalloc(cap, sizeof *r->versions);
	_cleanup_free_ const struct cg_table **order = xcalloc(cap, sizeof *order);
	size_t n = 0;
	order[n++] = s->table;
	for (size_t i = 0; i < s->ntargets; i++)
		order[n++] = s->targets[i];
	for (size_t i = 0; i < cg_table_builtin_count(); i++)
		order[n++] = cg_table_builtin(i);
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < r->nversions && !seen; j++)
			seen = r->versions[j].table == order[i] ||
			       (order[i]->version[0] &&
				strcmp(r->versions[j].table->version, order[i]->version) == 0);
		if (seen)
			continue;
		struct cg_version_check *v = &r->versions[r->nversions++];
		v->table = order[i];
		v->target = i <= s->ntargets;
		v->missing = missing_under(r, order[i], s->used, s->unknown);
		if (v->target && !cg_set_empty(v->missing))
			r->verified = false;
	}
}

int cg_suggest(const struct cg_profile *p, const struct cg_table *t, struct cg_suggestion *out)
{
	return cg_suggest_ex(p, t, NULL, out);
}

int cg_suggest_ex(const struct cg_profile *p, const struct cg_table *t,
		  const struct cg_suggest_opts *o, struct cg_suggestion *out)
{
	static const struct cg_suggest_opts defaults = {0};
	if (!o)
		o = &defaults;
	struct cg_suggestion *s = out;
	*s = (struct cg_suggestion){.table = t, .targets = o->targets, .ntargets = o->ntargets};
	s->used = cg_set_new();
	s->unknown = cg_set_new();
	cg_profile_names(p, s->used);
	for (cg_name n = 0; cg_set_next(s->used, &n); n++)
		if (!cg_syscall_known(cg_name_str(n)))
			cg_set_add(s->unknown, n);
	s->abis = cg_profile_abis(p);
	if (s->abis == 0 || s->abis == 1u << cg_abi_native())
		s->archs.native = true;
	else
		s->archs.mask = s->abis;

	build_report(s);
	recommend_tight(s, &s->tight);
	s->tight.kind = "tight allow-list";
	s->tight.strategy = "finer groups that bring no unused call of a risky group, then single "
			    "calls for the rest";
	if (s->service_covers) {
		recommend_service(s);
	} else {
		recommend_tight(s, &s->allow);
		s->allow.kind = "allow-list";
		s->allow.strategy =
			"@system-service does not cover every observed call: finer groups "
			"that bring no unused call of a risky group, then single calls";
	}
	recommend_deny(s);
	struct cg_recommendation *recs[] = {&s->allow, &s->tight, &s->deny};
	for (size_t i = 0; i < ELEMENTSOF(recs); i++) {
		readd_for_targets(recs[i], s);
		if (!o->no_margin)
			add_margin(recs[i], s);
		check_versions(recs[i], s);
	}
	if (!s->allow.verified || !s->tight.verified || !s->deny.verified)
		return -EPROTO;
	return 0;
}

static void rec_done(struct cg_recommendation *r)
{
	for (size_t i = 0; i < r->nlines; i++)
		free(r->lines[i]);
	free(r->lines);
	cg_set_free(r->allowed);
	cg_set_free(r->missing);
	cg_set_free(r->margin);
	cg_set_free(r->version_readds);
	for (size_t i = 0; i < r->nversions; i++)
		cg_set_free(r->versions[i].missing);
	free(r->versions);
}

void cg_suggestion_done(struct cg_suggestion *s)
{
	cg_set_free(s->used);
	cg_set_free(s->unknown);
	cg_set_free(s->in_default);
	for (size_t i = 0; i < s->ngroups; i++)
		cg_set_free(s->groups[i].used);
	free(s->groups);
	cg_set_free(s->ungrouped);
	cg_set_free(s->service_only);
	cg_set_free(s->service_used);
	rec_done(&s->allow);
	rec_done(&s->tight);
	rec_done(&s->deny);
	*s = (struct cg_suggestion){0};
}
