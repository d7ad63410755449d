/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The input readers' shared error: the line quoted. */
#include "input_text.h"

#include <errno.h>
#include <stdio.h>

int input_line_error(struct cg_error *e, const char *fname, const char *text, const char *l,
		     const char *le, const char *what)
{
	char buf[96];
	cg_error_set(e, fname, line_of(text, (size_t)(l - text)), "%s, got '%s'", what,
		     excerpt(l, le, buf, sizeof buf));
	return -EINVAL;
}
