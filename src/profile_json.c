/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "profile_json.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

json_object *cg_profile_json_parse(const char *text, size_t len, const char **err, size_t *off)
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

json_object *cg_profile_json_call(enum cg_abi abi, cg_name name)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "abi", json_object_new_string(cg_abi_name(abi)));
	json_object_object_add(o, "syscall",
			       name != CG_NAME_NONE ? json_object_new_string(cg_name_str(name))
						    : NULL);
	return o;
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

/* A system call name as the readers take one: a-z or _ first, then a-z,
 * 0-9 and _, at most 63 bytes. */
static bool is_call_name(const char *s, size_t n)
{
	if (n == 0 || n > 63 || strlen(s) != n || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int cg_profile_json_entry(json_object *c, const char *list, size_t i, const char *fname,
			  bool null_ok, struct cg_profile_json_entry *out, struct cg_error *e)
{
	json_object *v;
	if (!json_object_is_type(c, json_type_object)) {
		cg_error_set(e, fname, 0, "%s[%zu]: expected an object", list, i);
		return -EINVAL;
	}
	if (!json_object_object_get_ex(c, "abi", &v) || !json_object_is_type(v, json_type_string) ||
	    cg_abi_from_name(json_object_get_string(v), &out->abi) < 0) {
		cg_error_set(e, fname, 0, "%s[%zu].abi: expected \"x86-64\", \"x86\" or \"x32\"",
			     list, i);
		return -EINVAL;
	}
	if (!get_count(c, "calls", &out->calls)) {
		cg_error_set(e, fname, 0, "%s[%zu].calls: expected a count (an integer >= 0)", list,
			     i);
		return -EINVAL;
	}
	out->errors = 0;
	if (json_object_object_get_ex(c, "errors", NULL) && !get_count(c, "errors", &out->errors)) {
		cg_error_set(e, fname, 0, "%s[%zu].errors: expected a count (an integer >= 0)",
			     list, i);
		return -EINVAL;
	}
	bool has = json_object_object_get_ex(c, "syscall", &v);
	if (has && !v && null_ok) {
		out->name = NULL;
		return 0;
	}
	if (!has || !json_object_is_type(v, json_type_string) ||
	    !is_call_name(json_object_get_string(v), (size_t)json_object_get_string_len(v))) {
		cg_error_set(e, fname, 0,
			     "%s[%zu].syscall: expected a system call name (a-z, 0-9 and _)%s",
			     list, i, null_ok ? " or null" : "");
		return -EINVAL;
	}
	out->name = json_object_get_string(v);
	return 0;
}

json_object *cg_profile_json_evidence(const struct cg_evidence *ev)
{
	if (!cg_evidence_inputs(ev) && !cg_evidence_count(ev))
		return NULL;
	char *text = cg_evidence_format(ev);
	json_object *lines = json_object_new_array();
	for (char *l = text, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		json_object_array_add(
			lines, json_object_new_string_len(l, nl ? (int)(nl - l) : (int)strlen(l)));
	}
	free(text);
	return lines;
}

int cg_profile_json_read_evidence(json_object *lines, const char *fname, struct cg_evidence *ev,
				  struct cg_error *e)
{
	if (!json_object_is_type(lines, json_type_array)) {
		cg_error_set(e, fname, 0, "\"evidence\": expected an array of strings");
		return -EINVAL;
	}
	size_t n = json_object_array_length(lines);
	for (size_t i = 0; i < n; i++) {
		json_object *l = json_object_array_get_idx(lines, i);
		const char *why = "an evidence line";
		if (!json_object_is_type(l, json_type_string) ||
		    cg_evidence_parse_line(
			    ev, json_object_get_string(l),
			    json_object_get_string(l) + json_object_get_string_len(l), &why) != 1) {
			cg_error_set(e, fname, 0, "evidence[%zu]: expected %s", i, why);
			return -EINVAL;
		}
	}
	return 0;
}
