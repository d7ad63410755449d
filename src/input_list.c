/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The reader of plain lists of system call names (format: see input.h). */
#include "input_readers.h"

#include <errno.h>

#include "names.h"

/* ---- lists ----------------------------------------------------------------- */

static int list_pass(const char *text, size_t len, enum cg_abi native, const char *fname,
		     struct cg_profile *out, struct cg_input_stats *st, struct cg_error *e);

/* Checks a list of names, then (when out is not NULL) adds them to out:
 * rejected input is not interned. Returns 0 or -EINVAL with e set. */
int input_parse_list(const char *text, size_t len, enum cg_abi native, const char *fname,
		     struct cg_profile *out, struct cg_input_stats *st, struct cg_error *e)
{
	int r = list_pass(text, len, native, fname, NULL, NULL, e);
	if (r == 0 && out)
		r = list_pass(text, len, native, fname, out, st, e);
	return r;
}

/* One pass over a list: checks it (out NULL) or adds its names to out. */
static int list_pass(const char *text, size_t len, enum cg_abi native, const char *fname,
		     struct cg_profile *out, struct cg_input_stats *st, struct cg_error *e)
{
	const char *p = text, *end = text + len;
	unsigned line = 1;
	while (p < end) {
		char ch = *p;
		if (ch == '\n') {
			line++;
			p++;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == ',') {
			p++;
			continue;
		}
		if (ch == '#') {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			p = nl ? nl : end;
			continue;
		}
		const char *q = p;
		while (q < end && !strchr(" \t\r\n,", *q) && *q)
			q++;
		uint32_t h;
		if (!is_lower_or_(*p) || q - p > NAME_MAX_LEN || scan_name(p, q, &h) != q) {
			const char *ls = p;
			while (ls > text && ls[-1] != '\n')
				ls--;
			const char *next;
			const char *le = chomp(ls, line_end(ls, end, &next));
			char buf[96], tok[72], word[128] = "";
			if (p != skip_spaces(ls, le) || q < le)
				snprintf(word, sizeof word,
					 " (the word '%s' is not a system call name)",
					 excerpt(p, q, tok, sizeof tok));
			cg_error_set(
				e, fname, line,
				"unrecognised input '%s'%s: expected a strace -c table, a strace "
				"log or a list of system call names (words of a-z, 0-9 and _ "
				"separated by spaces, commas or newlines)",
				excerpt(ls, le, buf, sizeof buf), word);
			return -EINVAL;
		}
		/* A name nothing knows is kept: the report names it as unknown
		 * (with the names meant), whatever the share of such names. */
		if (out)
			cg_profile_add(out, native, cg_intern_n(p, (size_t)(q - p)), 0, 0);
		p = q;
	}
	if (st)
		st->lines += line - (len && text[len - 1] == '\n');
	return 0;
}
