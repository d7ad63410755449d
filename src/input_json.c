/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The reader of callgroups' own JSON profiles (format: see input.h), as
 * `callgroups run --complain --format=json` writes them. */
#include "input_readers.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>

#include "names.h"

/* The one version this reader knows. A later writer that changes what a
 * field means bumps it, and this reader refuses the file rather than
 * misread it. */
#define PROFILE_VERSION 1
#define VERSION_KEY "callgroups_profile"

static void json_putp(json_object **j)
{
	if (*j)
		json_object_put(*j);
}
#define _cleanup_json_ _cleanup_(json_putp)

/* Parses text as one JSON value and nothing after it but white space.
 * Returns the value (the caller puts it), or NULL with *err saying why and
 * *off where (a byte offset). */
static json_object *parse_whole(const char *text, size_t len, const char **err, size_t *off)
{
	*err = NULL;
	*off = 0;
	if (len > INT_MAX) {
		*err = "too large for a JSON profile";
		return NULL;
	}
	json_tokener *tok = json_tokener_new();
	if (!tok) {
		*err = "out of memory";
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	json_object *j = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error je = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (je == json_tokener_continue) {
		*err = "the JSON ends too early";
		*off = len;
		return NULL;
	}
	if (!j || je != json_tokener_success) {
		json_object_put(j);
		*err = json_tokener_error_desc(je);
		*off = used;
		return NULL;
	}
	const char *rest = text + used, *end = text + len;
	while (rest < end && strchr(" \t\r\n", *rest))
		rest++;
	if (rest < end) {
		json_object_put(j);
		*err = "more text after the JSON object";
		*off = (size_t)(rest - text);
		return NULL;
	}
	return j;
}

/* The first character that is not white space is '{'. */
static bool starts_object(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end && strchr(" \t\r\n", *p))
		p++;
	return p < end && *p == '{';
}

bool input_json_is_profile(const char *text, size_t len)
{
	if (!starts_object(text, len))
		return false;
	const char *err;
	size_t off;
	_cleanup_json_ json_object *j = parse_whole(text, len, &err, &off);
	return j && json_object_is_type(j, json_type_object) &&
	       json_object_object_get_ex(j, VERSION_KEY, NULL);
}

#define WHAT_PROFILE                                                                               \
	"a callgroups JSON profile (an object with \"" VERSION_KEY "\": 1, as 'callgroups run "    \
	"--complain --format=json' writes)"

int input_json_explain(const char *text, size_t len, const char *fname, struct cg_error *e)
{
	if (!starts_object(text, len))
		return 0;
	const char *err;
	size_t off;
	_cleanup_json_ json_object *j = parse_whole(text, len, &err, &off);
	if (!j)
		cg_error_set(e, fname, line_of(text, off), "malformed JSON (%s): expected %s", err,
			     WHAT_PROFILE);
	else
		cg_error_set(e, fname, 0, "JSON without \"" VERSION_KEY "\": expected %s",
			     WHAT_PROFILE);
	return -EINVAL;
}

/* A non-negative integer member key of o into *out. */
static bool get_count(json_object *o, const char *key, uint64_t *out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	int64_t n = json_object_get_int64(v); /* saturates: a huge count stays huge */
	if (n < 0)
		return false;
	*out = (uint64_t)n;
	return true;
}

/* Checks one entry of "denied" and, when out is not NULL, adds it. An entry
 * whose call has no name ("syscall": null: a number libseccomp could not
 * name) cannot be a profile entry and is skipped. */
static int read_denied(json_object *d, const char *what, size_t i, const char *fname,
		       struct cg_profile *out, uint64_t *skipped, struct cg_error *e)
{
	if (!json_object_is_type(d, json_type_object)) {
		cg_error_set(e, fname, 0, "%s[%zu]: expected an object", what, i);
		return -EINVAL;
	}
	json_object *v;
	enum cg_abi abi;
	if (!json_object_object_get_ex(d, "abi", &v) || !json_object_is_type(v, json_type_string) ||
	    cg_abi_from_name(json_object_get_string(v), &abi) < 0) {
		cg_error_set(e, fname, 0, "%s[%zu].abi: expected \"x86-64\", \"x86\" or \"x32\"",
			     what, i);
		return -EINVAL;
	}
	uint64_t calls;
	if (!get_count(d, "calls", &calls)) {
		cg_error_set(e, fname, 0, "%s[%zu].calls: expected a count (an integer >= 0)", what,
			     i);
		return -EINVAL;
	}
	bool has = json_object_object_get_ex(d, "syscall", &v);
	if (has && !v) {
		(*skipped)++;
		return 0;
	}
	const char *name =
		has && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
	size_t n = name ? (size_t)json_object_get_string_len(v) : 0;
	uint32_t h;
	if (!name || n == 0 || n > NAME_MAX_LEN || strlen(name) != n || !is_lower_or_(name[0]) ||
	    scan_name(name, name + n, &h) != name + n) {
		cg_error_set(e, fname, 0,
			     "%s[%zu].syscall: expected a system call name (a-z, 0-9 and _) or "
			     "null",
			     what, i);
		return -EINVAL;
	}
	/* "calls" entries (harden's sessions) may count errors too. */
	uint64_t errors = 0;
	if (json_object_object_get_ex(d, "errors", NULL) && !get_count(d, "errors", &errors)) {
		cg_error_set(e, fname, 0, "%s[%zu].errors: expected a count (an integer >= 0)",
			     what, i);
		return -EINVAL;
	}
	if (out)
		cg_profile_add(out, abi, cg_intern(name), calls, errors);
	return 0;
}

/* One pass over a parsed profile: checks it (out NULL) or adds it to out. */
static int read_profile(json_object *j, const char *fname, struct cg_profile *out,
			uint64_t *skipped, struct cg_error *e)
{
	json_object *v;
	if (!json_object_is_type(j, json_type_object) ||
	    !json_object_object_get_ex(j, VERSION_KEY, &v)) {
		cg_error_set(e, fname, 0, "expected %s", WHAT_PROFILE);
		return -EINVAL;
	}
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) != PROFILE_VERSION) {
		cg_error_set(e, fname, 0,
			     "unsupported callgroups profile version %s: this callgroups reads "
			     "version %d",
			     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
			     PROFILE_VERSION);
		return -EINVAL;
	}
	/* "denied" (run --complain) and "calls" (harden's sessions): at least
	 * one of them, each an array of entries. */
	static const char *const lists[] = {"denied", "calls"};
	bool any = false;
	for (size_t l = 0; l < ELEMENTSOF(lists); l++) {
		if (!json_object_object_get_ex(j, lists[l], &v))
			continue;
		if (!json_object_is_type(v, json_type_array)) {
			cg_error_set(e, fname, 0, "\"%s\": expected an array in %s", lists[l],
				     WHAT_PROFILE);
			return -EINVAL;
		}
		any = true;
		size_t n = json_object_array_length(v);
		for (size_t i = 0; i < n; i++) {
			int r = read_denied(json_object_array_get_idx(v, i), lists[l], i, fname,
					    out, skipped, e);
			if (r < 0)
				return r;
		}
	}
	if (!any) {
		cg_error_set(e, fname, 0, "expected a \"denied\" or \"calls\" array in %s",
			     WHAT_PROFILE);
		return -EINVAL;
	}
	return 0;
}

int input_parse_json(const char *text, size_t len, const char *fname, struct cg_profile *out,
		     struct cg_input_stats *st, struct cg_error *e)
{
	const char *err;
	size_t off;
	_cleanup_json_ json_object *j = parse_whole(text, len, &err, &off);
	if (!j) {
		cg_error_set(e, fname, line_of(text, off), "malformed JSON (%s): expected %s", err,
			     WHAT_PROFILE);
		return -EINVAL;
	}
	/* Checked whole first: a rejected file interns no name. */
	uint64_t skipped = 0;
	int r = read_profile(j, fname, NULL, &skipped, e);
	if (r < 0)
		return r;
	skipped = 0;
	r = read_profile(j, fname, out, &skipped, e);
	if (r < 0)
		return r;
	if (st) {
		st->lines += line_of(text, len) - (len && text[len - 1] == '\n');
		st->skipped += skipped;
	}
	return 0;
}
