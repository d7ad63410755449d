/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
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
	die(CG_EXIT_USAGE, "--format=%s: expected text, json%s", s, allow_dropin ? " or dropin" : "");
}

const struct cg_table *cli_load_table(const char *spec)
{
	const struct cg_table *t;
	struct cg_error e = {0};
	if (cg_table_load(spec, &t, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	return t;
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
		case 's': *spec = optarg; break;
		case 'j': *json = true; break;
		case 'f': *json = cli_parse_format(optarg, false) == CG_FMT_JSON; break;
		case 'h': usage(stdout); return CG_EXIT_OK;
		default: usage(stderr); return CG_EXIT_USAGE;
		}
	}
	return -1;
}
