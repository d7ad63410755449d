/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The readers behind input.h, called by input.c (detection and the public
 * entry points) and by each other (a -C log ends in tables): input_table.c
 * (strace -c tables), input_log.c (strace logs), input_list.c (lists of
 * names) and input_json.c (callgroups' JSON profiles). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input_text.h"
#include "input_types.h"
#include "profile.h"

/* input_table.c: a table header (with its dash line) or heading at the line
 * [l, e) of text ending at end. */
bool input_table_start(const char *l, const char *e, const char *end);

struct table_result {
	struct ltab rows; /* counts of every table, interned only on success */
	unsigned tables;
	uint64_t lines;
	/* the lines of an evidence section after a table (evidence.h), checked
	 * but not yet read; the caller frees evl */
	struct {
		const char *p, *e;
	} * evl;
	size_t nevl, evl_cap;
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
