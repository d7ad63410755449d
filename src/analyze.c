/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "analyze.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "spawn.h"

#define ANALYZE "systemd-analyze"

int cg_analyze_parse_overall(const char *text)
{
	const char *p = text ? strstr(text, "Overall exposure level for ") : NULL;
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

static void rm_tree(char **dir)
{
	if (*dir)
		nftw(*dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

/* Returns 0 or a negative errno with e set. */
static int write_text(const char *path, const char *text, struct cg_error *e)
{
	FILE *f = fopen(path, "we");
	if (!f) {
		int r = -errno;
		cg_error_set(e, path, 0, "cannot create the copy for " ANALYZE ": %s",
			     strerror(errno));
		return r;
	}
	fputs(text, f);
	if (fclose(f) != 0) {
		int r = -errno;
		cg_error_set(e, path, 0, "cannot write the copy for " ANALYZE ": %s",
			     strerror(errno));
		return r;
	}
	return 0;
}

/* Appends "key=value\n" to the text *s of length *len in a buffer of *cap. */
static void append_line(char **s, size_t *cap, size_t *len, const char *key, const char *value)
{
	_cleanup_free_ char *l = xasprintf("%s=%s\n", key, value);
	xgrow((void **)s, cap, *len + strlen(l) + 1, 1);
	memcpy(*s + *len, l, strlen(l) + 1);
	*len += strlen(l);
}

/* A unit of its own holding u's settings, in the order systemd reads them. */
static char *settings_text(const struct cg_unit_settings *u)
{
	size_t cap = 256, len = 0;
	char *s = xmalloc(cap);
	len = (size_t)snprintf(s, cap, "[Service]\nExecStart=/bin/true\n");
	for (size_t i = 0; i < u->nfilter; i++)
		append_line(&s, &cap, &len, "SystemCallFilter", u->filter[i].value);
	for (size_t i = 0; i < u->nlog; i++)
		append_line(&s, &cap, &len, "SystemCallLog", u->log[i].value);
	if (u->errno_src.value)
		append_line(&s, &cap, &len, "SystemCallErrorNumber", u->errno_src.value);
	if (u->archs_src.value)
		append_line(&s, &cap, &len, "SystemCallArchitectures", u->archs_src.value);
	for (size_t i = 0; i < u->noptions; i++)
		append_line(&s, &cap, &len, u->options[i].key, u->options[i].l.value);
	if (u->user)
		append_line(&s, &cap, &len, "User", u->user);
	if (u->dynamic_user)
		append_line(&s, &cap, &len, "DynamicUser", "yes");
	return s;
}

/* Copies the unit file and its drop-ins (as NNN-name, keeping their order)
 * to unit and ddir; without a readable unit file, writes u's settings. */
static int write_copy(const struct cg_unit_settings *u, const char *unit, const char *ddir,
		      struct cg_error *e)
{
	if (!u->fragment || access(u->fragment, R_OK) < 0) {
		_cleanup_free_ char *text = settings_text(u);
		return write_text(unit, text, e);
	}
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = cg_read_file(u->fragment, &text, &len, e);
	if (r >= 0)
		r = write_text(unit, text, e);
	for (size_t i = 0; r >= 0 && i < u->ndropins; i++) {
		const char *b = strrchr(u->dropins[i], '/');
		_cleanup_free_ char *dst = xasprintf("%s/%03zu-%s", ddir, i, b ? b + 1 : "x");
		_cleanup_free_ char *dt = NULL;
		r = cg_read_file(u->dropins[i], &dt, &len, e);
		if (r >= 0)
			r = write_text(dst, dt, e);
	}
	return r;
}

/* The overall exposure systemd-analyze prints for the unit file at path,
 * or -1 (code: its exit code, 127 when it could not be run). */
static int score(const char *path, int *code)
{
	static char *const env[] = {"SYSTEMD_COLORS=0", "SYSTEMD_PAGER=cat", NULL};
	char *argv[] = {ANALYZE, "security", "--offline=true", (char *)path, NULL};
	size_t len;
	_cleanup_free_ char *out = cg_spawn_capture(argv, env, &len, code);
	if (!out || *code == 127)
		return -1;
	return cg_analyze_parse_overall(out);
}

int cg_analyze_exposure(const struct cg_unit_settings *u, char *const *fix_lines, size_t nfix,
			struct cg_analyze_exposure *out, struct cg_error *e)
{
	*out = (struct cg_analyze_exposure){-1, -1};
	const char *name = u->name ? u->name : "callgroups-check.service";
	size_t nl = strlen(name);
	if (nl < 8 || strcmp(name + nl - 8, ".service") != 0) {
		cg_error_set(e, "", 0, "%s: " ANALYZE " security scores only services", name);
		return -EOPNOTSUPP;
	}
	_cleanup_free_ char *prog = cg_find_command(ANALYZE);
	if (!prog) {
		cg_error_set(e, "", 0, ANALYZE " not found in PATH");
		return -ENOENT;
	}
	char tmpl[] = "/tmp/callgroups-check.XXXXXX";
	_cleanup_(rm_tree) char *dir = mkdtemp(tmpl);
	if (!dir) {
		int r = -errno;
		cg_error_set(e, tmpl, 0, "cannot create a directory: %s", strerror(errno));
		return r;
	}
	_cleanup_free_ char *unit = xasprintf("%s/%s", dir, name);
	_cleanup_free_ char *ddir = xasprintf("%s.d", unit);
	if (mkdir(ddir, 0755) < 0) {
		int r = -errno;
		cg_error_set(e, ddir, 0, "cannot create a directory: %s", strerror(errno));
		return r;
	}
	int r = write_copy(u, unit, ddir, e);
	if (r < 0)
		return r;
	int code;
	out->before = score(unit, &code);
	if (out->before < 0) {
		cg_error_set(e, "", 0,
			     ANALYZE " security --offline=true %s printed no overall exposure "
				     "(exit %d)",
			     name, code);
		return code == 127 ? -ENOENT : -EIO;
	}
	if (!nfix)
		return 0;
	_cleanup_free_ char *fix = xstrdup("[Service]\n");
	for (size_t i = 0; i < nfix; i++) {
		char *f = xasprintf("%s%s\n", fix, fix_lines[i]);
		free(fix);
		fix = f;
	}
	_cleanup_free_ char *dst = xasprintf("%s/999-callgroups-fix.conf", ddir);
	/* The score before stands even when the fix cannot be scored. */
	struct cg_error fe = {0};
	if (write_text(dst, fix, &fe) == 0)
		out->after = score(unit, &code);
	return 0;
}
