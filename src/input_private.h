/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the readers of input.h only: input.c (detection, the public
 * entry points, files), input_table.c (strace -c tables), input_log.c
 * (strace logs), input_list.c (lists of names) and input_json.c
 * (callgroups' JSON profiles). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"

#define NAME_MAX_LEN 63

/* ---- text helpers ------------------------------------------------------ */

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
static inline bool is_lower_or_(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
static inline bool is_name_char(char c) { return is_lower_or_(c) || is_digit(c); }

static inline bool starts(const char *p, const char *e, const char *lit, size_t n)
{
	return (size_t)(e - p) >= n && memcmp(p, lit, n) == 0;
}
#define STARTS(p, e, lit) starts(p, e, lit, sizeof(lit) - 1)

static inline const char *skip_spaces(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* End of the line starting at l (the '\n' or end), and the start of the next. */
static inline const char *line_end(const char *l, const char *end, const char **next)
{
	const char *nl = memchr(l, '\n', (size_t)(end - l));
	if (!nl) {
		*next = end;
		return end;
	}
	*next = nl + 1;
	return nl;
}

/* Drops a trailing '\r' (CRLF files). */
static inline const char *chomp(const char *l, const char *e)
{
	return e > l && e[-1] == '\r' ? e - 1 : e;
}

static inline bool blank(const char *l, const char *e) { return skip_spaces(l, e) == e; }

/* Line number (1-based) of offset off. */
static inline unsigned line_of(const char *text, size_t off)
{
	unsigned n = 1;
	const char *p = text, *end = text + off;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* A short printable excerpt of a line for error messages. */
static inline const char *excerpt(const char *l, const char *e, char *buf, size_t size)
{
	size_t n = 0;
	for (const char *p = l; p < e && n + 4 < size; p++)
		buf[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	if (l + n < e && n >= 3)
		memcpy(buf + n - 3, "...", 3);
	buf[n] = 0;
	return buf;
}

/* ---- local name table (one per parsing thread) --------------------------- */

struct lname {
	uint64_t calls[CG_ABI_COUNT], errors[CG_ABI_COUNT];
	unsigned seen;    /* bit (1 << abi) for each ABI it was counted on */
	uint32_t hash;
	uint8_t len;
	char s[NAME_MAX_LEN + 1];
};

struct ltab {
	struct lname *v;
	size_t n, cap;
	uint32_t *slots; /* index + 1, 0 = empty */
	size_t nslots;
};

static inline void ltab_free(struct ltab *t)
{
	free(t->v);
	free(t->slots);
}

static inline void ltab_rehash(struct ltab *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 512;
	uint32_t *s = xcalloc(ns, sizeof *s);
	for (size_t i = 0; i < t->n; i++) {
		size_t j = t->v[i].hash & (ns - 1);
		while (s[j])
			j = (j + 1) & (ns - 1);
		s[j] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = s;
	t->nslots = ns;
}

static inline uint32_t ltab_get(struct ltab *t, const char *s, size_t n, uint32_t h)
{
	if (t->n * 2 >= t->nslots)
		ltab_rehash(t);
	size_t j = h & (t->nslots - 1);
	while (t->slots[j]) {
		const struct lname *x = &t->v[t->slots[j] - 1];
		if (x->hash == h && x->len == n && memcmp(x->s, s, n) == 0)
			return t->slots[j] - 1;
		j = (j + 1) & (t->nslots - 1);
	}
	xgrow((void **)&t->v, &t->cap, t->n + 1, sizeof *t->v);
	struct lname *x = &t->v[t->n];
	memset(x, 0, sizeof *x);
	x->hash = h;
	x->len = (uint8_t)n;
	memcpy(x->s, s, n);
	t->slots[j] = (uint32_t)++t->n;
	return (uint32_t)(t->n - 1);
}

static inline void ltab_count(struct ltab *t, uint32_t i, enum cg_abi abi, uint64_t calls,
			      uint64_t errors)
{
	t->v[i].calls[abi] += calls;
	t->v[i].errors[abi] += errors;
	t->v[i].seen |= 1u << abi;
}

/* Scans a system call name at p; returns its end (p when there is none). */
static inline const char *scan_name(const char *p, const char *e, uint32_t *hash)
{
	uint32_t h = 2166136261u;
	const char *q = p;
	while (q < e && is_name_char(*q)) {
		h = (h ^ (unsigned char)*q) * 16777619u;
		q++;
	}
	*hash = h;
	return q;
}

static inline bool syscall_on_some_abi(const char *name)
{
	for (unsigned a = 0; a < CG_ABI_COUNT; a++)
		if (cg_syscall_on_abi((enum cg_abi)a, name))
			return true;
	return false;
}

/* ---- what the readers call of each other ----------------------------------- */

/* Sets e to fname, the line of l in text, what was expected, and an excerpt
 * of the line [l, le); returns -EINVAL. */
int input_line_error(struct cg_error *e, const char *fname, const char *text, const char *l,
		     const char *le, const char *what);

/* input_table.c: a table header (with its dash line) or heading at the line
 * [l, e) of text ending at end. */
bool input_table_start(const char *l, const char *e, const char *end);

struct table_result {
	struct ltab rows; /* counts of every table, interned only on success */
	unsigned tables;
	uint64_t lines;
};

/* input_table.c: parses the tables from start (a table header or heading)
 * to end into tr (which the caller frees with ltab_free(&tr->rows)); lines
 * are named from text. Returns 0 or -EINVAL with e set. */
int input_parse_tables(const char *text, const char *start, const char *end, enum cg_abi native,
		       const char *fname, struct table_result *tr, struct cg_error *e);

/* input_log.c: parses a strace log that may end in -c tables (-C), or
 * tables alone (need_table: there must be one), adding to out and st. */
int input_parse_strace(const char *text, size_t len, const struct cg_input_opts *o,
		       const char *fname, bool need_table, struct cg_profile *out,
		       struct cg_input_stats *st, struct cg_error *e);

/* input_log.c: true when the text starts like a strace log. */
bool input_looks_like_log(const char *text, const char *end);

/* input_list.c: checks a list of names, then (when out is not NULL) adds
 * them to out. Returns 0 or -EINVAL with e set. */
int input_parse_list(const char *text, size_t len, enum cg_abi native, const char *fname,
		     struct cg_profile *out, struct cg_input_stats *st, struct cg_error *e);

/* input_json.c: true when text is one JSON object (and nothing else but
 * white space) with a "callgroups_profile" member, of any version. No other
 * input can be one: a strace log, a table or a list never starts with '{'. */
bool input_json_is_profile(const char *text, size_t len);

/* input_json.c: for text that starts with '{' but is no profile (malformed
 * JSON, or JSON of something else), sets e to say so (the line of a syntax
 * error, or what was expected) and returns -EINVAL; returns 0 for any other
 * text. */
int input_json_explain(const char *text, size_t len, const char *fname, struct cg_error *e);

/* input_json.c: parses a JSON profile into out (adding to st). The whole
 * profile is checked before anything is added. Returns 0 or -EINVAL with e
 * naming fname: malformed JSON (with its line), an unknown version, a
 * malformed entry (by its index). */
int input_parse_json(const char *text, size_t len, const char *fname, struct cg_profile *out,
		     struct cg_input_stats *st, struct cg_error *e);
