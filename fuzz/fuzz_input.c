// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzzes the input readers: detection, then parsing as detected and as every
 * forced format. A log parsed by several threads must give exactly what one
 * thread gives. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_or_abort(const struct cg_profile *a, const struct cg_profile *b)
{
	if (cg_profile_count(a) != cg_profile_count(b))
		abort();
	for (size_t i = 0; i < cg_profile_count(a); i++) {
		const struct cg_profile_entry *x = cg_profile_at(a, i);
		const struct cg_profile_entry *y = cg_profile_find(b, x->abi, x->name);
		if (!y || x->calls != y->calls || x->errors != y->errors)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A NUL-terminated copy, as files and stdin are read; the readers must
	 * not rely on the NUL either way. */
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	enum cg_input_format f = cg_input_detect(text, size);
	(void)cg_input_format_name(f);
	for (int fmt = CG_INPUT_AUTO; fmt <= CG_INPUT_JSON; fmt++) {
		struct cg_input_opts o1 = {.format = (enum cg_input_format)fmt, .threads = 1};
		struct cg_input_opts o3 = {.format = (enum cg_input_format)fmt, .threads = 3};
		struct cg_profile *a = cg_profile_new(), *b = cg_profile_new();
		struct cg_error e1 = {0}, e3 = {0};
		struct cg_input_stats st = {0};
		int r1 = cg_input_parse(text, size, &o1, "fuzz", a, &st, &e1);
		int r3 = cg_input_parse(text, size, &o3, "fuzz", b, NULL, &e3);
		if (r1 != r3 || (r1 < 0 && e1.line != e3.line))
			abort();
		if (r1 == 0) {
			same_or_abort(a, b);
			struct cg_set *u = cg_set_new();
			cg_input_unknown_names(a, u);
			cg_set_free(u);
		} else if (cg_profile_count(a) != 0) {
			abort(); /* a failed parse leaves the profile alone */
		}
		cg_profile_free(a);
		cg_profile_free(b);
	}
	free(text);
	return 0;
}
