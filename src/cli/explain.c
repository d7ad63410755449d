/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups explain: which groups hold a call, in every shipped systemd
 * version and the local one. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "abi.h"
#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: callgroups explain [--systemd=SPEC] [--format=json] SYSCALL...\n\n"
		"Say which of systemd's groups hold each system call, in every shipped systemd\n"
		"version (%s) and in the one --systemd names (auto: the local one),\n"
		"whether it is in @default (allowed by every allow-list), and its number per ABI.\n\n"
		"  --systemd=SPEC  the extra table to show: auto, VERSION or FILE (default auto)\n"
		"  --format=FMT    text (default) or json; --json is the same as --format=json\n"
		"  -h, --help      show this help\n\n"
		"Example:\n"
		"  callgroups explain chown mprotect\n",
		cg_table_builtin_list());
}

/* The groups holding name, in table order (cg_table_groups_holding()). */
static json_object *groups_of(const struct cg_table *t, cg_name name, bool *in_default)
{
	json_object *arr = json_object_new_array();
	*in_default = false;
	const struct cg_group **v;
	size_t n = cg_table_groups_holding(t, name, &v);
	for (size_t g = 0; g < n; g++) {
		if (strcmp(v[g]->name, "@default") == 0)
			*in_default = true;
		json_object_array_add(arr, json_object_new_string(v[g]->name));
	}
	free(v);
	return arr;
}

static json_object *explain_one(const char *call, const struct cg_table *extra)
{
	cg_name n = cg_intern(call);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "syscall", json_object_new_string(call));
	json_object *nrs = json_object_new_object();
	for (int a = 0; a < CG_ABI_COUNT; a++) {
		int nr = cg_abi_resolve(a, call);
		json_object_object_add(nrs, cg_abi_name(a),
				       nr >= 0 ? json_object_new_int(nr) : NULL);
	}
	json_object_object_add(o, "numbers", nrs);
	json_object *vers = json_object_new_array();
	size_t nt = cg_table_builtin_count();
	for (size_t i = 0; i <= nt; i++) {
		const struct cg_table *t = i < nt ? cg_table_builtin(i) : extra;
		if (i == nt && (!extra || !extra->arena))
			break; /* the extra table is a shipped one, already shown */
		bool in_default;
		json_object *v = json_object_new_object();
		char label[256];
		json_object_object_add(v, "systemd", json_object_new_string(t->version));
		json_object_object_add(
			v, "table", json_object_new_string(cg_table_label(t, label, sizeof label)));
		json_object_object_add(v, "groups", groups_of(t, n, &in_default));
		json_object_object_add(v, "in_default", json_object_new_boolean(in_default));
		_cleanup_set_ struct cg_set *known = cg_set_new();
		cg_table_known(t, known);
		json_object_object_add(v, "known", json_object_new_boolean(cg_set_has(known, n)));
		json_object_array_add(vers, v);
	}
	json_object_object_add(o, "versions", vers);
	return o;
}

static void print_text(json_object *o)
{
	printf("%s\n", json_object_get_string(json_object_object_get(o, "syscall")));
	json_object *nrs = json_object_object_get(o, "numbers");
	printf("  numbers:");
	bool any = false;
	json_object_object_foreach(nrs, abi, nr)
	{
		if (nr) {
			printf(" %s %d", abi, json_object_get_int(nr));
			any = true;
		}
	}
	printf("%s\n", any ? "" : " unknown to the local libseccomp on every ABI");
	json_object *vers = json_object_object_get(o, "versions");
	/* One column for the groups, whatever the longest table label. */
	int width = 0;
	for (size_t i = 0; i < json_object_array_length(vers); i++) {
		json_object *t =
			json_object_object_get(json_object_array_get_idx(vers, i), "table");
		if (json_object_get_string_len(t) > width)
			width = json_object_get_string_len(t);
	}
	for (size_t i = 0; i < json_object_array_length(vers); i++) {
		json_object *v = json_object_array_get_idx(vers, i);
		json_object *g = json_object_object_get(v, "groups");
		printf("  %-*s  ", width,
		       json_object_get_string(json_object_object_get(v, "table")));
		if (!json_object_get_boolean(json_object_object_get(v, "known"))) {
			printf("not known to this systemd\n");
			continue;
		}
		if (!json_object_array_length(g))
			printf("in no group but @known");
		for (size_t k = 0; k < json_object_array_length(g); k++)
			printf("%s%s", k ? " " : "",
			       json_object_get_string(json_object_array_get_idx(g, k)));
		printf("%s\n", json_object_get_boolean(json_object_object_get(v, "in_default"))
				       ? "  (in @default: every allow-list permits it)"
				       : "");
	}
}

int cmd_explain(int argc, char **argv)
{
	const char *spec = NULL;
	bool json = false;
	int rc = cli_parse_table_opts(argc, argv, usage, &spec, &json);
	if (rc >= 0)
		return rc;
	if (optind >= argc) {
		usage(stderr);
		return CG_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++)
		if (argv[i][0] == '@')
			die(CG_EXIT_USAGE, "%s is a group: 'callgroups groups %s' lists it",
			    argv[i], argv[i]);
	const struct cg_table *extra = cli_load_table(spec);
	json_object *all = json_object_new_array();
	for (int i = optind; i < argc; i++) {
		json_object *o = explain_one(argv[i], extra);
		if (!json)
			print_text(o);
		json_object_array_add(all, o);
	}
	if (json)
		puts(json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(all);
	cg_table_free(extra);
	return CG_EXIT_OK;
}
