// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzzes the argument evidence decoders: strace's rendering of one call's
 * arguments (the first line is the call's name, the rest its arguments,
 * given without a terminating NUL so any read past the end is caught), and
 * the evidence section of the profile file, whose every accepted line must
 * survive cg_evidence_format() and a second parse unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_or_abort(const struct cg_evidence *a, const struct cg_evidence *b)
{
	if (cg_evidence_count(a) != cg_evidence_count(b) ||
	    cg_evidence_known(a) != cg_evidence_known(b) ||
	    cg_evidence_inputs(a) != cg_evidence_inputs(b))
		abort();
	for (size_t i = 0; i < cg_evidence_count(a); i++) {
		const struct cg_fact *x = cg_evidence_at(a, i);
		const struct cg_fact *y = cg_evidence_find(b, x->abi, x->kind, x->call, x->value);
		if (!y || y->count != x->count || y->pid != x->pid || strcmp(y->comm, x->comm))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *end = text + size;
	const char *nl = memchr(text, '\n', size);
	size_t nlen = nl ? (size_t)(nl - text) : size;

	/* strace arguments, on an exact-size copy */
	size_t alen = nl ? size - nlen - 1 : 0;
	char *args = xmalloc(alen ? alen : 1);
	if (alen)
		memcpy(args, nl + 1, alen);
	struct cg_call_args a = {.abi = CG_ABI_X86_64};
	char path[64];
	if (cg_evidence_decode_strace(text, nlen, args, args + alen, &a, path, sizeof path)) {
		struct cg_fact_raw raw[CG_CALL_FACTS_MAX];
		size_t k = cg_evidence_decode_call(text, nlen, &a, raw);
		if (k > CG_CALL_FACTS_MAX)
			abort();
		if (a.path && strlen(a.path) >= sizeof path)
			abort();
	}
	free(args);

	/* evidence lines: checked alone, then read, written and read again */
	struct cg_evidence *ev = cg_evidence_new(), *back = cg_evidence_new();
	for (const char *l = text; l < end;) {
		const char *e = memchr(l, '\n', (size_t)(end - l));
		if (!e)
			e = end;
		size_t n = (size_t)(e - l);
		char *line = xmalloc(n ? n : 1);
		memcpy(line, l, n);
		const char *why;
		int checked = cg_evidence_parse_line(NULL, line, line + n, &why);
		int r = cg_evidence_parse_line(ev, line, line + n, &why);
		if (r != checked || (r < 0 && !why))
			abort();
		free(line);
		l = e + 1;
	}
	char *out = cg_evidence_format(ev);
	for (char *l = out; *l;) {
		char *e = strchr(l, '\n');
		if (!e)
			abort(); /* every line ends */
		const char *why;
		if (cg_evidence_parse_line(back, l, e, &why) != 1)
			abort();
		l = e + 1;
	}
	if (cg_evidence_inputs(ev))
		same_or_abort(ev, back);
	free(out);
	cg_evidence_free(ev);
	cg_evidence_free(back);
	return 0;
}
