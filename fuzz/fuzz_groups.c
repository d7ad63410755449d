// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzzes the `systemd-analyze syscall-filter` parser (cg_table_parse) and
 * the lookups a parsed table then serves. */
#include <stdint.h>
#include <string.h>

#include "groups.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_table *t = NULL;
	struct cg_error e = {0};
	if (cg_table_parse((const char *)data, size, "fuzz", &t, &e) < 0)
		return 0;
	struct cg_set *s = cg_set_new();
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct cg_group *g = &t->groups[i];
		if (cg_table_find(t, g->name) == NULL)
			__builtin_trap();
		(void)cg_table_expand(t, g->name, s);
		for (size_t j = 0; j < g->nmembers; j++)
			(void)cg_group_has(t, g, cg_intern(g->members[j]));
	}
	cg_table_known(t, s);
	char buf[128];
	(void)cg_table_label(t, buf, sizeof buf);
	cg_set_free(s);
	cg_table_free(t);
	return 0;
}
