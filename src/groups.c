/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "groups.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>

#include "spawn.h"

/* Defined in the generated groups_builtin.c. */
extern const struct cg_table *const cg_builtin_tables[];
extern const size_t cg_builtin_ntables;

size_t cg_table_builtin_count(void)
{
	return cg_builtin_ntables;
}

const struct cg_table *cg_table_builtin(size_t i)
{
	return i < cg_builtin_ntables ? cg_builtin_tables[i] : NULL;
}

const struct cg_table *cg_table_builtin_version(const char *version)
{
	if (version[0] == 'v')
		version++;
	for (size_t i = 0; i < cg_builtin_ntables; i++)
		if (strcmp(cg_builtin_tables[i]->version, version) == 0)
			return cg_builtin_tables[i];
	return NULL;
}

const struct cg_table *cg_table_builtin_newest(void)
{
	return cg_builtin_tables[cg_builtin_ntables - 1];
}

/* Runs systemd-analyze with args and returns its whole stdout, or NULL
 * when it could not run or failed. */
static char *run_analyze(const char *const args[], size_t *len)
{
	static char *const env[] = {"SYSTEMD_COLORS=0", "SYSTEMD_PAGER=cat", NULL};
	char *argv[4] = {"systemd-analyze"};
	for (size_t i = 0; i < 2 && args[i]; i++)
		argv[i + 1] = (char *)args[i];
	int code;
	char *out = cg_spawn_capture(argv, env, len, &code);
	if (out && code != 0) {
		free(out);
		return NULL;
	}
	return out;
}

unsigned cg_version_number(const char *version)
{
	if (!version)
		return 0;
	while (*version && !(*version >= '0' && *version <= '9'))
		version++;
	unsigned v = 0;
	while (*version >= '0' && *version <= '9' && v < 100000)
		v = v * 10 + (unsigned)(*version++ - '0');
	return v;
}

/* "systemd 252 (252.38-1~deb12u1)" -> "252" */
static char *local_version(void)
{
	const char *args[] = {"--version", NULL};
	size_t len;
	_cleanup_free_ char *out = run_analyze(args, &len);
	if (!out || strncmp(out, "systemd ", 8) != 0)
		return NULL;
	return xstrndup(out + 8, strspn(out + 8, "0123456789"));
}

int cg_table_load(const char *spec, const struct cg_table **out, struct cg_error *e)
{
	if (!spec || strcmp(spec, "auto") == 0) {
		const char *args[] = {"--no-pager", "syscall-filter", NULL};
		size_t len;
		_cleanup_free_ char *text = run_analyze(args, &len);
		struct cg_table *t;
		if (text && cg_table_parse(text, len, "systemd-analyze", &t, NULL) == 0) {
			struct cg_table_arena *a = t->arena;
			a->version = local_version();
			t->version = a->version ? a->version : "";
			*out = t;
			return 0;
		}
		*out = cg_table_builtin_newest();
		return 0;
	}
	const struct cg_table *b = cg_table_builtin_version(spec);
	if (b) {
		*out = b;
		return 0;
	}
	if (spec[strspn(spec, "v0123456789")] == 0) {
		cg_error_set(e, NULL, 0,
			     "no table shipped for systemd %s (shipped: %s; or give a file "
			     "saved from systemd-analyze syscall-filter)",
			     spec, cg_table_builtin_list());
		return -ENOENT;
	}
	struct cg_table *t;
	int r = cg_table_parse_file(spec, &t, e);
	if (r == 0)
		*out = t;
	return r;
}

const char *cg_table_builtin_list(void)
{
	static char buf[256];
	if (!buf[0])
		for (size_t i = 0; i < cg_builtin_ntables; i++) {
			size_t l = strlen(buf);
			snprintf(buf + l, sizeof buf - l, "%s%s", i ? ", " : "",
				 cg_builtin_tables[i]->version);
		}
	return buf;
}

/* Nesting in systemd's tables is two levels deep; the limit only guards
 * against a hand-edited file whose groups include each other. */
#define MAX_NESTING 16

static int expand(const struct cg_table *t, const char *name, struct cg_set *set, int depth)
{
	if (name[0] != '@') {
		cg_set_add(set, cg_intern(name));
		return 0;
	}
	const struct cg_group *g = cg_table_find(t, name);
	if (!g)
		return -ENOENT;
	if (depth > MAX_NESTING)
		return -ELOOP;
	for (size_t i = 0; i < g->nmembers; i++) {
		int r = expand(t, g->members[i], set, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

int cg_table_expand(const struct cg_table *t, const char *name, struct cg_set *set)
{
	_cleanup_set_ struct cg_set *tmp = cg_set_new();
	int r = expand(t, name, tmp, 0);
	if (r < 0)
		return r;
	cg_set_union(set, tmp);
	return 0;
}

bool cg_group_has(const struct cg_table *t, const struct cg_group *g, cg_name syscall)
{
	_cleanup_set_ struct cg_set *s = cg_set_new();
	if (expand(t, g->name, s, 0) < 0)
		return false;
	return cg_set_has(s, syscall);
}

void cg_table_known(const struct cg_table *t, struct cg_set *out)
{
	/* @known is not always a superset of the other groups: systemd 252
	 * lists set_tls in @default but not in @known. */
	for (size_t i = 0; i < t->ngroups; i++)
		(void)cg_table_expand(t, t->groups[i].name, out);
}

const char *cg_table_label(const struct cg_table *t, char *buf, size_t len)
{
	if (!t->arena)
		snprintf(buf, len, "systemd %s (built-in table)", t->version);
	else if (strcmp(t->source, "systemd-analyze") == 0)
		snprintf(buf, len, "systemd %s (local systemd-analyze)",
			 t->version[0] ? t->version : "?");
	else
		snprintf(buf, len, "%s", t->source);
	return buf;
}
