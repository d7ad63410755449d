/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rulebook of groups.h: which groups are risky or umbrellas (facts
 * from data/rulebook.txt), which groups hold a call, and the one rule for
 * the smallest change that lets a call through. Sits above filter.c: the
 * fix depends on how the filter's lines treated the call. */
#include "groups.h"

#include <stdint.h>
#include <string.h>

#include "filter.h"

static bool in_list(const char *const *list, const char *name)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

size_t cg_risky_group_count(void)
{
	size_t n = 0;
	while (cg_risky_groups[n])
		n++;
	return n;
}

bool cg_group_is_risky(const char *name)
{
	return in_list(cg_risky_groups, name);
}

bool cg_group_is_umbrella(const char *name)
{
	return in_list(cg_umbrella_groups, name);
}

size_t cg_table_groups_holding(const struct cg_table *t, cg_name syscall,
			       const struct cg_group ***out)
{
	const struct cg_group **v = NULL;
	size_t n = 0;
	for (size_t i = 0; syscall != CG_NAME_NONE && i < t->ngroups; i++) {
		const struct cg_group *g = &t->groups[i];
		if (strcmp(g->name, "@known") == 0 || !cg_group_has(t, g, syscall))
			continue;
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = g;
	}
	*out = v;
	return n;
}

const struct cg_group *cg_fix_group(const struct cg_table *t, cg_name syscall)
{
	const struct cg_group *best = NULL;
	size_t best_size = SIZE_MAX;
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct cg_group *g = &t->groups[i];
		if (cg_group_is_risky(g->name) || cg_group_is_umbrella(g->name))
			continue;
		_cleanup_set_ struct cg_set *s = cg_set_new();
		if (cg_table_expand(t, g->name, s) < 0 || !cg_set_has(s, syscall))
			continue;
		size_t n = cg_set_size(s);
		if (n < best_size) {
			best = g;
			best_size = n;
		}
	}
	return best;
}

const char *cg_fix_for(const struct cg_table *t, const struct cg_filter *f, cg_name syscall)
{
	if (syscall == CG_NAME_NONE || !f || cg_filter_allows(f, syscall))
		return NULL;
	if (f->allow_list && !(f->taken_back && cg_set_has(f->taken_back, syscall))) {
		const struct cg_group *g = cg_fix_group(t, syscall);
		if (g)
			return g->name;
	}
	return cg_name_str(syscall);
}
