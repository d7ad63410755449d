/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups check: what a unit's system call settings would do to the
 * observed calls of a workload, the smallest fix, pitfalls, exposure, and
 * the same check against other systemd versions' tables. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "spawn.h"
#include "exposure.h"
#include "input.h"
#include "unitfile.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: callgroups check [OPTIONS] UNIT|FILE|- [PROFILE...]\n"
		"       callgroups check [OPTIONS] --filter=LINE... [PROFILE...]\n\n"
		"Read a unit's SystemCallFilter=, SystemCallErrorNumber=, SystemCallArchitectures=\n"
		"and SystemCallLog= as systemd does (unit file and drop-ins on the unit search\n"
		"path, or a unit file by path, or `systemctl cat UNIT` output on stdin as -).\n\n"
		"With PROFILEs (anything `suggest` reads: strace -c tables, strace logs, lists):\n"
		"every observed call the unit would deny, what happens to it (SIGSYS or which\n"
		"errno), and the smallest change that lets it through, as lines to paste.\n"
		"Exit 1 when a call would be denied.\n"
		"Without: the allowed set by group, the exposure rows of systemd-analyze security,\n"
		"and warnings about known pitfalls.\n\n"
		"  --root=DIR            look the unit up under DIR\n"
		"  --filter=LINE         a SystemCallFilter= value (repeatable; instead of a unit)\n"
		"  --errno=ERRNO         SystemCallErrorNumber= (with --filter)\n"
		"  --architectures=LIST  SystemCallArchitectures= (with --filter)\n"
		"  --systemd=SPEC        auto, VERSION, FILE, a list 247,252,... or all: a list\n"
		"                        checks against each version (the newest is the reference)\n"
		"  --no-analyze          do not run systemd-analyze security\n"
		"  --json                print JSON\n"
		"  -h, --help            show this help\n\n"
		"Examples:\n"
		"  callgroups check nginx.service nginx-strace-f-c.txt\n"
		"  systemctl cat nginx.service | callgroups check - trace.txt\n"
		"  callgroups check --systemd=all ./my.service\n"
		"  callgroups check --filter='@system-service' --filter='~@privileged' list.txt\n");
}

struct opts {
	const char *root, *spec;
	bool json, no_analyze;
	struct cg_unit_settings unit;
	bool by_hand;
	const char *target;
	const struct cg_table *table;       /* the reference table */
	const struct cg_table **port;       /* --systemd=list: each version */
	size_t nport;
	bool free_table;
};

/* ---- systemd-analyze security ------------------------------------------ */

/* Runs argv, returns its stdout (NULL when it could not run). */
static char *capture(char *const argv[])
{
	static char *const env[] = {"SYSTEMD_COLORS=0", "SYSTEMD_PAGER=cat", NULL};
	size_t len;
	int code;
	char *out = cg_spawn_capture(argv, env, &len, &code);
	if (out && code == 127) {
		free(out);
		return NULL;
	}
	return out;
}

/* "Overall exposure level for NAME: 8.0 EXPOSED" -> 80; -1 when absent. */
static int parse_overall(const char *out)
{
	const char *p = out ? strstr(out, "Overall exposure level for ") : NULL;
	if (!p)
		return -1;
	p = strstr(p, ": ");
	unsigned a, b;
	if (!p || sscanf(p + 2, "%u.%u", &a, &b) != 2)
		return -1;
	return (int)(a * 10 + b);
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static bool write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

static char *settings_text(const struct cg_unit_settings *u)
{
	size_t cap = 256, len = 0;
	char *s = xmalloc(cap);
	len = (size_t)snprintf(s, cap, "[Service]\nExecStart=/bin/true\n");
	for (int pass = 0; pass < 2; pass++) {
		const struct cg_unit_line *v = pass ? u->log : u->filter;
		size_t n = pass ? u->nlog : u->nfilter;
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *l = xasprintf("%s=%s\n", pass ? "SystemCallLog" :
								      "SystemCallFilter", v[i].value);
			xgrow((void **)&s, &cap, len + strlen(l) + 1, 1);
			len += (size_t)sprintf(s + len, "%s", l);
		}
	}
	const struct cg_unit_line *extra[] = {&u->errno_src, &u->archs_src};
	const char *keys[] = {"SystemCallErrorNumber", "SystemCallArchitectures"};
	for (size_t i = 0; i < 2; i++)
		if (extra[i]->value) {
			_cleanup_free_ char *l = xasprintf("%s=%s\n", keys[i], extra[i]->value);
			xgrow((void **)&s, &cap, len + strlen(l) + 1, 1);
			len += (size_t)sprintf(s + len, "%s", l);
		}
	if (u->user) {
		_cleanup_free_ char *l = xasprintf("User=%s\n", u->user);
		xgrow((void **)&s, &cap, len + strlen(l) + 1, 1);
		len += (size_t)sprintf(s + len, "%s", l);
	}
	if (u->dynamic_user) {
		xgrow((void **)&s, &cap, len + 20, 1);
		len += (size_t)sprintf(s + len, "DynamicUser=yes\n");
	}
	return s;
}

/* The overall exposure systemd-analyze prints for a copy of the unit
 * (fragment and drop-ins as read), and for the copy with fix lines added
 * as a last drop-in. -1 where it could not run. Only for services. */
static void analyze(const struct opts *o, const struct cg_check_result *r, int *before,
		    int *after)
{
	*before = *after = -1;
	const struct cg_unit_settings *u = &o->unit;
	const char *name = u->name && !o->by_hand ? u->name : "callgroups-check.service";
	size_t nl = strlen(name);
	if (nl < 8 || strcmp(name + nl - 8, ".service") != 0)
		return;
	char dir[] = "/tmp/callgroups-check.XXXXXX";
	if (!mkdtemp(dir))
		return;
	_cleanup_free_ char *unit = xasprintf("%s/%s", dir, name);
	_cleanup_free_ char *ddir = xasprintf("%s.d", unit);
	bool ok = mkdir(ddir, 0755) == 0;
	if (ok && u->fragment && !o->by_hand && access(u->fragment, R_OK) == 0) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		struct cg_error e = {0};
		ok = cg_read_file(u->fragment, &text, &len, &e) == 0 && write_text(unit, text);
		for (size_t i = 0; ok && i < u->ndropins; i++) {
			const char *b = strrchr(u->dropins[i], '/');
			_cleanup_free_ char *dst = xasprintf("%s/%03zu-%s", ddir, i, b ? b + 1 : "x");
			_cleanup_free_ char *dt = NULL;
			ok = cg_read_file(u->dropins[i], &dt, &len, &e) == 0 && write_text(dst, dt);
		}
	} else if (ok) {
		_cleanup_free_ char *text = settings_text(u);
		ok = write_text(unit, text);
	}
	if (ok) {
		char *argv[] = {"systemd-analyze", "security", "--offline=true", unit, NULL};
		_cleanup_free_ char *out = capture(argv);
		*before = parse_overall(out);
	}
	if (ok && *before >= 0 && r->nfix) {
		_cleanup_free_ char *fix = xstrdup("[Service]\n");
		for (size_t i = 0; i < r->nfix; i++) {
			char *f = xasprintf("%s%s\n", fix, r->fix_lines[i]);
			free(fix);
			fix = f;
		}
		_cleanup_free_ char *dst = xasprintf("%s/999-callgroups-fix.conf", ddir);
		if (write_text(dst, fix)) {
			char *argv[] = {"systemd-analyze", "security", "--offline=true", unit, NULL};
			_cleanup_free_ char *out = capture(argv);
			*after = parse_overall(out);
		}
	}
	nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- output ------------------------------------------------------------- */

static const char *action_text(const struct cg_check_denial *d, char *buf, size_t len)
{
	switch (d->action) {
	case CG_DENY_KILL:
		return "killed (SIGSYS)";
	case CG_DENY_ARCH:
		return "thread killed (SIGSYS, ABI not allowed)";
	case CG_DENY_ERRNO:
		snprintf(buf, len, "fails with %s%s", cg_errno_name(d->err),
			 d->entry_errno ? " (entry's :errno)" : "");
		return buf;
	}
	return "?";
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *set_json(const struct cg_set *s)
{
	json_object *a = json_object_new_array();
	const char **v;
	size_t n = cg_set_sorted(s, &v);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	free(v);
	return a;
}

static void print_set(FILE *out, const struct cg_set *s, size_t max)
{
	const char **v;
	size_t n = cg_set_sorted(s, &v);
	for (size_t i = 0; i < n && i < max; i++)
		fprintf(out, "%s%s", i ? " " : "", v[i]);
	if (n > max)
		fprintf(out, " ... (%zu more)", n - max);
	free(v);
}

static const char *mode_name(const struct cg_check_result *r)
{
	return !r->filtered ? "none" : r->allow_list ? "allow-list" : "deny-list";
}

/* ---- the command -------------------------------------------------------- */

static void load_tables(struct opts *o)
{
	const char *spec = o->spec;
	if (spec && (strchr(spec, ',') || strcmp(spec, "all") == 0)) {
		if (strcmp(spec, "all") == 0) {
			o->nport = cg_table_builtin_count();
			o->port = xcalloc(o->nport, sizeof *o->port);
			for (size_t i = 0; i < o->nport; i++)
				o->port[i] = cg_table_builtin(i);
		} else {
			_cleanup_free_ char *copy = xstrdup(spec);
			char *save = NULL;
			for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
				const struct cg_table *t = cg_table_builtin_version(w);
				if (!t)
					die(CG_EXIT_USAGE,
					    "--systemd=%s: no shipped table for %s (shipped: %s)", spec, w,
					    cg_table_builtin_list());
				o->port = xrealloc(o->port, (o->nport + 1) * sizeof *o->port);
				o->port[o->nport++] = t;
			}
		}
		/* The newest listed is the reference. */
		o->table = o->port[0];
		for (size_t i = 1; i < o->nport; i++)
			if (atoi(o->port[i]->version) > atoi(o->table->version))
				o->table = o->port[i];
	} else {
		o->table = cli_load_table(spec);
		o->free_table = true;
	}
}

static void read_unit(struct opts *o)
{
	struct cg_error e = {0};
	int r;
	if (strcmp(o->target, "-") == 0) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (cg_read_file("-", &text, &len, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
		r = cg_unit_parse_cat(&o->unit, text, "<stdin>", &e);
		if (!o->unit.name)
			o->unit.name = xstrdup("stdin.service");
	} else {
		r = cg_unit_load(o->target, o->root, &o->unit, &e);
	}
	if (r < 0)
		die_error(CG_EXIT_USAGE, &e);
}

int cmd_check(int argc, char **argv)
{
	enum { OPT_ROOT = 256, OPT_SYSTEMD, OPT_FILTER, OPT_ERRNO, OPT_ARCHS, OPT_JSON, OPT_NOAN };
	static const struct option longopts[] = {
		{"root", required_argument, NULL, OPT_ROOT},
		{"systemd", required_argument, NULL, OPT_SYSTEMD},
		{"filter", required_argument, NULL, OPT_FILTER},
		{"errno", required_argument, NULL, OPT_ERRNO},
		{"architectures", required_argument, NULL, OPT_ARCHS},
		{"json", no_argument, NULL, OPT_JSON},
		{"no-analyze", no_argument, NULL, OPT_NOAN},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct opts o = {0};
	cg_unit_settings_init(&o.unit);
	struct cg_error e = {0};
	unsigned hand_line = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			o.root = optarg;
			break;
		case OPT_SYSTEMD:
			o.spec = optarg;
			break;
		case OPT_FILTER:
		case OPT_ERRNO:
		case OPT_ARCHS: {
			const char *key = c == OPT_FILTER  ? "SystemCallFilter"
					  : c == OPT_ERRNO ? "SystemCallErrorNumber"
							   : "SystemCallArchitectures";
			o.by_hand = true;
			(void)cg_unit_add_setting(&o.unit, key, optarg, "--option", ++hand_line, &e);
			break;
		}
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_NOAN:
			o.no_analyze = true;
			break;
		case 'h':
			usage(stdout);
			return CG_EXIT_OK;
		default:
			usage(stderr);
			return CG_EXIT_USAGE;
		}
	}
	if (!o.by_hand) {
		if (optind >= argc) {
			usage(stderr);
			return CG_EXIT_USAGE;
		}
		o.target = argv[optind++];
		read_unit(&o);
	} else {
		o.unit.name = xstrdup("callgroups-check.service");
	}
	load_tables(&o);

	/* The profile: every input merged. */
	_cleanup_profile_ struct cg_profile *p = NULL;
	if (optind < argc) {
		p = cg_profile_new();
		for (int i = optind; i < argc; i++) {
			if (strcmp(argv[i], "-") == 0 && o.target && strcmp(o.target, "-") == 0)
				die(CG_EXIT_USAGE, "stdin already holds the unit; give the profile as a file");
			if (cg_input_read(argv[i], NULL, p, NULL, &e) < 0)
				die_error(CG_EXIT_USAGE, &e);
		}
	}

	struct cg_check_result r;
	cg_check_result_init(&r);
	if (cg_check_run(&o.unit, o.table, p, &r, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);

	struct cg_filter f, logf;
	cg_filter_init(&f);
	cg_filter_init(&logf);
	if (cg_unit_apply(&o.unit, o.table, &f, &e) < 0 ||
	    cg_unit_apply_log(&o.unit, o.table, &logf, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);

	/* Observed calls that pass and SystemCallLog= logs. */
	_cleanup_set_ struct cg_set *logged = cg_set_new();
	if (p && logf.active)
		for (size_t i = 0; i < cg_profile_count(p); i++) {
			const struct cg_profile_entry *pe = cg_profile_at(p, i);
			if (cg_filter_allows(&f, pe->name) && cg_unit_logs(&logf, pe->name))
				cg_set_add(logged, pe->name);
		}

	struct cg_group_use *uses = NULL;
	size_t nuses = p ? 0 : cg_check_group_use(&f, o.table, &uses);

	struct cg_exposure x;
	uint64_t wt = cg_exposure_weight_total(o.table->version,
					       cg_unit_runs_privileged(&o.unit), NULL);
	bool have_x = cg_exposure_compute(o.table, &f, &o.unit.archs, wt, &x) == 0;

	int sa_before = -1, sa_after = -1;
	if (!o.no_analyze)
		analyze(&o, &r, &sa_before, &sa_after);

	struct cg_port_result *port = NULL;
	if (o.nport) {
		port = xcalloc(o.nport, sizeof *port);
		if (cg_check_portability(&o.unit, o.table, o.port, o.nport, p, port, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
	}
	bool port_broken = false;
	for (size_t i = 0; i < o.nport; i++)
		if (p && !cg_set_empty(port[i].lost))
			port_broken = true;

	char buf[128];
	if (o.json) {
		json_object *j = json_object_new_object();
		json_object_object_add(j, "unit", jstr(o.unit.name));
		json_object_object_add(j, "fragment", jstr(o.unit.fragment));
		json_object *dl = json_object_new_array();
		for (size_t i = 0; i < o.unit.ndropins; i++)
			json_object_array_add(dl, json_object_new_string(o.unit.dropins[i]));
		json_object_object_add(j, "dropins", dl);
		json_object_object_add(j, "table", jstr(cg_table_label(o.table, buf, sizeof buf)));
		json_object_object_add(j, "systemd_version", jstr(o.table->version));
		json_object *fj = json_object_new_object();
		json_object_object_add(fj, "mode", jstr(mode_name(&r)));
		json_object *lines = json_object_new_array();
		for (size_t i = 0; i < o.unit.nfilter; i++) {
			json_object *l = json_object_new_object();
			json_object_object_add(l, "value", jstr(o.unit.filter[i].value));
			json_object_object_add(l, "file", jstr(o.unit.filter[i].file));
			json_object_object_add(l, "line", json_object_new_int((int)o.unit.filter[i].line));
			json_object_array_add(lines, l);
		}
		json_object_object_add(fj, "lines", lines);
		json_object_object_add(fj, "errno",
				       o.unit.errno_action == CG_ERRNO_NONE
					       ? jstr("kill")
					       : jstr(cg_errno_name(o.unit.errno_action)));
		json_object_object_add(fj, "architectures",
				       cg_archs_set(&o.unit.archs)
					       ? jstr(cg_archs_format(&o.unit.archs, buf, sizeof buf))
					       : NULL);
		json_object_object_add(fj, "log", json_object_new_boolean(logf.active));
		json_object_object_add(j, "settings", fj);
		if (p) {
			json_object *den = json_object_new_array();
			for (size_t i = 0; i < r.ndenials; i++) {
				const struct cg_check_denial *d = &r.denials[i];
				json_object *dj = json_object_new_object();
				json_object_object_add(dj, "syscall", jstr(cg_name_str(d->name)));
				json_object_object_add(dj, "abi", jstr(cg_abi_name(d->abi)));
				json_object_object_add(dj, "calls", json_object_new_int64((int64_t)d->calls));
				json_object_object_add(dj, "action", jstr(cg_deny_action_name(d->action)));
				json_object_object_add(dj, "errno", d->action == CG_DENY_ERRNO
									    ? jstr(cg_errno_name(d->err))
									    : NULL);
				json_object_object_add(dj, "why", jstr(d->why));
				json_object_object_add(dj, "fix", jstr(d->fix));
				json_object_array_add(den, dj);
			}
			json_object_object_add(j, "denied", den);
			json_object_object_add(j, "logged", set_json(logged));
			json_object *fx = json_object_new_array();
			for (size_t i = 0; i < r.nfix; i++)
				json_object_array_add(fx, json_object_new_string(r.fix_lines[i]));
			json_object_object_add(j, "fix", fx);
			json_object_object_add(j, "fix_verified", json_object_new_boolean(r.fix_verified));
		} else {
			json_object *gj = json_object_new_array();
			for (size_t i = 0; i < nuses; i++) {
				json_object *g = json_object_new_object();
				json_object_object_add(g, "group", jstr(uses[i].group->name));
				json_object_object_add(g, "allowed", json_object_new_int((int)uses[i].allowed));
				json_object_object_add(g, "total", json_object_new_int((int)uses[i].total));
				json_object_object_add(g, "missing", set_json(uses[i].missing));
				json_object_array_add(gj, g);
			}
			json_object_object_add(j, "groups", gj);
		}
		json_object *pj = json_object_new_array();
		for (size_t i = 0; i < r.npitfalls; i++) {
			json_object *pf = json_object_new_object();
			json_object_object_add(pf, "kind", jstr(cg_pitfall_kind_name(r.pitfalls[i].kind)));
			json_object_object_add(pf, "where", jstr(r.pitfalls[i].where));
			json_object_object_add(pf, "message", jstr(r.pitfalls[i].msg));
			json_object_array_add(pj, pf);
		}
		json_object_object_add(j, "pitfalls", pj);
		json_object *xj = json_object_new_object();
		json_object *rows = json_object_new_array();
		for (size_t i = 0; have_x && i < x.nrows; i++) {
			const struct cg_exposure_row *row = &x.rows[i];
			json_object *rj = json_object_new_object();
			json_object_object_add(rj, "name", jstr(row->name));
			json_object_object_add(rj, "set", json_object_new_boolean(row->set));
			json_object_object_add(rj, "exposure",
					       row->exposure_str[0] ? jstr(row->exposure_str) : NULL);
			json_object_object_add(rj, "description", jstr(row->description));
			json_object_array_add(rows, rj);
		}
		json_object_object_add(xj, "rows", rows);
		json_object_object_add(xj, "analyze_before",
				       sa_before >= 0 ? json_object_new_double(sa_before / 10.0) : NULL);
		json_object_object_add(xj, "analyze_after",
				       sa_after >= 0 ? json_object_new_double(sa_after / 10.0) : NULL);
		json_object_object_add(j, "exposure", xj);
		if (o.nport) {
			json_object *pa = json_object_new_array();
			for (size_t i = 0; i < o.nport; i++) {
				json_object *v = json_object_new_object();
				json_object_object_add(v, "version", jstr(port[i].table->version));
				json_object_object_add(v, "lost", set_json(port[i].lost));
				json_object_object_add(v, "gained", set_json(port[i].gained));
				json_object *w = json_object_new_array();
				for (size_t k = 0; k < port[i].nwhy; k++)
					json_object_array_add(w, jstr(port[i].why[k]));
				json_object_object_add(v, "why", w);
				json_object_array_add(pa, v);
			}
			json_object_object_add(j, "portability", pa);
		}
		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		FILE *out = stdout;
		fprintf(out, "Unit: %s", o.unit.name);
		if (o.unit.fragment)
			fprintf(out, " (%s%s)", o.unit.fragment, o.unit.masked ? ", masked" : "");
		fputc('\n', out);
		for (size_t i = 0; i < o.unit.ndropins; i++)
			fprintf(out, "  drop-in: %s\n", o.unit.dropins[i]);
		fprintf(out, "Groups of %s\n", cg_table_label(o.table, buf, sizeof buf));
		fprintf(out, "SystemCallFilter: %s", mode_name(&r));
		fprintf(out, "; SystemCallErrorNumber=%s",
			o.unit.errno_action == CG_ERRNO_NONE ? "(unset: kill)"
							     : cg_errno_name(o.unit.errno_action));
		fprintf(out, "; SystemCallArchitectures=%s\n",
			cg_archs_set(&o.unit.archs) ? cg_archs_format(&o.unit.archs, buf, sizeof buf)
						    : "(unset: all)");
		for (size_t i = 0; i < o.unit.nfilter; i++)
			fprintf(out, "  %s:%u: SystemCallFilter=%s\n", o.unit.filter[i].file,
				o.unit.filter[i].line, o.unit.filter[i].value);
		for (size_t i = 0; i < o.unit.nlog; i++)
			fprintf(out, "  %s:%u: SystemCallLog=%s\n", o.unit.log[i].file,
				o.unit.log[i].line, o.unit.log[i].value);
		if (p) {
			fprintf(out, "\n%zu of %zu observed calls would be denied%s\n", r.ndenials,
				cg_profile_count(p), r.ndenials ? ":" : ".");
			for (size_t i = 0; i < r.ndenials; i++) {
				const struct cg_check_denial *d = &r.denials[i];
				char ab[64];
				fprintf(out, "  %-18s %-6s %-34s %s\n", cg_name_str(d->name),
					cg_abi_name(d->abi), action_text(d, ab, sizeof ab), d->why);
			}
			if (logf.active)
				fprintf(out, "SystemCallLog= logs %zu observed calls that pass the "
					     "filter (denied calls are not logged: the filter's action "
					     "wins)%s",
					cg_set_size(logged), cg_set_empty(logged) ? ".\n" : ": ");
			if (logf.active && !cg_set_empty(logged)) {
				print_set(out, logged, 20);
				fputc('\n', out);
			}
			if (r.nfix) {
				fprintf(out, "\nFix (add to a drop-in, e.g. systemctl edit %s):\n[Service]\n",
					o.unit.name);
				for (size_t i = 0; i < r.nfix; i++)
					fprintf(out, "%s\n", r.fix_lines[i]);
				fprintf(out, "%s\n", r.fix_verified
							     ? "(checked: with these lines nothing observed is denied)"
							     : "(warning: some calls stay denied even with these lines)");
			}
		} else {
			fprintf(out, "\nAllowed, by group:\n");
			size_t full = 0;
			fprintf(out, "  fully:");
			for (size_t i = 0; i < nuses; i++)
				if (uses[i].allowed == uses[i].total) {
					fprintf(out, " %s", uses[i].group->name);
					full++;
				}
			fprintf(out, "%s\n", full ? "" : " (none)");
			for (size_t i = 0; i < nuses; i++)
				if (uses[i].allowed != uses[i].total) {
					fprintf(out, "  partly: %s %zu/%zu, denied: ",
						uses[i].group->name, uses[i].allowed, uses[i].total);
					print_set(out, uses[i].missing, 8);
					fputc('\n', out);
				}
		}
		if (r.npitfalls) {
			fprintf(out, "\nPitfalls:\n");
			for (size_t i = 0; i < r.npitfalls; i++)
				fprintf(out, "  warning: %s%s%s\n", r.pitfalls[i].where,
					r.pitfalls[i].where[0] ? ": " : "", r.pitfalls[i].msg);
		}
		if (have_x) {
			fprintf(out, "\nExposure rows (as systemd-analyze security scores them):\n");
			for (size_t i = 0; i < x.nrows; i++)
				fprintf(out, "  %s %-32s %s%s%s\n", x.rows[i].set ? "ok  " : "BAD ",
					x.rows[i].name, x.rows[i].description,
					x.rows[i].exposure_str[0] ? "  " : "", x.rows[i].exposure_str);
		}
		if (sa_before >= 0) {
			fprintf(out, "systemd-analyze security: overall exposure %d.%d", sa_before / 10,
				sa_before % 10);
			if (sa_after >= 0)
				fprintf(out, ", with the fix %d.%d", sa_after / 10, sa_after % 10);
			fputc('\n', out);
		}
		if (o.nport) {
			fprintf(out, "\nAcross systemd versions (reference %s):\n", o.table->version);
			for (size_t i = 0; i < o.nport; i++) {
				const struct cg_port_result *pr = &port[i];
				if (pr->table == o.table)
					continue;
				if (cg_set_empty(pr->lost) && cg_set_empty(pr->gained)) {
					fprintf(out, "  %s: same effect\n", pr->table->version);
					continue;
				}
				if (!cg_set_empty(pr->lost)) {
					fprintf(out, "  %s: %s %zu calls: ", pr->table->version,
						p ? "BREAKS, denies observed" : "denies", cg_set_size(pr->lost));
					print_set(out, pr->lost, 12);
					fputc('\n', out);
					for (size_t k = 0; k < pr->nwhy && k < 12; k++)
						fprintf(out, "      %s\n", pr->why[k]);
				}
				if (!cg_set_empty(pr->gained)) {
					fprintf(out, "  %s: allows %zu more calls: ", pr->table->version,
						cg_set_size(pr->gained));
					print_set(out, pr->gained, 12);
					fputc('\n', out);
				}
			}
		}
	}

	int rc = (p && (r.ndenials || port_broken)) ? CG_EXIT_DENIED : CG_EXIT_OK;
	for (size_t i = 0; i < o.nport; i++)
		cg_port_result_done(&port[i]);
	free(port);
	free(o.port);
	cg_group_use_free(uses, nuses);
	cg_filter_done(&f);
	cg_filter_done(&logf);
	cg_check_result_done(&r);
	cg_unit_settings_done(&o.unit);
	if (o.free_table)
		cg_table_free(o.table);
	return rc;
}
