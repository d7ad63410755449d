/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "check.h"

#include <errno.h>
#include <string.h>

const char *cg_deny_action_name(enum cg_deny_action a)
{
	switch (a) {
	case CG_DENY_KILL:
		return "kill";
	case CG_DENY_ERRNO:
		return "errno";
	case CG_DENY_ARCH:
		return "arch-kill";
	}
	return "?";
}

const char *cg_pitfall_kind_name(enum cg_pitfall_kind k)
{
	static const char *const names[] = {
		[CG_PITFALL_MODE] = "mode",
		[CG_PITFALL_TAKEN_BACK] = "taken-back",
		[CG_PITFALL_EXECVE] = "execve",
		[CG_PITFALL_ARCHS] = "architectures",
		[CG_PITFALL_ALLOW_ERRNO] = "allow-errno",
		[CG_PITFALL_IGNORED] = "ignored",
	};
	return (size_t)k < ELEMENTSOF(names) ? names[k] : "?";
}

void cg_check_result_init(struct cg_check_result *r)
{
	*r = (struct cg_check_result){0};
}

void cg_check_result_done(struct cg_check_result *r)
{
	free(r->denials);
	for (size_t i = 0; i < r->nfix; i++)
		free(r->fix_lines[i]);
	free(r->fix_lines);
	for (size_t i = 0; i < r->npitfalls; i++) {
		free(r->pitfalls[i].where);
		free(r->pitfalls[i].msg);
	}
	free(r->pitfalls);
	cg_check_result_init(r);
}

static void add_pitfall(struct cg_check_result *r, enum cg_pitfall_kind k, const char *where,
			char *msg)
{
	r->pitfalls = xrealloc(r->pitfalls, (r->npitfalls + 1) * sizeof *r->pitfalls);
	r->pitfalls[r->npitfalls++] =
		(struct cg_check_pitfall){k, xstrdup(where ? where : ""), msg};
}

static void add_fix_line(struct cg_check_result *r, char *line)
{
	r->fix_lines = xrealloc(r->fix_lines, (r->nfix + 1) * sizeof *r->fix_lines);
	r->fix_lines[r->nfix++] = line;
}

static bool line_inverted(const char *v)
{
	v += strspn(v, " \t");
	return *v == '~';
}

static bool line_empty(const char *v)
{
	return !v[strspn(v, " \t")];
}

static char *where_of(const struct cg_unit_line *l)
{
	return xasprintf("%s:%u", l->file, l->line);
}

/* A name list for messages: up to max names, then "and N more". */
static char *name_list(const struct cg_set *s, size_t max)
{
	const char **v;
	size_t n = cg_set_sorted(s, &v);
	size_t cap = 64, len = 0;
	char *out = xmalloc(cap);
	out[0] = 0;
	for (size_t i = 0; i < n && i < max; i++) {
		size_t need = len + strlen(v[i]) + 3;
		xgrow((void **)&out, &cap, need + 1, 1);
		len += (size_t)sprintf(out + len, "%s%s", i ? " " : "", v[i]);
	}
	free(v);
	if (n > max) {
		char *o = xasprintf("%s and %zu more", out, n - max);
		free(out);
		out = o;
	}
	return out;
}

/* Adds the calls a line names by name (not through a group). */
static void add_named(struct cg_set *s, const char *value)
{
	const char *p = value;
	while (*p) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t");
		if (!n)
			break;
		/* An allow-listed "name:ERRNO" is ignored by systemd. */
		size_t k = strcspn(p, ":");
		if (p[0] != '@' && p[0] != '~' && k >= n)
			cg_set_add(s, cg_intern_n(p, n));
		p += n;
	}
}

/* Applies the filter lines one by one to find pitfalls, and for each
 * denied name of interest the line that last changed it (index, or -1). */
static int replay(const struct cg_unit_settings *u, const struct cg_table *t,
		  struct cg_check_result *r, const cg_name *names, size_t nnames, int *last,
		  struct cg_error *e)
{
	struct cg_filter f;
	cg_filter_init(&f);
	bool *state = xmalloc((nnames ? nnames : 1) * sizeof *state);
	for (size_t k = 0; k < nnames; k++) {
		state[k] = true;
		last[k] = -1;
	}
	ssize_t first = -1;				   /* the line that fixed the mode */
	_cleanup_set_ struct cg_set *named = cg_set_new(); /* calls allow lines name */
	int ret = 0;
	for (size_t i = 0; i < u->nfilter; i++) {
		const struct cg_unit_line *l = &u->filter[i];
		_cleanup_free_ char *where = where_of(l);
		bool inv = line_inverted(l->value), empty = line_empty(l->value);
		if (!empty && f.active && !f.allow_list && !inv)
			add_pitfall(
				r, CG_PITFALL_MODE, where,
				xasprintf("'%s' has no '~', but the deny-list started at %s:%u "
					  "fixed the mode: this line takes its calls out of the "
					  "deny-list, it does not make an allow-list (an empty "
					  "SystemCallFilter= line first would start over)",
					  l->value, u->filter[first].file, u->filter[first].line));
		if (!empty && !inv && strchr(l->value, ':'))
			add_pitfall(r, CG_PITFALL_ALLOW_ERRNO, where,
				    xasprintf("'%s': an allow-listed entry cannot take ':ERRNO'; "
					      "systemd ignores such entries",
					      l->value));
		_cleanup_set_ struct cg_set *before = cg_set_dup(f.set);
		bool was_allow = f.active && f.allow_list;
		size_t nw = f.nwarnings;
		if (!f.active && !empty)
			first = (ssize_t)i;
		int rr = cg_filter_add(&f, t, l->value, e);
		if (rr < 0) {
			snprintf(e->file, sizeof e->file, "%s", l->file);
			e->line = l->line;
			ret = rr;
			break;
		}
		for (size_t w = nw; w < f.nwarnings; w++)
			add_pitfall(r, CG_PITFALL_IGNORED, where, xstrdup(f.warnings[w]));
		if (empty)
			cg_set_clear(named);
		else if (!inv)
			add_named(named, l->value);
		if (was_allow && inv) {
			cg_set_subtract(before, f.set);
			if (!cg_set_empty(before)) {
				_cleanup_free_ char *list = name_list(before, 12);
				_cleanup_set_ struct cg_set *expl = cg_set_dup(before);
				cg_set_intersect(expl, named);
				_cleanup_free_ char *elist = name_list(expl, 12);
				add_pitfall(
					r, CG_PITFALL_TAKEN_BACK, where,
					xasprintf("'%s' takes back %zu call%s that earlier lines "
						  "allowed: %s%s%s%s",
						  l->value, cg_set_size(before),
						  cg_set_size(before) == 1 ? "" : "s", list,
						  cg_set_empty(expl) ? ""
								     : " (among them, named "
								       "explicitly: ",
						  cg_set_empty(expl) ? "" : elist,
						  cg_set_empty(expl) ? "" : ")"));
			}
		}
		for (size_t k = 0; k < nnames; k++) {
			bool now = cg_filter_allows(&f, names[k]);
			if (now != state[k] || (empty && !now))
				last[k] = (int)i;
			state[k] = now;
		}
	}
	if (ret == 0 && f.active && !cg_filter_allows(&f, cg_intern("execve")))
		add_pitfall(r, CG_PITFALL_EXECVE, "",
			    xstrdup("the filter denies execve: systemd installs it before it "
				    "executes ExecStart=, so the service cannot start"));
	free(state);
	cg_filter_done(&f);
	return ret;
}

static int cmp_denial(const void *a, const void *b)
{
	const struct cg_check_denial *x = a, *y = b;
	if (x->abi != y->abi)
		return (int)x->abi - (int)y->abi;
	int c = strcmp(cg_name_str(x->name), cg_name_str(y->name));
	if (c)
		return c;
	return (y->action == CG_DENY_ARCH) - (x->action == CG_DENY_ARCH);
}

/* The observed calls u stops, without explanations. */
static int find_denials(const struct cg_unit_settings *u, const struct cg_table *t,
			const struct cg_profile *p, struct cg_filter *f,
			struct cg_check_denial **out, size_t *nout, struct cg_error *e)
{
	int r = cg_unit_apply(u, t, f, e);
	if (r < 0)
		return r;
	*out = NULL;
	*nout = 0;
	if (!p)
		return 0;
	/* The native ABI is never blocked (systemd keeps it so it can still
	 * execve the service). */
	unsigned mask = cg_archs_mask(&u->archs) | (1u << cg_abi_native());
	for (size_t i = 0; i < cg_profile_count(p); i++) {
		const struct cg_profile_entry *pe = cg_profile_at(p, i);
		struct cg_check_denial d = {.abi = pe->abi, .name = pe->name, .calls = pe->calls};
		if (!(mask & (1u << pe->abi))) {
			/* Killed for its ABI; once the ABI is let in, the
			 * filter still has its say (a second denial below). */
			d.action = CG_DENY_ARCH;
			d.fix = cg_abi_name(pe->abi);
			*out = xrealloc(*out, (*nout + 1) * sizeof **out);
			(*out)[(*nout)++] = d;
			d = (struct cg_check_denial){
				.abi = pe->abi, .name = pe->name, .calls = pe->calls};
		}
		if (!cg_filter_allows(f, pe->name)) {
			int err = cg_filter_entry_errno(f, pe->name);
			d.entry_errno = err != CG_ERRNO_NONE;
			if (err == CG_ERRNO_NONE)
				err = u->errno_action;
			if (err == CG_ERRNO_NONE || err == CG_ERRNO_KILL) {
				d.action = CG_DENY_KILL;
			} else {
				d.action = CG_DENY_ERRNO;
				d.err = err;
			}
		} else {
			continue;
		}
		*out = xrealloc(*out, (*nout + 1) * sizeof **out);
		(*out)[(*nout)++] = d;
	}
	if (*nout)
		qsort(*out, *nout, sizeof **out, cmp_denial);
	return 0;
}

void cg_check_apply_fix(const struct cg_unit_settings *u, const struct cg_check_result *r,
			struct cg_unit_settings *out)
{
	cg_unit_settings_init(out);
	out->name = u->name ? xstrdup(u->name) : NULL;
	for (size_t i = 0; i < u->nfilter; i++)
		(void)cg_unit_add_setting(out, "SystemCallFilter", u->filter[i].value,
					  u->filter[i].file, u->filter[i].line, NULL);
	for (size_t i = 0; i < u->nlog; i++)
		(void)cg_unit_add_setting(out, "SystemCallLog", u->log[i].value, u->log[i].file,
					  u->log[i].line, NULL);
	for (size_t i = 0; i < u->noptions; i++)
		(void)cg_unit_add_setting(out, u->options[i].key, u->options[i].l.value,
					  u->options[i].l.file, u->options[i].l.line, NULL);
	out->errno_action = u->errno_action;
	out->archs = u->archs;
	for (size_t i = 0; i < r->nfix; i++) {
		const char *eq = strchr(r->fix_lines[i], '=');
		if (!eq)
			continue;
		_cleanup_free_ char *key =
			xstrndup(r->fix_lines[i], (size_t)(eq - r->fix_lines[i]));
		(void)cg_unit_add_setting(out, key, eq + 1, "fix", (unsigned)i + 1, NULL);
	}
}

/* Picks the fix of every denial by the rulebook (cg_fix_for()) and writes
 * the lines: the groups in the order first picked, then the calls. */
static void make_fix(const struct cg_table *t, const struct cg_filter *f, struct cg_check_result *r)
{
	_cleanup_free_ char *filter_line = NULL, *arch_line = NULL;
	unsigned arch_added = 0;
	_cleanup_free_ const char **groups = xcalloc(r->ndenials + 1, sizeof *groups);
	size_t ngroups = 0;
	_cleanup_set_ struct cg_set *names = cg_set_new();

	for (size_t i = 0; i < r->ndenials; i++) {
		struct cg_check_denial *d = &r->denials[i];
		if (d->action == CG_DENY_ARCH) {
			if (!(arch_added & (1u << d->abi))) {
				arch_added |= 1u << d->abi;
				char *l = xasprintf("%s%s%s", arch_line ? arch_line : "",
						    arch_line ? " " : "", cg_abi_name(d->abi));
				free(arch_line);
				arch_line = l;
			}
			continue;
		}
		d->fix = cg_fix_for(t, f, d->name);
		if (!d->fix)
			d->fix = cg_name_str(d->name); /* not denied by f: cannot happen */
		if (d->fix[0] != '@') {
			cg_set_add(names, d->name);
			continue;
		}
		size_t g = 0;
		while (g < ngroups && strcmp(groups[g], d->fix) != 0)
			g++;
		if (g == ngroups)
			groups[ngroups++] = d->fix;
	}
	for (size_t g = 0; g < ngroups; g++) {
		char *l = xasprintf("%s%s%s", filter_line ? filter_line : "",
				    filter_line ? " " : "", groups[g]);
		free(filter_line);
		filter_line = l;
	}
	const char **v;
	size_t nv = cg_set_sorted(names, &v);
	for (size_t k = 0; k < nv; k++) {
		char *l = xasprintf("%s%s%s", filter_line ? filter_line : "",
				    filter_line ? " " : "", v[k]);
		free(filter_line);
		filter_line = l;
	}
	free(v);
	if (filter_line)
		add_fix_line(r, xasprintf("SystemCallFilter=%s", filter_line));
	if (arch_line)
		add_fix_line(r, xasprintf("SystemCallArchitectures=%s", arch_line));
}

static void explain(const struct cg_unit_settings *u, const struct cg_filter *f, int last,
		    struct cg_check_denial *d)
{
	if (d->action == CG_DENY_ARCH) {
		char buf[64];
		snprintf(d->why, sizeof d->why,
			 "%s calls are not allowed by SystemCallArchitectures=%s%s%s",
			 cg_abi_name(d->abi), cg_archs_format(&u->archs, buf, sizeof buf),
			 u->archs_src.file ? " at " : "",
			 u->archs_src.file ? u->archs_src.file : "");
		return;
	}
	if (last < 0) {
		snprintf(d->why, sizeof d->why, "denied");
		return;
	}
	const struct cg_unit_line *l = &u->filter[last];
	bool inv = line_inverted(l->value);
	if (!cg_syscall_known(cg_name_str(d->name)))
		snprintf(d->why, sizeof d->why,
			 "not allowed, and the local libseccomp does not know it, so no "
			 "SystemCallFilter= line can allow it");
	else if (f->allow_list && inv)
		snprintf(d->why, sizeof d->why, "taken back by '%s' (%s:%u)", l->value, l->file,
			 l->line);
	else if (f->allow_list)
		snprintf(d->why, sizeof d->why, "not in the allow-list started by '%s' (%s:%u)",
			 l->value, l->file, l->line);
	else
		snprintf(d->why, sizeof d->why, "in the deny-list: '%s' (%s:%u)", l->value, l->file,
			 l->line);
}

int cg_check_run(const struct cg_unit_settings *u, const struct cg_table *t,
		 const struct cg_profile *p, struct cg_check_result *out, struct cg_error *e)
{
	out->table = t;
	struct cg_filter f;
	cg_filter_init(&f);
	int r = find_denials(u, t, p, &f, &out->denials, &out->ndenials, e);
	if (r < 0) {
		cg_filter_done(&f);
		return r;
	}
	out->filtered = f.active;
	out->allow_list = f.active && f.allow_list;

	cg_name *names = xmalloc((out->ndenials + 1) * sizeof *names);
	int *last = xmalloc((out->ndenials + 1) * sizeof *last);
	for (size_t i = 0; i < out->ndenials; i++)
		names[i] = out->denials[i].name;
	r = replay(u, t, out, names, out->ndenials, last, e);
	if (r >= 0) {
		for (size_t i = 0; i < u->nwarnings; i++)
			add_pitfall(out, CG_PITFALL_IGNORED, "", xstrdup(u->warnings[i]));
		bool only_native = u->archs.native && u->archs.mask == 0;
		if (f.active && !only_native)
			add_pitfall(out, CG_PITFALL_ARCHS,
				    u->archs_src.file ? u->archs_src.file : "",
				    xstrdup("SystemCallArchitectures= is not 'native': the filter "
					    "can be bypassed through calls of another ABI (i386 "
					    "int 0x80, x32), and systemd-analyze security scores "
					    "it as exposed"));
		for (size_t i = 0; i < out->ndenials; i++)
			explain(u, &f, last[i], &out->denials[i]);
		make_fix(t, &f, out);

		/* Re-check with the fix applied, by systemd's rules. */
		if (out->ndenials) {
			struct cg_unit_settings fixed;
			cg_check_apply_fix(u, out, &fixed);
			struct cg_filter ff;
			cg_filter_init(&ff);
			struct cg_check_denial *dd = NULL;
			size_t ndd = 0;
			struct cg_error fe = {0};
			out->fix_verified =
				find_denials(&fixed, t, p, &ff, &dd, &ndd, &fe) == 0 && ndd == 0;
			free(dd);
			cg_filter_done(&ff);
			cg_unit_settings_done(&fixed);
		} else {
			out->fix_verified = true;
		}
	}
	free(names);
	free(last);
	cg_filter_done(&f);
	return r;
}

/* True when name is a real call of one of this machine's ABIs. */
static bool on_machine(const char *name)
{
	for (int a = 0; a < CG_ABI_COUNT; a++)
		if (cg_syscall_on_abi((enum cg_abi)a, name))
			return true;
	return false;
}

size_t cg_check_group_use(const struct cg_filter *f, const struct cg_table *t,
			  struct cg_group_use **out)
{
	struct cg_group_use *v = NULL;
	size_t n = 0;
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct cg_group *g = &t->groups[i];
		if (strcmp(g->name, "@known") == 0)
			continue;
		_cleanup_set_ struct cg_set *members = cg_set_new();
		(void)cg_table_expand(t, g->name, members);
		struct cg_group_use gu = {.group = g, .missing = cg_set_new()};
		for (cg_name m = 0; cg_set_next(members, &m); m++) {
			if (!on_machine(cg_name_str(m)))
				continue;
			gu.total++;
			if (cg_filter_allows(f, m))
				gu.allowed++;
			else
				cg_set_add(gu.missing, m);
		}
		if (gu.allowed == 0) {
			cg_set_free(gu.missing);
			continue;
		}
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = gu;
	}
	*out = v;
	return n;
}

void cg_group_use_free(struct cg_group_use *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cg_set_free(v[i].missing);
	free(v);
}

void cg_port_result_done(struct cg_port_result *r)
{
	cg_set_free(r->lost);
	cg_set_free(r->gained);
	for (size_t i = 0; i < r->nwhy; i++)
		free(r->why[i]);
	free(r->why);
	*r = (struct cg_port_result){0};
}

/* Why name is treated differently under a and b: the groups named on the
 * filter lines (and @default for an allow-list) whose membership of name
 * differs between the two tables. */
static char *port_why(const struct cg_unit_settings *u, const struct cg_table *ref,
		      const struct cg_table *t, cg_name name)
{
	_cleanup_free_ char *msg = NULL;
	const char *nm = cg_name_str(name);
	_cleanup_set_ struct cg_set *seen = cg_set_new();
	for (size_t i = 0; i <= u->nfilter; i++) {
		const char *p = i < u->nfilter ? u->filter[i].value : "@default";
		while (*p) {
			p += strspn(p, " \t~\"'");
			size_t n = strcspn(p, " \t\"':");
			if (!n) {
				p += strcspn(p, " \t");
				continue;
			}
			_cleanup_free_ char *w = xstrndup(p, n);
			p += n;
			if (w[0] != '@' || cg_set_has(seen, cg_intern(w)))
				continue;
			cg_set_add(seen, cg_intern(w));
			const struct cg_group *ga = cg_table_find(ref, w),
					      *gb = cg_table_find(t, w);
			bool ina = ga && cg_group_has(ref, ga, name);
			bool inb = gb && cg_group_has(t, gb, name);
			if (ina == inb)
				continue;
			char *m = xasprintf("%s%s%s in %s of %s, not of %s", msg ? msg : "",
					    msg ? ";" : "", msg ? "" : nm, w,
					    ina ? ref->version : t->version,
					    ina ? t->version : ref->version);
			free(msg);
			msg = m;
		}
	}
	if (!msg)
		msg = xasprintf("%s: %s", nm,
				cg_syscall_known(nm) ? "the tables differ in a group not named "
						       "directly"
						     : "unknown to the local libseccomp");
	else {
		char *m = xasprintf("%s: %s", nm, msg + strlen(nm) + 1);
		free(msg);
		msg = m;
	}
	return steal_pointer(&msg);
}

int cg_check_portability(const struct cg_unit_settings *u, const struct cg_table *ref,
			 const struct cg_table *const *tables, size_t n, const struct cg_profile *p,
			 struct cg_port_result *out, struct cg_error *e)
{
	struct cg_filter fr;
	cg_filter_init(&fr);
	int r = cg_unit_apply(u, ref, &fr, e);
	if (r < 0) {
		cg_filter_done(&fr);
		return r;
	}
	_cleanup_set_ struct cg_set *observed = cg_set_new();
	if (p)
		cg_profile_names(p, observed);
	for (size_t i = 0; i < n && r >= 0; i++) {
		const struct cg_table *t = tables[i];
		struct cg_port_result *pr = &out[i];
		*pr = (struct cg_port_result){
			.table = t, .lost = cg_set_new(), .gained = cg_set_new()};
		struct cg_filter ft;
		cg_filter_init(&ft);
		r = cg_unit_apply(u, t, &ft, e);
		if (r < 0) {
			cg_filter_done(&ft);
			break;
		}
		_cleanup_set_ struct cg_set *universe = cg_set_new();
		if (p) {
			cg_set_union(universe, observed);
		} else {
			cg_table_known(ref, universe);
			_cleanup_set_ struct cg_set *kt = cg_set_new();
			cg_table_known(t, kt);
			cg_set_union(universe, kt);
		}
		for (cg_name m = 0; cg_set_next(universe, &m); m++) {
			/* Names of other architectures (s390_pci_mmio_read) do
			 * not matter on this machine. */
			if (!p && !on_machine(cg_name_str(m)))
				continue;
			bool a = cg_filter_allows(&fr, m), b = cg_filter_allows(&ft, m);
			if (a && !b)
				cg_set_add(pr->lost, m);
			else if (!a && b)
				cg_set_add(pr->gained, m);
		}
		const char **v;
		size_t nv = cg_set_sorted(pr->lost, &v);
		pr->why = xcalloc(nv + 1, sizeof *pr->why);
		for (size_t k = 0; k < nv; k++)
			pr->why[pr->nwhy++] = port_why(u, ref, t, cg_intern(v[k]));
		free(v);
		cg_filter_done(&ft);
	}
	cg_filter_done(&fr);
	return r;
}

/* ---- the whole check ---------------------------------------------------- */

void cg_check_report_done(struct cg_check_report *r)
{
	cg_check_result_done(&r->result);
	cg_filter_done(&r->filter);
	cg_filter_done(&r->log);
	cg_set_free(r->logged);
	cg_group_use_free(r->uses, r->nuses);
	for (size_t i = 0; i < r->nport; i++)
		cg_port_result_done(&r->port[i]);
	free(r->port);
	cg_optcheck_done(&r->options);
	for (size_t i = 0; i < r->nopt_port; i++)
		cg_optcheck_done(&r->opt_port[i]);
	free(r->opt_port);
	*r = (struct cg_check_report){0};
}

/* Observed calls that pass the filter and that SystemCallLog= logs. */
static void find_logged(const struct cg_profile *p, const struct cg_filter *f,
			const struct cg_filter *log, struct cg_set *out)
{
	if (!p || !log->active)
		return;
	for (size_t i = 0; i < cg_profile_count(p); i++) {
		const struct cg_profile_entry *pe = cg_profile_at(p, i);
		if (cg_filter_allows(f, pe->name) && cg_unit_logs(log, pe->name))
			cg_set_add(out, pe->name);
	}
}

/* The exposure rows before and after the fix of r->result. */
static int compute_exposure(const struct cg_unit_settings *u, struct cg_check_report *r,
			    struct cg_error *e)
{
	const struct cg_table *t = r->table;
	uint64_t wt = cg_exposure_weight_total(t->version, cg_unit_runs_privileged(u), NULL);
	r->have_exposure = cg_exposure_compute(t, &r->filter, &u->archs, wt, &r->before) == 0;
	r->after = r->before;
	if (!r->have_exposure || !r->result.nfix)
		return 0;
	struct cg_unit_settings fixed;
	cg_check_apply_fix(u, &r->result, &fixed);
	struct cg_filter ff;
	cg_filter_init(&ff);
	int ret = cg_unit_apply(&fixed, t, &ff, e);
	/* The same table scored the unit without the fix: it cannot lack a
	 * group now. */
	if (ret >= 0 && cg_exposure_compute(t, &ff, &fixed.archs, wt, &r->after) < 0) {
		cg_error_set(e, "", 0, "cannot score the fixed unit's filter");
		ret = -EINVAL;
	}
	cg_filter_done(&ff);
	cg_unit_settings_done(&fixed);
	return ret;
}

static int compare_versions(const struct cg_unit_settings *u, const struct cg_check_opts *o,
			    struct cg_check_report *r, struct cg_error *e)
{
	if (!o->nversions)
		return 0;
	r->port = xcalloc(o->nversions, sizeof *r->port);
	int ret = cg_check_portability(u, o->table, o->versions, o->nversions, o->profile, r->port,
				       e);
	/* On failure the results filled so far are freed with the rest. */
	r->nport = o->nversions;
	for (size_t i = 0; ret >= 0 && o->profile && i < r->nport; i++)
		if (!cg_set_empty(r->port[i].lost))
			r->port_broken = true;
	return ret;
}

static void run_analyze(const struct cg_unit_settings *u, struct cg_check_report *r)
{
	struct cg_check_analyze *a = &r->analyze;
	a->requested = true;
	/* The fix of the filter and of the options, one drop-in. */
	size_t n = r->result.nfix + r->options.nfix;
	char **lines = xcalloc(n ? n : 1, sizeof *lines);
	for (size_t i = 0; i < r->result.nfix; i++)
		lines[i] = r->result.fix_lines[i];
	for (size_t i = 0; i < r->options.nfix; i++)
		lines[r->result.nfix + i] = r->options.fix_lines[i];
	a->status = cg_analyze_exposure(u, lines, n, &a->score, &a->error);
	free(lines);
}

int cg_check_unit(const struct cg_unit_settings *u, const struct cg_check_opts *opts,
		  struct cg_check_report *out, struct cg_error *e)
{
	*out = (struct cg_check_report){
		.unit = u,
		.table = opts->table,
		.have_profile = opts->profile != NULL,
		.nobserved = opts->profile ? cg_profile_count(opts->profile) : 0,
		.logged = cg_set_new(),
		.analyze = {.score = {-1, -1}},
	};
	cg_check_result_init(&out->result);
	cg_filter_init(&out->filter);
	cg_filter_init(&out->log);
	int r = cg_check_run(u, opts->table, opts->profile, &out->result, e);
	if (r < 0)
		return r;
	r = cg_unit_apply(u, opts->table, &out->filter, e);
	if (r >= 0)
		r = cg_unit_apply_log(u, opts->table, &out->log, e);
	if (r < 0)
		return r;
	find_logged(opts->profile, &out->filter, &out->log, out->logged);
	out->nuses = cg_check_group_use(&out->filter, opts->table, &out->uses);
	r = compute_exposure(u, out, e);
	if (r >= 0)
		r = compare_versions(u, opts, out, e);
	if (r >= 0)
		r = cg_optcheck_run(u, opts->table, opts->profile, &out->options, e);
	if (r < 0)
		return r;
	if (opts->nversions) {
		out->opt_port = xcalloc(opts->nversions, sizeof *out->opt_port);
		for (size_t i = 0; i < opts->nversions && r >= 0; i++, out->nopt_port++)
			r = cg_optcheck_run(u, opts->versions[i], opts->profile, &out->opt_port[i],
					    e);
		if (r < 0)
			return r;
	}
	if (opts->analyze)
		run_analyze(u, out);
	return 0;
}

bool cg_check_report_denies(const struct cg_check_report *r)
{
	bool options = cg_optcheck_breaks(&r->options);
	for (size_t i = 0; i < r->nopt_port; i++)
		options |= cg_optcheck_breaks(&r->opt_port[i]);
	return r->have_profile && (r->result.ndenials || r->port_broken || options);
}
