/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Readers: strace -c/-C tables, strace -f logs, -ff file sets, plain lists.
 * The format is detected from the content. Every reader adds to a profile,
 * so several inputs merge into one. */
#pragma once

#include <stddef.h>

#include "profile.h"
#include "util.h"

enum cg_input_format {
	CG_INPUT_AUTO,
	CG_INPUT_SUMMARY, /* strace -c / -C table(s) */
	CG_INPUT_LOG,     /* strace -f log (one file, or one of a -ff set) */
	CG_INPUT_LIST,    /* names separated by newlines, spaces or commas */
};

/* Detects the format of text (the first lines decide). */
enum cg_input_format cg_input_detect(const char *text, size_t len);
const char *cg_input_format_name(enum cg_input_format f);

/* Parses text (NUL-terminated, len bytes) of the given format into p.
 * native is the ABI of unmarked names (the tracer's own ABI). fname names
 * the input in errors: on unrecognised input returns -EINVAL with e naming
 * file, line and what was expected. */
int cg_input_parse(const char *text, size_t len, enum cg_input_format fmt,
		   const char *fname, struct cg_profile *p, struct cg_error *e);

/* Reads path ("-" for stdin) and parses it. A path that does not exist but
 * names the prefix of a `strace -ff -o PREFIX` set (PREFIX.PID files) reads
 * the whole set. */
int cg_input_read(const char *path, enum cg_input_format fmt, struct cg_profile *p,
		  struct cg_error *e);

/* Names in p that libseccomp does not know on their ABI, into out (kept in
 * the profile and reported, never dropped). */
void cg_input_unknown_names(const struct cg_profile *p, struct cg_set *out);
