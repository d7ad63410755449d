// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzzes the unit-file and `systemctl cat` readers and applying what they
 * read against the newest shipped table. */
#include <stdint.h>
#include <string.h>

#include "unitfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	const struct cg_table *t = cg_table_builtin_newest();
	for (int mode = 0; mode < 2; mode++) {
		struct cg_unit_settings s;
		cg_unit_settings_init(&s);
		struct cg_error e = {0};
		int r = mode ? cg_unit_parse_cat(&s, text, "fuzz", &e)
			     : cg_unit_parse_file_text(&s, text, "fuzz.service", NULL, &e);
		if (r == 0) {
			struct cg_filter f, l;
			cg_filter_init(&f);
			cg_filter_init(&l);
			(void)cg_unit_apply(&s, t, &f, &e);
			(void)cg_unit_apply_log(&s, t, &l, &e);
			(void)cg_unit_runs_privileged(&s);
			cg_filter_done(&f);
			cg_filter_done(&l);
		}
		cg_unit_settings_done(&s);
	}
	free(text);
	return 0;
}
