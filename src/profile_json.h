/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups' own JSON profiles ("callgroups_profile": 1), in one place:
 * reading a whole document, the call entries of its lists ({"abi",
 * "syscall", "calls", "errors"}), and its "evidence" member (the lines of
 * evidence.h's section, a string each). Written by `callgroups harden`
 * (sessions: "calls", "manager_calls", "evidence") and by `callgroups run
 * --complain --format=json` ("denied"); read back by the input readers
 * (input_json.c: suggest, check) and by harden. Nothing here prints. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "evidence.h"
#include "names.h"
#include "util.h"

#define CG_PROFILE_JSON_KEY "callgroups_profile"
/* The one version written and read. A writer that changes what a field
 * means bumps it, and readers refuse the file rather than misread it. */
#define CG_PROFILE_JSON_VERSION 1

/* Parses text as one JSON value followed by nothing but white space.
 * Returns the value (the caller puts it), or NULL with *err saying why and
 * *off where (a byte offset). */
json_object *cg_profile_json_parse(const char *text, size_t len, const char **err, size_t *off);

/* {"abi": "x86-64", "syscall": NAME or null (CG_NAME_NONE)}: a new object
 * to which the caller adds its counts. */
json_object *cg_profile_json_call(enum cg_abi abi, cg_name name);

/* A call entry as read: name NULL for "syscall": null (a number that had
 * no name), else pointing into the JSON object (not interned: a reader may
 * check a whole file before it interns anything). */
struct cg_profile_json_entry {
	enum cg_abi abi;
	const char *name;
	uint64_t calls, errors; /* errors 0 when absent */
};

/* Reads entry i of the list named list (for messages) of file fname:
 * "abi", "syscall" (a system call name, or null when null_ok), "calls" and
 * an optional "errors" (counts). -EINVAL with e saying which field. */
int cg_profile_json_entry(json_object *c, const char *list, size_t i, const char *fname,
			  bool null_ok, struct cg_profile_json_entry *out, struct cg_error *e);

/* The "evidence" member for ev (a new array of its section's lines), or
 * NULL when ev has neither an input nor a fact. */
json_object *cg_profile_json_evidence(const struct cg_evidence *ev);
/* Adds the lines of an "evidence" member to ev. -EINVAL with e naming
 * fname and the line that is not one. */
int cg_profile_json_read_evidence(json_object *lines, const char *fname, struct cg_evidence *ev,
				  struct cg_error *e);
