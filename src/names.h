/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* System call names, interned to small integers, and sets of them.
 *
 * Every module speaks of a system call by its name (systemd's groups, strace
 * output and unit files all do); interning makes a name one integer, so sets
 * are bitsets and group arithmetic is cheap. The interner is process-wide and
 * not thread-safe: threads that parse in parallel keep their own tables and
 * intern when they merge. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t cg_name;
#define CG_NAME_NONE UINT32_MAX

/* Returns the id of s (copied on first sight). Never fails. */
cg_name cg_intern(const char *s);
cg_name cg_intern_n(const char *s, size_t n);
/* The id of s if it was interned before, else CG_NAME_NONE. */
cg_name cg_name_lookup(const char *s, size_t n);
/* The interned string; owned by the interner, valid until exit. */
const char *cg_name_str(cg_name n);
/* How many names are interned (ids are 0 .. count-1). */
size_t cg_name_count(void);

struct cg_set;

struct cg_set *cg_set_new(void);
/* Returns a new set with the members of s. */
struct cg_set *cg_set_dup(const struct cg_set *s);
void cg_set_free(struct cg_set *s);
void cg_set_freep(struct cg_set **s);
#define _cleanup_set_ __attribute__((cleanup(cg_set_freep)))

void cg_set_add(struct cg_set *s, cg_name n);
void cg_set_remove(struct cg_set *s, cg_name n);
bool cg_set_has(const struct cg_set *s, cg_name n);
void cg_set_clear(struct cg_set *s);
size_t cg_set_size(const struct cg_set *s);
bool cg_set_empty(const struct cg_set *s);
void cg_set_union(struct cg_set *dst, const struct cg_set *src);
void cg_set_subtract(struct cg_set *dst, const struct cg_set *src);
void cg_set_intersect(struct cg_set *dst, const struct cg_set *src);
/* Number of members of a that are also in b. */
size_t cg_set_intersect_size(const struct cg_set *a, const struct cg_set *b);
bool cg_set_is_subset(const struct cg_set *a, const struct cg_set *b);
bool cg_set_equal(const struct cg_set *a, const struct cg_set *b);

/* Iteration in id order: for (cg_name n = 0; cg_set_next(s, &n); n++) ... */
bool cg_set_next(const struct cg_set *s, cg_name *n);

/* The member names sorted alphabetically, in a new array the caller frees
 * (the strings belong to the interner). Returns the count. */
size_t cg_set_sorted(const struct cg_set *s, const char ***out);

/* Adds each name of a list separated by spaces, commas or newlines. */
void cg_set_add_words(struct cg_set *s, const char *words);

/* "Did you mean": the candidates closest to word, for messages about a name
 * nothing knows. Close means an edit distance (Damerau-Levenshtein, optimal
 * string alignment, case-insensitive) of at most 1 for words of up to 4
 * characters, 2 up to 8, 3 beyond; only the candidates at the smallest
 * distance found are kept. When none is that close, the candidates that
 * start with word (of 3 or more characters, a leading '@' not counted) are
 * taken instead. A candidate equal to word is never suggested; duplicates
 * count once. At most max pointers into cands (nothing is copied) go to out,
 * nearest first, then alphabetically. Returns how many. */
size_t cg_names_similar(const char *word, const char *const *cands, size_t ncands, const char **out,
			size_t max);
/* The optimal string alignment distance of a and b, letters compared
 * without regard to case: insertions, deletions, substitutions and swaps of
 * two adjacent characters cost 1 each. */
size_t cg_name_distance(const char *a, const char *b);
/* " (did you mean x?)", " (did you mean x or y?)", " (did you mean x, y or
 * z?)" for cg_names_similar(word, cands, ncands, ..., 3), or "" when nothing
 * is close: a new string the caller frees. */
char *cg_names_did_you_mean(const char *word, const char *const *cands, size_t ncands);
