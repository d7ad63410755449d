// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzzes what harden reads: its session files (cg_harden_session_parse),
 * `systemctl cat` text (the ExecStart= lines wrapped for --restart, and the
 * text after a drop-in is added, diffed against it) and `systemctl show`. */
#include <stdint.h>
#include <string.h>

#include "harden.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	struct cg_error e = {0};
	struct cg_harden_session s = {0};
	(void)cg_harden_session_parse(text, size, "fuzz", &s, &e);
	cg_harden_session_done(&s);

	struct cg_harden_paths p;
	if (cg_harden_paths_init(&p, NULL, "fuzz.service", &e) == 0) {
		char *out = NULL;
		if (cg_harden_render_trace(text, "/cg", NULL, &p, &out, &e) == 0)
			free(out);
		char *after = cg_harden_cat_with(text, p.display_drop, "[Service]\nX=1\n");
		char *d = cg_harden_diff(text, after, "a", "b");
		free(d);
		free(after);
		cg_harden_paths_done(&p);
	}
	struct cg_harden_unit u;
	cg_harden_unit_parse_show(text, &u);
	free(text);
	return 0;
}
