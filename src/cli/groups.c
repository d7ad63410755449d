/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups groups: list groups as `systemd-analyze syscall-filter` does. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: callgroups groups [--systemd=auto|VERSION|FILE] [--format=json] [@GROUP...]\n\n"
		"List systemd's system call groups and their members, as\n"
		"'systemd-analyze syscall-filter' prints them.\n\n"
		"  --systemd=SPEC  auto (the local systemd, else the newest shipped table),\n"
		"                  a shipped version (%s), or a file\n"
		"                  saved from 'systemd-analyze syscall-filter'\n"
		"  --format=FMT    text (default) or json: [{\"name\", \"description\", \"members\",\n"
		"                  \"expanded\"}]; --json is the same as --format=json\n"
		"  -h, --help      show this help\n\n"
		"Examples:\n"
		"  callgroups groups @basic-io @file-system\n"
		"  callgroups groups --systemd=247 @default\n",
		cg_table_builtin_list());
}

int cmd_groups(int argc, char **argv)
{
	const char *spec = NULL;
	bool json = false;
	int rc = cli_parse_table_opts(argc, argv, usage, &spec, &json);
	if (rc >= 0)
		return rc;
	const struct cg_table *t = cli_load_table(spec);
	for (int i = optind; i < argc; i++)
		if (!cg_table_find(t, argv[i])) {
			fprintf(stderr, "callgroups: %s: no such group in systemd %s\n", argv[i],
				t->version[0] ? t->version : t->source);
			cg_table_free(t);
			return CG_EXIT_USAGE;
		}

	json_object *arr = json ? json_object_new_array() : NULL;
	bool first = true;
	for (size_t g = 0; g < t->ngroups; g++) {
		const struct cg_group *grp = &t->groups[g];
		bool wanted = optind >= argc;
		for (int i = optind; i < argc; i++)
			wanted |= strcmp(argv[i], grp->name) == 0;
		if (!wanted)
			continue;
		if (json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "name", json_object_new_string(grp->name));
			json_object_object_add(o, "description",
					       json_object_new_string(grp->description));
			json_object *m = json_object_new_array();
			for (size_t i = 0; i < grp->nmembers; i++)
				json_object_array_add(m, json_object_new_string(grp->members[i]));
			json_object_object_add(o, "members", m);
			_cleanup_set_ struct cg_set *s = cg_set_new();
			(void)cg_table_expand(t, grp->name, s);
			const char **v;
			size_t n = cg_set_sorted(s, &v);
			json_object *x = json_object_new_array();
			for (size_t i = 0; i < n; i++)
				json_object_array_add(x, json_object_new_string(v[i]));
			free(v);
			json_object_object_add(o, "expanded", x);
			json_object_array_add(arr, o);
			continue;
		}
		if (!first)
			putchar('\n');
		first = false;
		printf("%s\n", grp->name);
		if (grp->description[0])
			printf("    # %s\n", grp->description);
		for (size_t i = 0; i < grp->nmembers; i++)
			printf("    %s\n", grp->members[i]);
	}
	if (json) {
		puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
	}
	cg_table_free(t);
	return CG_EXIT_OK;
}
