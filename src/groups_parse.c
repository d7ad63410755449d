/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parser of `systemd-analyze syscall-filter` output. Kept apart from
 * groups.c so that the build-time generator can use it without the tables
 * it generates. */
#include "groups_parse.h"

#include <errno.h>
#include <string.h>

#include "names.h"

void cg_table_free(const struct cg_table *t)
{
	if (!t || !t->arena)
		return;
	struct cg_table_arena *a = t->arena;
	free(a->text);
	free(a->groups);
	free(a->members);
	free(a->unresolved);
	free(a->unlisted);
	free(a->version);
	free(a->source);
	free(a);
	free((void *)t);
}

const struct cg_group *cg_table_find(const struct cg_table *t, const char *name)
{
	for (size_t i = 0; i < t->ngroups; i++)
		if (strcmp(t->groups[i].name, name) == 0)
			return &t->groups[i];
	return NULL;
}

/* Drops ANSI colour sequences in place (systemd-analyze may be forced to
 * print them into a file). */
static void strip_ansi(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\033' && r[1] == '[') {
			r += 2;
			while (*r && !(*r >= '@' && *r <= '~'))
				r++;
			if (*r)
				r++;
			continue;
		}
		*w++ = *r++;
	}
	*w = 0;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '@'))
			return false;
	return true;
}

int cg_table_parse(const char *text, size_t len, const char *fname, struct cg_table **out,
		   struct cg_error *e)
{
	struct cg_table_arena *a = xcalloc(1, sizeof *a);
	struct cg_table *t = xcalloc(1, sizeof *t);
	t->arena = a;
	t->version = "";
	t->source = fname;
	a->text = xstrndup(text, len);
	strip_ansi(a->text);

	size_t gcap = 0, mcap = 0, ucap = 0, lcap = 0, nmem = 0, nunres = 0, nunl = 0;
	size_t *first = NULL, fcap = 0; /* index of each group's first member */
	enum { IN_NONE, IN_GROUP, IN_UNGROUPED, IN_UNLISTED } state = IN_NONE;
	unsigned lineno = 0;
	int r = 0;

	for (char *p = a->text, *next; p && *p; p = next) {
		lineno++;
		next = strchr(p, '\n');
		if (next)
			*next++ = 0;
		size_t l = strlen(p);
		while (l && (p[l - 1] == '\r' || p[l - 1] == ' ' || p[l - 1] == '\t'))
			p[--l] = 0;
		if (!l)
			continue;
		if (p[0] == '@') {
			if (!valid_name(p + 1)) {
				cg_error_set(e, fname, lineno,
					     "expected a group name like @basic-io, got '%s'", p);
				r = -EINVAL;
				goto fail;
			}
			xgrow((void **)&a->groups, &gcap, t->ngroups + 1, sizeof *a->groups);
			xgrow((void **)&first, &fcap, t->ngroups + 1, sizeof *first);
			a->groups[t->ngroups] = (struct cg_group){.name = p, .description = ""};
			first[t->ngroups] = nmem;
			t->ngroups++;
			state = IN_GROUP;
		} else if (strncmp(p, "    # ", 6) == 0 && state == IN_GROUP) {
			a->groups[t->ngroups - 1].description = p + 6;
		} else if (strncmp(p, "    ", 4) == 0 && state == IN_GROUP) {
			char *m = p + 4;
			if (!valid_name(m)) {
				cg_error_set(e, fname, lineno,
					     "expected a system call or @group member, got '%s'",
					     m);
				r = -EINVAL;
				goto fail;
			}
			xgrow((void **)&a->members, &mcap, nmem + 1, sizeof *a->members);
			a->members[nmem++] = m;
			a->groups[t->ngroups - 1].nmembers++;
		} else if (strncmp(p, "# Ungrouped", 11) == 0) {
			state = IN_UNGROUPED;
		} else if (strncmp(p, "# Unlisted", 10) == 0) {
			state = IN_UNLISTED;
		} else if (strncmp(p, "#   ", 4) == 0 && state != IN_NONE) {
			char *m = p + 4;
			if (!valid_name(m)) {
				cg_error_set(e, fname, lineno,
					     "expected a system call name after '#   ', got '%s'",
					     m);
				r = -EINVAL;
				goto fail;
			}
			if (state == IN_UNLISTED) {
				xgrow((void **)&a->unlisted, &lcap, nunl + 1, sizeof *a->unlisted);
				a->unlisted[nunl++] = m;
			} else {
				xgrow((void **)&a->unresolved, &ucap, nunres + 1,
				      sizeof *a->unresolved);
				a->unresolved[nunres++] = m;
			}
		} else if (p[0] == '#') {
			/* Other comments ("# Not showing unlisted system calls ...")
			 * carry no names. */
		} else {
			cg_error_set(e, fname, lineno,
				     "expected '@group', an indented member or a '#' comment "
				     "as printed by systemd-analyze syscall-filter, got '%.60s'",
				     p);
			r = -EINVAL;
			goto fail;
		}
	}
	/* members was reallocated while growing: point the groups in now. */
	for (size_t i = 0; i < t->ngroups; i++)
		a->groups[i].members = a->members + first[i];
	t->groups = a->groups;
	if (!t->ngroups || !cg_table_find(t, "@known") || !cg_table_find(t, "@default")) {
		cg_error_set(e, fname, 0,
			     "no @default and @known groups: not the output of "
			     "systemd-analyze syscall-filter");
		r = -EINVAL;
		goto fail;
	}
	t->unresolved = a->unresolved;
	t->nunresolved = nunres;
	t->unlisted = a->unlisted;
	t->nunlisted = nunl;
	free(first);
	*out = t;
	return 0;
fail:
	free(first);
	cg_table_free(t);
	return r;
}

int cg_table_parse_file(const char *path, struct cg_table **out, struct cg_error *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = cg_read_file(path, &text, &len, e);
	if (r < 0)
		return r;
	struct cg_table *t;
	r = cg_table_parse(text, len, path, &t, e);
	if (r < 0)
		return r;
	struct cg_table_arena *a = t->arena;
	a->source = xstrdup(path);
	t->source = a->source;
	*out = t;
	return 0;
}

void cg_table_call_names(const struct cg_table *t, struct cg_set *out)
{
	for (size_t g = 0; g < t->ngroups; g++)
		for (size_t m = 0; m < t->groups[g].nmembers; m++)
			if (t->groups[g].members[m][0] != '@')
				cg_set_add(out, cg_intern(t->groups[g].members[m]));
	for (size_t j = 0; j < t->nunresolved; j++)
		cg_set_add(out, cg_intern(t->unresolved[j]));
}
