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
	*f = (struct cg_filter){0};
}

static void warn(struct cg_filter *f, char *msg)
{
	xgrow((void **)&f->warnings, &f->warnings_cap, f->nwarnings + 1, sizeof *f->warnings);
	f->warnings[f->nwarnings++] = msg;
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
static void apply_name(struct cg_filter *f, const struct cg_table *t, const char *name,
		       bool add, int err, bool explicit, int depth)
{
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
		if (explicit)
			warn(f, xasprintf("system call %s is not known to libseccomp, ignoring", name));
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
				warn(f, xasprintf("'%s:%s': expected an errno name (EPERM), number or "
						  "'kill' after ':', ignoring", w, colon + 1));
				free(w);
				continue;
			}
			if (!invert) {
				warn(f, xasprintf("allow-listed system calls cannot take an error number, "
						  "ignoring %s:%s", w, colon + 1));
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

void cg_filter_allowed(const struct cg_filter *f, const struct cg_set *universe,
		       struct cg_set *out)
{
	for (cg_name n = 0; cg_set_next(universe, &n); n++)
		if (cg_filter_allows(f, n))
			cg_set_add(out, n);
}

int cg_errno_parse(const char *s)
{
	if (strcmp(s, "kill") == 0)
		return CG_ERRNO_KILL;
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

const char *cg_errno_name(int err)
{
	if (err == CG_ERRNO_KILL)
		return "kill";
	const char *n = strerrorname_np(err);
	return n ? n : "?";
}
