/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void die(int code, const char *fmt, ...)
{
	va_list ap;
	fputs("callgroups: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

void die_error(int code, const struct cg_error *e)
{
	char buf[1024];
	die(code, "%s", cg_error_format(e, buf, sizeof buf));
}

void warnx_(const char *fmt, ...)
{
	va_list ap;
	fputs("callgroups: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

enum cg_output_format cli_parse_format(const char *s, bool allow_dropin)
{
	if (strcmp(s, "text") == 0)
		return CG_FMT_TEXT;
	if (strcmp(s, "json") == 0)
		return CG_FMT_JSON;
	if (allow_dropin && strcmp(s, "dropin") == 0)
		return CG_FMT_DROPIN;
	die(CG_EXIT_USAGE, "--format=%s: expected text, json%s", s,
	    allow_dropin ? " or dropin" : "");
}

const struct cg_table *cli_load_table(const char *spec)
{
	const struct cg_table *t;
	struct cg_error e = {0};
	/* One table is asked for here: "all" and lists mean something only
	 * where versions are compared (cli_load_targets()). */
	if (spec && (strcmp(spec, "all") == 0 || strchr(spec, ',')))
		die(CG_EXIT_USAGE,
		    "--systemd=%s: this command reads one table (auto, a version or a file); "
		    "several versions are for suggest, trace and check",
		    spec);
	if (cg_table_load(spec, &t, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	return t;
}

/* The version number of a table, for ordering: 0 when it has none. */
static long table_version(const struct cg_table *t)
{
	return strtol(t->version, NULL, 10);
}

const struct cg_table *cli_load_targets(const char *spec, const struct cg_table ***targets,
					size_t *ntargets)
{
	*targets = NULL;
	*ntargets = 0;
	if (!spec || (!strchr(spec, ',') && strcmp(spec, "all") != 0))
		return cli_load_table(spec);
	size_t cap = cg_table_builtin_count() + 8, n = 0;
	const struct cg_table **v = xcalloc(cap, sizeof *v);
	if (strcmp(spec, "all") == 0) {
		v[n++] = cli_load_table("auto");
		for (size_t i = 0; i < cg_table_builtin_count(); i++)
			if (strcmp(cg_table_builtin(i)->version, v[0]->version) != 0)
				v[n++] = cg_table_builtin(i);
	} else {
		_cleanup_free_ char *copy = xstrdup(spec);
		char *save = NULL;
		for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			if (n == cap)
				die(CG_EXIT_USAGE, "--systemd=%s: too many versions", spec);
			v[n++] = cli_load_table(w);
		}
		if (!n)
			die(CG_EXIT_USAGE, "--systemd=%s: no version given", spec);
		/* The newest listed is the primary: its groups build the lines. */
		size_t newest = 0;
		for (size_t i = 1; i < n; i++)
			if (table_version(v[i]) > table_version(v[newest]))
				newest = i;
		const struct cg_table *tmp = v[0];
		v[0] = v[newest];
		v[newest] = tmp;
	}
	const struct cg_table *primary = v[0];
	memmove(v, v + 1, (n - 1) * sizeof *v);
	*targets = v;
	*ntargets = n - 1;
	return primary;
}

void cli_free_tables(const struct cg_table **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cg_table_free(v[i]);
	free(v);
}

int cli_parse_table_opts(int argc, char **argv, void (*usage)(FILE *), const char **spec,
			 bool *json)
{
	static const struct option opts[] = {
		{"systemd", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			*spec = optarg;
			break;
		case 'j':
			*json = true;
			break;
		case 'f':
			*json = cli_parse_format(optarg, false) == CG_FMT_JSON;
			break;
		case 'h':
			usage(stdout);
			return CG_EXIT_OK;
		default:
			usage(stderr);
			return CG_EXIT_USAGE;
		}
	}
	return -1;
}
