/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "filter.h"

#include <errno.h>
#include <string.h>

#include "abi.h"

void cg_filter_init(struct cg_filter *f)
{
	*f = (struct cg_filter){0};
	f->set = cg_set_new();
	f->ignored = cg_set_new();
	f->taken_back = cg_set_new();
}

void cg_filter_done(struct cg_filter *f)
{
	cg_set_free(f->set);
	cg_set_free(f->ignored);
	cg_set_free(f->taken_back);
	free(f->errnos);
	for (size_t i = 0; i < f->nwarnings; i++)
		free(f->warnings[i]);
	free(f->warnings);
	for (size_t i = 0; i < f->ntypos; i++)
		free(f->typos[i]);
	free(f->typos);
	*f = (struct cg_filter){0};
}

static void warn(struct cg_filter *f, char *msg)
{
	xgrow((void **)&f->warnings, &f->warnings_cap, f->nwarnings + 1, sizeof *f->warnings);
	f->warnings[f->nwarnings++] = msg;
}

static void typo(struct cg_filter *f, char *msg)
{
	xgrow((void **)&f->typos, &f->typos_cap, f->ntypos + 1, sizeof *f->typos);
	f->typos[f->ntypos++] = msg;
}

/* True when table t lists name as a system call: in a group, or among the
 * names its libseccomp could not resolve or that no group holds. */
static bool table_lists_call(const struct cg_table *t, const char *name)
{
	for (size_t i = 0; i < t->ngroups; i++)
		for (size_t k = 0; k < t->groups[i].nmembers; k++)
			if (strcmp(t->groups[i].members[k], name) == 0)
				return true;
	for (size_t i = 0; i < t->nunresolved; i++)
		if (strcmp(t->unresolved[i], name) == 0)
			return true;
	for (size_t i = 0; i < t->nunlisted; i++)
		if (strcmp(t->unlisted[i], name) == 0)
			return true;
	return false;
}

static bool systemd_lists_call(const struct cg_table *t, const char *name)
{
	if (table_lists_call(t, name))
		return true;
	for (size_t i = 0; i < cg_table_builtin_count(); i++)
		if (table_lists_call(cg_table_builtin(i), name))
			return true;
	return false;
}

/* The newest shipped table that has group name, or NULL. */
static const struct cg_table *group_elsewhere(const char *name)
{
	for (size_t i = cg_table_builtin_count(); i-- > 0;)
		if (cg_table_find(cg_table_builtin(i), name))
			return cg_table_builtin(i);
	return NULL;
}

static char *suggest_group(const struct cg_table *t, const char *name)
{
	_cleanup_free_ const char **v = xmalloc((t->ngroups + 1) * sizeof *v);
	for (size_t i = 0; i < t->ngroups; i++)
		v[i] = t->groups[i].name;
	return cg_names_did_you_mean(name, v, t->ngroups);
}

static char *suggest_call(const struct cg_table *t, const char *name)
{
	_cleanup_set_ struct cg_set *s = cg_set_new();
	cg_table_known(t, s);
	for (size_t i = 0; i < t->nunresolved; i++)
		cg_set_add(s, cg_intern(t->unresolved[i]));
	for (int abi = 0; abi < CG_ABI_COUNT; abi++)
		cg_abi_names((enum cg_abi)abi, s);
	_cleanup_free_ const char **v = NULL;
	size_t n = cg_set_sorted(s, &v);
	return cg_names_did_you_mean(name, v, n);
}

/* A word with quotes in it: systemd keeps them, so '"@mount"' is a name
 * nobody knows. Says so when the word without them is known. */
static char *explain_quoted(const struct cg_table *t, const char *word)
{
	_cleanup_free_ char *bare = xstrdup(word);
	size_t n = 0;
	for (const char *c = word; *c; c++)
		if (*c != '"' && *c != '\'')
			bare[n++] = *c;
	bare[n] = 0;
	bool known = bare[0] == '@' ? cg_table_find(t, bare) != NULL
				    : cg_syscall_known(bare) || systemd_lists_call(t, bare);
	if (!known || !n)
		return NULL;
	return xasprintf("unknown %s %s (systemd does not remove quotes: did you mean %s?)",
			 word[0] == '@' ? "group" : "system call", word, bare);
}

void cg_filter_copy(struct cg_filter *dst, const struct cg_filter *src)
{
	cg_filter_init(dst);
	if (!src)
		return;
	dst->active = src->active;
	dst->allow_list = src->allow_list;
	if (src->set)
		cg_set_union(dst->set, src->set);
	if (src->ignored)
		cg_set_union(dst->ignored, src->ignored);
	if (src->taken_back)
		cg_set_union(dst->taken_back, src->taken_back);
	if (src->nerrnos) {
		dst->errnos = xmalloc(src->nerrnos * sizeof *dst->errnos);
		memcpy(dst->errnos, src->errnos, src->nerrnos * sizeof *dst->errnos);
		dst->nerrnos = dst->errnos_cap = src->nerrnos;
	}
}

int cg_filter_check_word(const struct cg_table *t, const char *word, char **why)
{
	*why = NULL;
	if (word[0] == '@') {
		if (cg_table_find(t, word))
			return 0;
		const struct cg_table *o = group_elsewhere(word);
		if (o) {
			*why = xasprintf(
				"group %s is unknown to %s%s (systemd %s has it), ignoring", word,
				t->version[0] ? "systemd " : "this table", t->version, o->version);
			return 1;
		}
		_cleanup_free_ char *dym = suggest_group(t, word);
		*why = xasprintf("unknown group %s%s", word, dym);
		return -EINVAL;
	}
	if (cg_syscall_known(word))
		return 0;
	if (systemd_lists_call(t, word)) {
		*why = xasprintf("system call %s is not known to libseccomp, ignoring", word);
		return 1;
	}
	if (strpbrk(word, "\"'") && (*why = explain_quoted(t, word)))
		return -EINVAL;
	_cleanup_free_ char *dym = suggest_call(t, word);
	*why = xasprintf("unknown system call %s%s", word, dym);
	return -EINVAL;
}

static void reset(struct cg_filter *f)
{
	f->active = false;
	f->allow_list = false;
	cg_set_clear(f->set);
	if (f->taken_back)
		cg_set_clear(f->taken_back);
	f->nerrnos = 0;
}

static void set_errno(struct cg_filter *f, cg_name n, int err)
{
	for (size_t i = 0; i < f->nerrnos; i++)
		if (f->errnos[i].name == n) {
			if (err == CG_ERRNO_NONE)
				f->errnos[i] = f->errnos[--f->nerrnos];
			else
				f->errnos[i].err = err;
			return;
		}
	if (err == CG_ERRNO_NONE)
		return;
	xgrow((void **)&f->errnos, &f->errnos_cap, f->nerrnos + 1, sizeof *f->errnos);
	f->errnos[f->nerrnos++] = (struct cg_filter_errno){n, err};
}

/* One name or group of a line. add: put it in the map (the line's sense
 * equals the mode), else take it out. explicit: named on the line itself,
 * not reached through a group (systemd only complains about those). */
static void apply_name(struct cg_filter *f, const struct cg_table *t, const char *name, bool add,
		       int err, bool explicit, int depth)
{
	if (explicit) {
		char *why;
		int r = cg_filter_check_word(t, name, &why);
		if (r != 0) {
			if (name[0] != '@')
				cg_set_add(f->ignored, cg_intern(name));
			if (r < 0)
				typo(f, why);
			else
				warn(f, why);
			return;
		}
	}
	if (name[0] == '@') {
		const struct cg_group *g = cg_table_find(t, name);
		if (!g || depth > 16) {
			warn(f, xasprintf("unknown system call group %s, ignoring", name));
			return;
		}
		for (size_t i = 0; i < g->nmembers; i++)
			apply_name(f, t, g->members[i], add, err, false, depth + 1);
		return;
	}
	cg_name n = cg_intern(name);
	if (!cg_syscall_known(name)) {
		cg_set_add(f->ignored, n);
		return;
	}
	if (add) {
		cg_set_add(f->set, n);
		set_errno(f, n, err);
	} else {
		cg_set_remove(f->set, n);
		set_errno(f, n, CG_ERRNO_NONE);
	}
	if (f->taken_back && f->allow_list) {
		if (add)
			cg_set_remove(f->taken_back, n);
		else
			cg_set_add(f->taken_back, n);
	}
}

/* Splits off the next word as systemd's config_parse_syscall_filter() does:
 * extract_first_word() with no flags, so quotes are ordinary characters
 * (systemd 252 ignores "@mount" as an unknown name) and a backslash takes
 * the next character literally. Returns NULL at the end. */
static char *next_word(const char **p)
{
	static const char sep[] = " \t\n\r";
	const char *s = *p + strspn(*p, sep);
	if (!*s)
		return NULL;
	size_t cap = strlen(s) + 1, n = 0;
	char *w = xmalloc(cap);
	for (; *s && !strchr(sep, *s); s++) {
		if (*s == '\\' && s[1])
			s++;
		w[n++] = *s;
	}
	w[n] = 0;
	*p = s;
	return w;
}

int cg_filter_add(struct cg_filter *f, const struct cg_table *t, const char *value,
		  struct cg_error *e)
{
	const char *p = value + strspn(value, " \t\n");
	if (!*p) {
		reset(f);
		return 0;
	}
	bool invert = false;
	if (*p == '~') {
		invert = true;
		p++;
	}
	if (!f->active) {
		f->active = true;
		f->allow_list = !invert;
		if (f->allow_list)
			apply_name(f, t, "@default", true, CG_ERRNO_NONE, false, 0);
	}
	/* A line in the same sense as the mode adds to the map, the other
	 * sense takes out of it. */
	bool add = invert != f->allow_list;
	char *w;
	while ((w = next_word(&p))) {
		int err = CG_ERRNO_NONE;
		char *colon = strchr(w, ':');
		if (colon) {
			*colon = 0;
			err = cg_errno_parse(colon + 1);
			if (err == -EINVAL) {
				/* systemd logs and skips just this word. */
				_cleanup_free_ char *why = cg_errno_explain(colon + 1);
				typo(f, xasprintf("'%s:%s': %s", w, colon + 1, why));
				free(w);
				continue;
			}
			if (!invert) {
				warn(f,
				     xasprintf(
					     "allow-listed system calls cannot take an error number, "
					     "ignoring %s:%s",
					     w, colon + 1));
				/* Ignored either way, but a typo stays one. */
				char *why;
				if (cg_filter_check_word(t, w, &why) < 0)
					typo(f, why);
				else
					free(why);
				free(w);
				continue;
			}
		}
		apply_name(f, t, w, add, err, true, 0);
		free(w);
	}
	return 0;
}

bool cg_filter_allows(const struct cg_filter *f, cg_name syscall)
{
	if (!f->active)
		return true;
	return cg_set_has(f->set, syscall) == f->allow_list;
}

int cg_filter_entry_errno(const struct cg_filter *f, cg_name syscall)
{
	for (size_t i = 0; i < f->nerrnos; i++)
		if (f->errnos[i].name == syscall)
			return f->errnos[i].err;
	return CG_ERRNO_NONE;
}

void cg_filter_allowed(const struct cg_filter *f, const struct cg_set *universe, struct cg_set *out)
{
	for (cg_name n = 0; cg_set_next(universe, &n); n++)
		if (cg_filter_allows(f, n))
			cg_set_add(out, n);
}

/* Names <errno.h> defines for the same number as another: strerrorname_np()
 * gives the main name only, systemd's errno_from_name() takes these too, so
 * they are no typos. */
static const struct {
	const char *name;
	int err;
} errno_aliases[] = {
	{"EWOULDBLOCK", EWOULDBLOCK},
	{"EDEADLOCK", EDEADLOCK},
	{"ENOTSUP", ENOTSUP},
};

int cg_errno_parse(const char *s)
{
	if (strcmp(s, "kill") == 0)
		return CG_ERRNO_KILL;
	for (size_t i = 0; i < ELEMENTSOF(errno_aliases); i++)
		if (strcmp(s, errno_aliases[i].name) == 0)
			return errno_aliases[i].err;
	if (*s >= '0' && *s <= '9') {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end || v < 0 || v > 4095)
			return -EINVAL;
		return (int)v;
	}
	for (int i = 1; i < 4096; i++) {
		const char *n = strerrorname_np(i);
		if (n && strcmp(n, s) == 0)
			return i;
	}
	return -EINVAL;
}

char *cg_errno_explain(const char *s)
{
	static const char expected[] = "expected an errno name such as EPERM, a number from 1 to "
				       "4095, or kill";
	if (!*s)
		return xasprintf("missing errno (%s)", expected);
	if (*s >= '0' && *s <= '9')
		return xasprintf("invalid errno number %s (%s)", s, expected);
	/* The names cg_errno_parse() accepts, as it finds them. */
	const char **v = xmalloc((4096 + ELEMENTSOF(errno_aliases)) * sizeof *v);
	size_t n = 0;
	v[n++] = "kill";
	for (size_t i = 0; i < ELEMENTSOF(errno_aliases); i++)
		v[n++] = errno_aliases[i].name;
	for (int i = 1; i < 4096; i++) {
		const char *name = strerrorname_np(i);
		if (name)
			v[n++] = name;
	}
	_cleanup_free_ char *dym = cg_names_did_you_mean(s, v, n);
	free(v);
	if (*dym)
		return xasprintf("unknown errno name %s%s", s, dym);
	return xasprintf("unknown errno name %s (%s)", s, expected);
}

const char *cg_errno_name(int err)
{
	if (err == CG_ERRNO_KILL)
		return "kill";
	const char *n = strerrorname_np(err);
	return n ? n : "?";
}
