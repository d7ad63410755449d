/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "margin.h"

#include <string.h>

/* Generated from data/families.txt (groups_builtin.c's sibling). */
extern const struct cg_family cg_builtin_families[];
extern const size_t cg_builtin_nfamilies;

size_t cg_family_count(void)
{
	return cg_builtin_nfamilies;
}

const struct cg_family *cg_family_get(size_t i)
{
	return i < cg_builtin_nfamilies ? &cg_builtin_families[i] : NULL;
}

static bool family_has(const struct cg_family *f, cg_name name)
{
	const char *s = cg_name_str(name);
	for (size_t i = 0; i < f->ncalls; i++)
		if (strcmp(f->calls[i], s) == 0)
			return true;
	return false;
}

cg_name cg_margin_reason(const struct cg_family *f, cg_name name, const struct cg_set *used)
{
	for (size_t i = 0; i < f->ncalls; i++) {
		cg_name m = cg_intern(f->calls[i]);
		if (m != name && cg_set_has(used, m))
			return m;
	}
	return CG_NAME_NONE;
}

void cg_margin_relatives(const struct cg_set *used, struct cg_set *out)
{
	for (size_t i = 0; i < cg_builtin_nfamilies; i++) {
		const struct cg_family *f = &cg_builtin_families[i];
		if (cg_margin_reason(f, CG_NAME_NONE, used) == CG_NAME_NONE)
			continue;
		for (size_t j = 0; j < f->ncalls; j++) {
			cg_name m = cg_intern(f->calls[j]);
			if (!cg_set_has(used, m))
				cg_set_add(out, m);
		}
	}
}

const struct cg_family *cg_margin_family(cg_name name, const struct cg_set *used)
{
	for (size_t i = 0; i < cg_builtin_nfamilies; i++) {
		const struct cg_family *f = &cg_builtin_families[i];
		if (family_has(f, name) && cg_margin_reason(f, name, used) != CG_NAME_NONE)
			return f;
	}
	return NULL;
}
