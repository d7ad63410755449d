/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "names.h"

#include <string.h>

#include "util.h"

/* Open-addressing table from string to id; ids index names[]. */
static char **names;
static size_t nnames, names_cap;
static uint32_t *slots; /* id + 1, 0 = empty */
static size_t nslots;

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void rehash(void)
{
	size_t ns = nslots ? nslots * 2 : 1024;
	uint32_t *t = xcalloc(ns, sizeof *t);
	for (size_t i = 0; i < nnames; i++) {
		size_t j = hash(names[i], strlen(names[i])) & (ns - 1);
		while (t[j])
			j = (j + 1) & (ns - 1);
		t[j] = (uint32_t)i + 1;
	}
	free(slots);
	slots = t;
	nslots = ns;
}

static size_t find_slot(const char *s, size_t n)
{
	size_t j = hash(s, n) & (nslots - 1);
	while (slots[j]) {
		const char *c = names[slots[j] - 1];
		if (strncmp(c, s, n) == 0 && c[n] == 0)
			break;
		j = (j + 1) & (nslots - 1);
	}
	return j;
}

cg_name cg_name_lookup(const char *s, size_t n)
{
	if (!nslots)
		return CG_NAME_NONE;
	size_t j = find_slot(s, n);
	return slots[j] ? slots[j] - 1 : CG_NAME_NONE;
}

cg_name cg_intern_n(const char *s, size_t n)
{
	if (nnames * 2 >= nslots)
		rehash();
	size_t j = find_slot(s, n);
	if (slots[j])
		return slots[j] - 1;
	xgrow((void **)&names, &names_cap, nnames + 1, sizeof *names);
	names[nnames] = xstrndup(s, n);
	slots[j] = (uint32_t)++nnames;
	return (cg_name)(nnames - 1);
}

cg_name cg_intern(const char *s) { return cg_intern_n(s, strlen(s)); }

const char *cg_name_str(cg_name n) { return n < nnames ? names[n] : "?"; }

size_t cg_name_count(void) { return nnames; }

/* Frees the interner at exit so leak checkers see a clean heap. */
__attribute__((destructor)) static void names_free_all(void)
{
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(slots);
	names = NULL;
	slots = NULL;
	nnames = names_cap = nslots = 0;
}

struct cg_set {
	uint64_t *w;
	size_t nw;
};

struct cg_set *cg_set_new(void) { return xcalloc(1, sizeof(struct cg_set)); }

struct cg_set *cg_set_dup(const struct cg_set *s)
{
	struct cg_set *d = cg_set_new();
	if (s->nw) {
		d->w = xmalloc(s->nw * sizeof *d->w);
		memcpy(d->w, s->w, s->nw * sizeof *d->w);
		d->nw = s->nw;
	}
	return d;
}

void cg_set_free(struct cg_set *s)
{
	if (!s)
		return;
	free(s->w);
	free(s);
}

void cg_set_freep(struct cg_set **s) { cg_set_free(*s); }

static void ensure(struct cg_set *s, size_t nw)
{
	if (nw <= s->nw)
		return;
	s->w = xrealloc(s->w, nw * sizeof *s->w);
	memset(s->w + s->nw, 0, (nw - s->nw) * sizeof *s->w);
	s->nw = nw;
}

void cg_set_add(struct cg_set *s, cg_name n)
{
	ensure(s, n / 64 + 1);
	s->w[n / 64] |= 1ULL << (n % 64);
}

void cg_set_remove(struct cg_set *s, cg_name n)
{
	if (n / 64 < s->nw)
		s->w[n / 64] &= ~(1ULL << (n % 64));
}

bool cg_set_has(const struct cg_set *s, cg_name n)
{
	return n / 64 < s->nw && (s->w[n / 64] >> (n % 64)) & 1;
}

void cg_set_clear(struct cg_set *s)
{
	if (s->nw)
		memset(s->w, 0, s->nw * sizeof *s->w);
}

size_t cg_set_size(const struct cg_set *s)
{
	size_t c = 0;
	for (size_t i = 0; i < s->nw; i++)
		c += (size_t)__builtin_popcountll(s->w[i]);
	return c;
}

bool cg_set_empty(const struct cg_set *s)
{
	for (size_t i = 0; i < s->nw; i++)
		if (s->w[i])
			return false;
	return true;
}

void cg_set_union(struct cg_set *dst, const struct cg_set *src)
{
	ensure(dst, src->nw);
	for (size_t i = 0; i < src->nw; i++)
		dst->w[i] |= src->w[i];
}

void cg_set_subtract(struct cg_set *dst, const struct cg_set *src)
{
	for (size_t i = 0; i < dst->nw && i < src->nw; i++)
		dst->w[i] &= ~src->w[i];
}

void cg_set_intersect(struct cg_set *dst, const struct cg_set *src)
{
	for (size_t i = 0; i < dst->nw; i++)
		dst->w[i] &= i < src->nw ? src->w[i] : 0;
}

size_t cg_set_intersect_size(const struct cg_set *a, const struct cg_set *b)
{
	size_t c = 0;
	for (size_t i = 0; i < a->nw && i < b->nw; i++)
		c += (size_t)__builtin_popcountll(a->w[i] & b->w[i]);
	return c;
}

bool cg_set_is_subset(const struct cg_set *a, const struct cg_set *b)
{
	for (size_t i = 0; i < a->nw; i++)
		if (a->w[i] & ~(i < b->nw ? b->w[i] : 0))
			return false;
	return true;
}

bool cg_set_equal(const struct cg_set *a, const struct cg_set *b)
{
	return cg_set_is_subset(a, b) && cg_set_is_subset(b, a);
}

bool cg_set_next(const struct cg_set *s, cg_name *n)
{
	size_t i = *n / 64;
	if (i >= s->nw)
		return false;
	uint64_t w = s->w[i] & (~0ULL << (*n % 64));
	for (;;) {
		if (w) {
			*n = (cg_name)(i * 64 + (size_t)__builtin_ctzll(w));
			return true;
		}
		if (++i >= s->nw)
			return false;
		w = s->w[i];
	}
}

size_t cg_set_sorted(const struct cg_set *s, const char ***out)
{
	size_t cnt = cg_set_size(s), k = 0;
	const char **v = xmalloc((cnt + 1) * sizeof *v);
	for (cg_name n = 0; cg_set_next(s, &n); n++)
		v[k++] = cg_name_str(n);
	qsort(v, cnt, sizeof *v, cg_strcmp_p);
	v[cnt] = NULL;
	*out = v;
	return cnt;
}

void cg_set_add_words(struct cg_set *s, const char *words)
{
	const char *p = words;
	while (*p) {
		p += strspn(p, " \t\r\n,");
		size_t n = strcspn(p, " \t\r\n,");
		if (n)
			cg_set_add(s, cg_intern_n(p, n));
		p += n;
	}
}
