/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "names.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

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

cg_name cg_intern(const char *s)
{
	return cg_intern_n(s, strlen(s));
}

const char *cg_name_str(cg_name n)
{
	return n < nnames ? names[n] : "?";
}

size_t cg_name_count(void)
{
	return nnames;
}

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

struct cg_set *cg_set_new(void)
{
	return xcalloc(1, sizeof(struct cg_set));
}

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

void cg_set_freep(struct cg_set **s)
{
	cg_set_free(*s);
}

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

static int fold(char c)
{
	return tolower((unsigned char)c);
}

size_t cg_name_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* Three rows of the table: a swap looks two rows back. */
	size_t *back2 = xcalloc(lb + 1, sizeof *back2);
	size_t *back = xmalloc((lb + 1) * sizeof *back);
	size_t *cur = xmalloc((lb + 1) * sizeof *cur);
	for (size_t j = 0; j <= lb; j++)
		back[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t d = back[j - 1] + (fold(a[i - 1]) != fold(b[j - 1]));
			if (back[j] + 1 < d)
				d = back[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && back2[j - 2] + 1 < d)
				d = back2[j - 2] + 1;
			cur[j] = d;
		}
		size_t *t = back2;
		back2 = back;
		back = cur;
		cur = t;
	}
	size_t r = back[lb];
	free(back2);
	free(back);
	free(cur);
	return r;
}

struct near {
	const char *s;
	size_t d;
};

static int cmp_near(const void *a, const void *b)
{
	const struct near *x = a, *y = b;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return strcmp(x->s, y->s);
}

size_t cg_names_similar(const char *word, const char *const *cands, size_t ncands, const char **out,
			size_t max)
{
	size_t len = strlen(word);
	/* One slip in a short name, more in a long one; beyond three the
	 * "nearest" name is a guess, not a correction. */
	size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	_cleanup_free_ struct near *v = xmalloc((ncands + 1) * sizeof *v);
	size_t n = 0, best = SIZE_MAX;
	for (size_t i = 0; i < ncands; i++) {
		const char *c = cands[i];
		if (!c || strcmp(c, word) == 0)
			continue;
		size_t lc = strlen(c);
		/* The distance is at least the difference in length. */
		if ((lc > len ? lc - len : len - lc) > limit)
			continue;
		size_t d = cg_name_distance(word, c);
		if (d > limit || d > best)
			continue;
		best = d;
		v[n++] = (struct near){c, d};
	}
	/* Nothing near: a name cut short ("@system" for @system-service). */
	if (!n && strlen(word + (word[0] == '@')) >= 3) {
		best = 0;
		for (size_t i = 0; i < ncands; i++)
			if (cands[i] && strncasecmp(cands[i], word, len) == 0 &&
			    strcmp(cands[i], word) != 0)
				v[n++] = (struct near){cands[i], 0};
	}
	qsort(v, n, sizeof *v, cmp_near);
	size_t k = 0;
	for (size_t i = 0; i < n && k < max && v[i].d == best; i++)
		if (!k || strcmp(out[k - 1], v[i].s) != 0)
			out[k++] = v[i].s;
	return k;
}

char *cg_names_did_you_mean(const char *word, const char *const *cands, size_t ncands)
{
	const char *v[3];
	switch (cg_names_similar(word, cands, ncands, v, ELEMENTSOF(v))) {
	case 0:
		return xstrdup("");
	case 1:
		return xasprintf(" (did you mean %s?)", v[0]);
	case 2:
		return xasprintf(" (did you mean %s or %s?)", v[0], v[1]);
	default:
		return xasprintf(" (did you mean %s, %s or %s?)", v[0], v[1], v[2]);
	}
}
