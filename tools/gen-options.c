/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Build-time generator: turns data/options.txt (the seccomp-backed options,
 * their `systemd-analyze security` rows and the evidence rules of each,
 * with their sources) into C for src/options.c. Kinds and values are read
 * with the names of src/evidence_names.c, so a typo fails the build with
 * the file and line.
 *
 *   gen-options data/options.txt > options_builtin.c
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../src/evidence.h"
#include "../src/evidence_names.h"
#include "../src/options.h"

static const char *fname;
static unsigned lineno;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s:%u: ", fname, lineno);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

#define MAX_OPTS 32
#define MAX_ITEMS 64

struct opt {
	char name[64];
	unsigned since;
	uint32_t kinds;
	char doc[512];
	unsigned nrows, nrules, nspell;
	FILE *rows, *rules, *spell; /* initializers, into rows_buf, rules_buf */
	char *rows_buf, *rules_buf, *spell_buf;
	size_t rows_len, rules_len, spell_len;
};

static struct opt opts[MAX_OPTS];
static unsigned nopts;

static struct opt *find_opt(const char *name)
{
	for (unsigned i = 0; i < nopts; i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	die("option %s is used before its 'option' line", name);
	return NULL;
}

/* The word option name takes in its list for value (of fact kind). */
static void spell_line(const char *name, const char *kind, const char *value, const char *word)
{
	struct opt *o = find_opt(name);
	int k = ev_kind_from_name(kind, strlen(kind));
	uint64_t v = 0;
	if (k < 0 || ev_value_parse(ev_kind_syms((unsigned)k), value, strlen(value), 1, &v) < 0)
		die("unknown kind or value '%s %s'", kind, value);
	fprintf(o->spell, "\t{%#llx, ", (unsigned long long)v);
	put_str(o->spell, word);
	fputs("},\n", o->spell);
	o->nspell++;
}

static unsigned version(const char *w)
{
	char *end;
	unsigned long v = strtoul(w, &end, 10);
	if (*end || v > 10000)
		die("expected a systemd version (or 0), got '%s'", w);
	return (unsigned)v;
}

/* Arrays the rules point to, printed before the options. */
static FILE *pre;
static unsigned nitems;

static void row_line(char **w, unsigned n)
{
	if (n != 9)
		die("expected: row NAME FROM TO ID JSON_FIELD WEIGHT RANGE SELECTOR");
	struct opt *o = find_opt(w[1]);
	unsigned from = version(w[2]), to = version(w[3]);
	char *end;
	unsigned long weight = strtoul(w[6], &end, 10);
	if (*end || !weight)
		die("expected a weight, got '%s'", w[6]);
	unsigned long range = strtoul(w[7], &end, 10);
	if (*end || !range)
		die("expected a range, got '%s'", w[7]);
	const char *sel_kind;
	uint64_t sel = 0;
	if (strcmp(w[8], "yes") == 0)
		sel_kind = "CG_SEL_YES";
	else if (strcmp(w[8], "OTHER") == 0)
		sel_kind = "CG_SEL_OTHER_AF";
	else if (ev_symbol(EV_SYM_AF, w[8], strlen(w[8]), &sel) == 0)
		sel_kind = "CG_SEL_FAMILY";
	else if (ev_symbol(EV_SYM_CLONE, w[8], strlen(w[8]), &sel) == 0)
		sel_kind = "CG_SEL_NS";
	else
		die("expected a selector (yes, OTHER, AF_..., CLONE_NEW...), got '%s'", w[8]);
	fprintf(o->rows, "\t{%u, %u, ", from, to);
	put_str(o->rows, w[4]);
	fputs(", ", o->rows);
	if (strcmp(w[5], "-") == 0)
		fputs("NULL", o->rows);
	else
		put_str(o->rows, w[5]);
	fprintf(o->rows, ", %lu, %lu, %s, %#llx},\n", weight, range, sel_kind,
		(unsigned long long)sel);
	o->nrows++;
}

static void rule_line(char **w, unsigned n, const char *why)
{
	if (n < 5)
		die("expected: %s NAME FROM TO KIND [calls=..] [values=..|except=..] | WHY", w[0]);
	struct opt *o = find_opt(w[1]);
	const char *type = strcmp(w[0], "block") == 0	? "CG_RULE_BLOCK"
			   : strcmp(w[0], "allow") == 0 ? "CG_RULE_ALLOW"
							: "CG_RULE_NOTE";
	unsigned from = version(w[2]), to = version(w[3]);
	int kind = ev_kind_from_name(w[4], strlen(w[4]));
	if (kind < 0)
		die("unknown fact kind '%s'", w[4]);
	if (!(o->kinds & CG_FACT_BIT(kind)) && strcmp(w[0], "note") != 0)
		die("kind '%s' is not among the kinds of %s", w[4], o->name);
	unsigned id = nitems++;
	const char *calls = NULL, *values = NULL;
	bool except = false;
	for (unsigned i = 5; i < n; i++) {
		if (strncmp(w[i], "calls=", 6) == 0)
			calls = w[i] + 6;
		else if (strncmp(w[i], "values=", 7) == 0)
			values = w[i] + 7;
		else if (strncmp(w[i], "except=", 7) == 0) {
			values = w[i] + 7;
			except = true;
		} else
			die("expected calls=, values= or except=, got '%s'", w[i]);
	}
	if (calls) {
		fprintf(pre, "static const char *const calls_%u[] = {", id);
		for (const char *p = calls; *p;) {
			const char *c = strchr(p, ',');
			size_t len = c ? (size_t)(c - p) : strlen(p);
			if (!len)
				die("empty name in calls=");
			for (size_t j = 0; j < len; j++)
				if (!((p[j] >= 'a' && p[j] <= 'z') ||
				      (p[j] >= '0' && p[j] <= '9') || p[j] == '_'))
					die("bad system call name in calls=%s", calls);
			fprintf(pre, "\"%.*s\", ", (int)len, p);
			p += len + (c ? 1 : 0);
		}
		fputs("NULL};\n", pre);
	}
	size_t nvalues = 0;
	if (values) {
		fprintf(pre, "static const uint64_t values_%u[] = {", id);
		for (const char *p = values; *p;) {
			const char *c = strchr(p, ',');
			size_t len = c ? (size_t)(c - p) : strlen(p);
			uint64_t v;
			if (ev_value_parse(ev_kind_syms((unsigned)kind), p, len, 1, &v) < 0)
				die("unknown value '%.*s' for kind %s", (int)len, p, w[4]);
			fprintf(pre, "%#llx, ", (unsigned long long)v);
			nvalues++;
			p += len + (c ? 1 : 0);
		}
		fputs("};\n", pre);
	}
	if (!why || !*why)
		die("expected '| WHY' at the end of the %s line", w[0]);
	FILE *f = o->rules;
	fprintf(f, "\t{%s, %u, %u, %d, ", type, from, to, kind);
	if (calls)
		fprintf(f, "calls_%u, ", id);
	else
		fputs("NULL, ", f);
	if (values)
		fprintf(f, "values_%u, %zu, %s, ", id, nvalues, except ? "true" : "false");
	else
		fputs("NULL, 0, false, ", f);
	put_str(f, why);
	fputs("},\n", f);
	o->nrules++;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-options OPTIONS.txt\n");
		return 2;
	}
	fname = argv[1];
	FILE *in = fopen(fname, "r");
	if (!in) {
		fprintf(stderr, "gen-options: %s: %s\n", fname, strerror(errno));
		return 1;
	}
	char *pre_buf = NULL;
	size_t pre_len = 0;
	pre = open_memstream(&pre_buf, &pre_len);
	char line[2048];
	while (fgets(line, sizeof line, in)) {
		lineno++;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(in))
			die("line too long");
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *why = strstr(line, " | ");
		if (why) {
			*why = '\0';
			why += 3;
		}
		char *w[MAX_ITEMS];
		unsigned n = 0;
		for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
			if (n == MAX_ITEMS)
				die("too many words");
			w[n++] = tok;
		}
		if (n == 0)
			continue;
		if (strcmp(w[0], "option") == 0) {
			if (n != 4 || !why)
				die("expected: option NAME SINCE KIND,KIND | WHAT SYSTEMD DOES");
			if (nopts == MAX_OPTS)
				die("too many options");
			size_t nl = strlen(w[1]);
			if (nl < 2 || nl >= sizeof opts[0].name || w[1][nl - 1] != '=')
				die("expected an option name ending in '=', got '%s'", w[1]);
			for (unsigned i = 0; i < nopts; i++)
				if (strcmp(opts[i].name, w[1]) == 0)
					die("option %s given twice", w[1]);
			struct opt *o = &opts[nopts++];
			snprintf(o->name, sizeof o->name, "%s", w[1]);
			o->since = version(w[2]);
			for (char *p = w[3]; *p;) {
				char *c = strchr(p, ',');
				size_t kl = c ? (size_t)(c - p) : strlen(p);
				int k = ev_kind_from_name(p, kl);
				if (k < 0)
					die("unknown fact kind '%.*s'", (int)kl, p);
				o->kinds |= CG_FACT_BIT(k);
				p += kl + (c ? 1 : 0);
			}
			snprintf(o->doc, sizeof o->doc, "%s", why);
			o->rows = open_memstream(&o->rows_buf, &o->rows_len);
			o->rules = open_memstream(&o->rules_buf, &o->rules_len);
			o->spell = open_memstream(&o->spell_buf, &o->spell_len);
		} else if (strcmp(w[0], "row") == 0) {
			if (why)
				die("a row line has no '| ...'");
			row_line(w, n);
		} else if (strcmp(w[0], "block") == 0 || strcmp(w[0], "allow") == 0 ||
			   strcmp(w[0], "note") == 0) {
			rule_line(w, n, why);
		} else if (strcmp(w[0], "namespace") == 0) {
			/* "namespace WORD CLONE_FLAG SINCE [extra]" (src/optbook.c
			 * reads the rest): also the word RestrictNamespaces=
			 * takes for that flag, but for the extra kinds, which
			 * no fact of the evidence names. */
			if (why || n < 4)
				die("expected: namespace WORD CLONE_FLAG SINCE [extra]");
			if (n == 4)
				spell_line("RestrictNamespaces=", "namespace", w[2], w[1]);
		} else if (strcmp(w[0], "parse") == 0 || strcmp(w[0], "keyword") == 0 ||
			   strcmp(w[0], "rule") == 0 || strcmp(w[0], "setrule") == 0 ||
			   strcmp(w[0], "mdwe") == 0) {
			/* How units set the option and what systemd loads for
			 * it: read by src/optbook.c (tools/gen-optbook.c). */
		} else {
			die("expected option, row, block, allow, note or a line of "
			    "src/optbook.c, got '%s'",
			    w[0]);
		}
	}
	fclose(in);
	if (!nopts)
		die("no option");
	for (unsigned i = 0; i < nopts; i++)
		if (!opts[i].nrows)
			die("option %s has no row", opts[i].name);
	fclose(pre);
	printf("/* Generated by tools/gen-options.c from %s: do not edit. */\n", fname);
	printf("#include \"options.h\"\n\n");
	fputs(pre_buf, stdout);
	for (unsigned i = 0; i < nopts; i++) {
		fclose(opts[i].rows);
		fclose(opts[i].rules);
		printf("static const struct cg_opt_row rows_%u[] = {\n%s};\n", i, opts[i].rows_buf);
		if (opts[i].nrules)
			printf("static const struct cg_opt_rule rules_%u[] = {\n%s};\n", i,
			       opts[i].rules_buf);
		fclose(opts[i].spell);
		if (opts[i].nspell)
			printf("static const struct cg_opt_spelling spell_%u[] = {\n%s};\n", i,
			       opts[i].spell_buf);
		free(opts[i].rows_buf);
		free(opts[i].rules_buf);
		free(opts[i].spell_buf);
	}
	printf("const struct cg_option_def cg_options_builtin[] = {\n");
	for (unsigned i = 0; i < nopts; i++) {
		printf("\t{");
		put_str(stdout, opts[i].name);
		printf(", %u, %#x, ", opts[i].since, opts[i].kinds);
		put_str(stdout, opts[i].doc);
		printf(", rows_%u, %u, ", i, opts[i].nrows);
		if (opts[i].nrules)
			printf("rules_%u, %u, ", i, opts[i].nrules);
		else
			printf("NULL, 0, ");
		if (opts[i].nspell)
			printf("spell_%u, %u},\n", i, opts[i].nspell);
		else
			printf("NULL, 0},\n");
	}
	printf("};\nconst size_t cg_options_builtin_n = %u;\n", nopts);
	free(pre_buf);
	return 0;
}
