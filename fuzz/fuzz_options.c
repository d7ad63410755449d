// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzzes the option rulebook parser (data/options.txt) and the merging of
 * option lines: the first line of the input is taken as unit lines
 * "Key=value" separated by ';', the rest as a rulebook. */
#include <stdint.h>
#include <string.h>

#include "optbook.h"
#include "optunit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	char *nl = strchr(text, '\n');
	if (nl)
		*nl = 0;
	struct cg_optbook b;
	struct cg_error e = {0};
	if (nl && cg_optbook_parse(nl + 1, "fuzz", &b, &e) == 0)
		cg_optbook_done(&b);
	/* Unit lines against the built-in rulebook, each version. */
	struct cg_opt_line lines[16];
	size_t n = 0;
	for (char *save = NULL, *l = strtok_r(text, ";", &save); l && n < 16;
	     l = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(l, '=');
		if (!eq)
			continue;
		*eq = 0;
		if (cg_optbook_find(cg_optbook_builtin(), l) < 0)
			continue;
		lines[n] = (struct cg_opt_line){l, eq + 1, "fuzz", (unsigned)n + 1};
		n++;
	}
	static const unsigned versions[] = {247, 252, 257};
	for (size_t v = 0; v < 3; v++) {
		struct cg_optunit o;
		if (cg_optunit_apply(lines, n, versions[v], &o, &e) < 0)
			continue;
		struct cg_opt_rules r;
		cg_optunit_rules(&o, cg_table_builtin_version("252"), &r);
		struct cg_opt_score s[32];
		uint64_t x, w;
		cg_optunit_score(&o, s, 32, &x, &w);
		for (size_t i = 0; i < o.book->ndefs; i++)
			free(cg_optunit_format(&o, (unsigned)i));
		cg_opt_rules_done(&r);
		cg_optunit_done(&o);
	}
	free(text);
	return 0;
}
