/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Text helpers the input readers share (input.c's detection and the
 * readers of input_readers.h): scanning lines and names, a table of names
 * with counts, and errors that quote the line. Below all of them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "names.h"
#include "util.h"

#define NAME_MAX_LEN 63

/* ---- text helpers ------------------------------------------------------ */

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}
static inline bool is_lower_or_(char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}
static inline bool is_name_char(char c)
{
	return is_lower_or_(c) || is_digit(c);
}

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

static inline bool blank(const char *l, const char *e)
{
	return skip_spaces(l, e) == e;
}

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
	unsigned seen; /* bit (1 << abi) for each ABI it was counted on */
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

/* Sets e to fname, the line of l in text, what was expected, and an excerpt
 * of the line [l, le); returns -EINVAL. */
int input_line_error(struct cg_error *e, const char *fname, const char *text, const char *l,
		     const char *le, const char *what);
