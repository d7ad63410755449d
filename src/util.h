/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers every module uses: cleanup attributes, never-NULL allocators,
 * and the error record that carries "file:line: what was expected" to the CLI. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _unused_ __attribute__((unused))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Hands ownership of *pp to the caller and leaves NULL behind, so a
 * _cleanup_ variable can be returned without being freed. */
#define steal_pointer(pp)                                                                          \
	({                                                                                         \
		__typeof__(*(pp)) _stolen = *(pp);                                                 \
		*(pp) = NULL;                                                                      \
		_stolen;                                                                           \
	})

static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_close_ _cleanup_(closep)

/* Allocators that never return NULL: running out of memory aborts, since no
 * caller of this tool could do anything better. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p (holding *cap elements of size sz) so that it holds at least need. */
void xgrow(void **p, size_t *cap, size_t need, size_t sz);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

/* Where an error happened and what was expected there. Library functions fill
 * it and return a negative errno; only the CLI prints it. */
struct cg_error {
	char file[256]; /* "" when no file is involved */
	unsigned line;	/* 0 when no line applies */
	char msg[512];
};

void cg_error_set(struct cg_error *e, const char *file, unsigned line, const char *fmt, ...)
	_printf_(4, 5);
/* Formats "file:line: msg" (or the parts that are set) into buf. */
const char *cg_error_format(const struct cg_error *e, char *buf, size_t len);

/* Reads a whole file (or stdin for "-") into a NUL-terminated heap buffer. */
int cg_read_file(const char *path, char **out, size_t *len, struct cg_error *e);

/* Writes len bytes of output to path without destroying what path is: a
 * regular file (or a new one) is replaced through a temporary file beside
 * it and rename(2), so readers never see half a file, keeping its mode and
 * owner; a symlink is followed and its target written (the link stays a
 * link); a FIFO or device is written straight through; "-" is stdout. */
int cg_write_file_atomic(const char *path, const char *data, size_t len, struct cg_error *e);
/* Whether cg_write_file_atomic(path) can work, asked before the work that
 * produces the output starts: the directory of a new or regular file must
 * take a new entry, an existing target must be writable and no directory.
 * Returns 0 or a negative errno with e naming path. */
int cg_output_check(const char *path, struct cg_error *e);

/* strcmp for qsort over arrays of const char *. */
int cg_strcmp_p(const void *a, const void *b);
