/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The reader of callgroups' own JSON profiles (format: see input.h and
 * profile_json.h), as `callgroups run --complain --format=json` and
 * `callgroups harden` (sessions, with the call arguments they saw) write
 * them. */
#include "input_readers.h"

#include <errno.h>
#include <json-c/json.h>

#include "names.h"
#include "profile_json.h"

#define VERSION_KEY CG_PROFILE_JSON_KEY

static void json_putp(json_object **j)
{
	if (*j)
		json_object_put(*j);
}
#define _cleanup_json_ _cleanup_(json_putp)

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
	_cleanup_json_ json_object *j = cg_profile_json_parse(text, len, &err, &off);
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
	_cleanup_json_ json_object *j = cg_profile_json_parse(text, len, &err, &off);
	if (!j)
		cg_error_set(e, fname, line_of(text, off), "malformed JSON (%s): expected %s", err,
			     WHAT_PROFILE);
	else
		cg_error_set(e, fname, 0, "JSON without \"" VERSION_KEY "\": expected %s",
			     WHAT_PROFILE);
	return -EINVAL;
}

/* Checks one entry of a list and, when out is not NULL, adds it. An entry
 * whose call has no name ("syscall": null: a number libseccomp could not
 * name) cannot be a profile entry and is skipped. */
static int read_entry(json_object *d, const char *what, size_t i, const char *fname,
		      struct cg_profile *out, uint64_t *skipped, struct cg_error *e)
{
	struct cg_profile_json_entry x;
	int r = cg_profile_json_entry(d, what, i, fname, true, &x, e);
	if (r < 0)
		return r;
	if (!x.name)
		(*skipped)++;
	else if (out)
		cg_profile_add(out, x.abi, cg_intern(x.name), x.calls, x.errors);
	return 0;
}

/* One pass over a parsed profile: checks it (out NULL), reading its
 * "evidence" into ev, or adds its calls to out. */
static int read_profile(json_object *j, const char *fname, struct cg_profile *out,
			struct cg_evidence *ev, uint64_t *skipped, struct cg_error *e)
{
	json_object *v;
	if (!json_object_is_type(j, json_type_object) ||
	    !json_object_object_get_ex(j, VERSION_KEY, &v)) {
		cg_error_set(e, fname, 0, "expected %s", WHAT_PROFILE);
		return -EINVAL;
	}
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != CG_PROFILE_JSON_VERSION) {
		cg_error_set(e, fname, 0,
			     "unsupported callgroups profile version %s: this callgroups reads "
			     "version %d",
			     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
			     CG_PROFILE_JSON_VERSION);
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
			int r = read_entry(json_object_array_get_idx(v, i), lists[l], i, fname, out,
					   skipped, e);
			if (r < 0)
				return r;
		}
	}
	if (!any) {
		cg_error_set(e, fname, 0, "expected a \"denied\" or \"calls\" array in %s",
			     WHAT_PROFILE);
		return -EINVAL;
	}
	/* The call arguments seen (harden's sessions), read on the checking
	 * pass. */
	if (ev && json_object_object_get_ex(j, "evidence", &v))
		return cg_profile_json_read_evidence(v, fname, ev, e);
	return 0;
}

int input_parse_json(const char *text, size_t len, const char *fname, struct cg_profile *out,
		     struct cg_input_stats *st, struct cg_error *e)
{
	const char *err;
	size_t off;
	_cleanup_json_ json_object *j = cg_profile_json_parse(text, len, &err, &off);
	if (!j) {
		cg_error_set(e, fname, line_of(text, off), "malformed JSON (%s): expected %s", err,
			     WHAT_PROFILE);
		return -EINVAL;
	}
	/* Checked whole first: a rejected file adds nothing to out. */
	uint64_t skipped = 0;
	_cleanup_evidence_ struct cg_evidence *ev = cg_evidence_new();
	int r = read_profile(j, fname, NULL, ev, &skipped, e);
	if (r < 0)
		return r;
	skipped = 0;
	r = read_profile(j, fname, out, NULL, &skipped, e);
	if (r < 0)
		return r;
	cg_evidence_merge(cg_profile_evidence(out), ev);
	if (st) {
		st->lines += line_of(text, len) - (len && text[len - 1] == '\n');
		st->skipped += skipped;
	}
	return 0;
}
