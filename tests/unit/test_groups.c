/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "testutil.h"

#include <errno.h>

#include "exposure.h"
#include "filter.h"
#include "groups.h"

static bool has(const struct cg_table *t, const char *group, const char *call)
{
	_cleanup_set_ struct cg_set *s = cg_set_new();
	assert_int_equal(cg_table_expand(t, group, s), 0);
	return cg_set_has(s, cg_intern(call));
}

static void test_builtin_versions(void **state)
{
	(void)state;
	static const char *want[] = {"247", "252", "254", "257", "262"};
	assert_int_equal(cg_table_builtin_count(), ELEMENTSOF(want));
	for (size_t i = 0; i < ELEMENTSOF(want); i++) {
		const struct cg_table *t = cg_table_builtin(i);
		assert_string_equal(t->version, want[i]);
		assert_non_null(cg_table_find(t, "@default"));
		assert_non_null(cg_table_find(t, "@known"));
		assert_ptr_equal(cg_table_builtin_version(want[i]), t);
	}
	assert_ptr_equal(cg_table_builtin_version("v257"), cg_table_builtin(3));
	assert_null(cg_table_builtin_version("250"));
	assert_ptr_equal(cg_table_builtin_newest(), cg_table_builtin(4));
}

/* The generated C tables say exactly what the data files say. */
static void test_builtin_matches_data(void **state)
{
	(void)state;
	for (size_t i = 0; i < cg_table_builtin_count(); i++) {
		const struct cg_table *b = cg_table_builtin(i);
		char rel[64];
		snprintf(rel, sizeof rel, "data/v%s.txt", b->version);
		size_t len;
		_cleanup_free_ char *text = slurp(rel, &len);
		struct cg_table *p;
		struct cg_error e = {0};
		assert_int_equal(cg_table_parse(text, len, rel, &p, &e), 0);
		assert_int_equal(p->ngroups, b->ngroups);
		for (size_t g = 0; g < p->ngroups; g++) {
			assert_string_equal(p->groups[g].name, b->groups[g].name);
			assert_string_equal(p->groups[g].description, b->groups[g].description);
			assert_int_equal(p->groups[g].nmembers, b->groups[g].nmembers);
			for (size_t m = 0; m < p->groups[g].nmembers; m++)
				assert_string_equal(p->groups[g].members[m],
						    b->groups[g].members[m]);
		}
		assert_int_equal(p->nunresolved, b->nunresolved);
		cg_table_free(p);
	}
}

/* Differences between versions listed in the shared data README. */
static void test_version_facts(void **state)
{
	(void)state;
	const struct cg_table *v247 = cg_table_builtin_version("247");
	const struct cg_table *v252 = cg_table_builtin_version("252");
	const struct cg_table *v254 = cg_table_builtin_version("254");
	const struct cg_table *v257 = cg_table_builtin_version("257");
	const struct cg_table *v262 = cg_table_builtin_version("262");
	static const char *moved[] = {"arch_prctl", "getrandom", "mprotect", "sched_getaffinity"};
	for (size_t i = 0; i < ELEMENTSOF(moved); i++) {
		assert_false(has(v247, "@default", moved[i]));
		assert_true(has(v252, "@default", moved[i]));
	}
	assert_null(cg_table_find(v252, "@sandbox"));
	assert_non_null(cg_table_find(v254, "@sandbox"));
	assert_true(has(v254, "@default", "seccomp"));
	assert_true(has(v257, "@file-system", "statmount"));
	assert_true(has(v257, "@default", "mseal"));
	assert_true(has(v257, "@mount", "open_tree"));
	assert_false(has(v262, "@mount", "open_tree"));
	assert_true(has(v262, "@file-system", "open_tree"));
	assert_true(has(v262, "@mount", "open_tree_attr"));
}

static void test_nesting(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
	/* @system-service holds @chown, @privileged holds @chown too. */
	assert_true(has(t, "@system-service", "fchownat"));
	assert_true(has(t, "@privileged", "chown"));
	assert_true(has(t, "@known", "read"));
	assert_true(cg_group_has(t, cg_table_find(t, "@system-service"), cg_intern("chown")));
	assert_false(cg_group_has(t, cg_table_find(t, "@basic-io"), cg_intern("chown")));
	_cleanup_set_ struct cg_set *s = cg_set_new();
	assert_int_equal(cg_table_expand(t, "@no-such-group", s), -ENOENT);
	assert_true(cg_set_empty(s));
	/* A plain name expands to itself. */
	assert_int_equal(cg_table_expand(t, "chown", s), 0);
	assert_int_equal(cg_set_size(s), 1);
}

/* The local output with tracefs mounted has Ungrouped and Unlisted
 * sections; a saved file without them parses too. */
static void test_local_sections(void **state)
{
	(void)state;
	size_t len;
	_cleanup_free_ char *text =
		slurp("tests/fixtures/syscall-filter-252-local-tracefs.txt", &len);
	struct cg_table *t;
	struct cg_error e = {0};
	assert_int_equal(cg_table_parse(text, len, "x", &t, &e), 0);
	assert_true(t->nunlisted > 5);
	bool mseal = false;
	for (size_t i = 0; i < t->nunlisted; i++)
		mseal |= strcmp(t->unlisted[i], "mseal") == 0;
	assert_true(mseal);
	assert_true(t->nunresolved > 10);
	assert_true(has(t, "@basic-io", "read"));
	cg_table_free(t);
}

static void test_colour_codes(void **state)
{
	(void)state;
	const char *text =
		"\033[0;1;39m@default\033[0m\n    \033[0;90m# Always\033[0m\n    read\n\n"
		"@known\n    read\n    write\n";
	struct cg_table *t;
	struct cg_error e = {0};
	assert_int_equal(cg_table_parse(text, strlen(text), "c", &t, &e), 0);
	assert_string_equal(t->groups[0].description, "Always");
	assert_true(has(t, "@known", "write"));
	cg_table_free(t);
}

static void test_parse_errors(void **state)
{
	(void)state;
	struct cg_table *t = NULL;
	struct cg_error e = {0};
	const char *bad = "@default\n    read\nthis is not a table\n";
	assert_int_equal(cg_table_parse(bad, strlen(bad), "bad.txt", &t, &e), -EINVAL);
	assert_string_equal(e.file, "bad.txt");
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.msg, "expected"));
	const char *nogroups = "# just a comment\n";
	assert_int_equal(cg_table_parse(nogroups, strlen(nogroups), "n", &t, &e), -EINVAL);
	const char *badname = "@default\n    re ad\n@known\n";
	assert_int_equal(cg_table_parse(badname, strlen(badname), "n", &t, &e), -EINVAL);
	assert_int_equal(e.line, 2);
}

static void test_load_spec(void **state)
{
	(void)state;
	const struct cg_table *t;
	struct cg_error e = {0};
	assert_int_equal(cg_table_load("247", &t, &e), 0);
	assert_string_equal(t->version, "247");
	assert_int_equal(cg_table_load("999", &t, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "999"));
	assert_int_equal(cg_table_load(srcpath("data/v254.txt"), &t, &e), 0);
	assert_non_null(t->arena);
	assert_non_null(cg_table_find(t, "@sandbox"));
	cg_table_free(t);
	assert_true(cg_table_load("/nonexistent/file", &t, &e) < 0);
	assert_string_equal(e.file, "/nonexistent/file");
	/* auto: the local systemd-analyze when there is one, else the newest. */
	assert_int_equal(cg_table_load("auto", &t, &e), 0);
	assert_non_null(cg_table_find(t, "@default"));
	cg_table_free(t);
}

/* ---- the rulebook ---------------------------------------------------------- */

/* The compiled rulebook says what data/rulebook.txt says, and the risky
 * groups are exactly the groups of its scored rows. */
static void test_rulebook_matches_data(void **state)
{
	(void)state;
	size_t len;
	_cleanup_free_ char *text = slurp("data/rulebook.txt", &len);
	size_t nscored = 0, numbrella = 0;
	unsigned weights = 0;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		char kind[32], a[128], b[128];
		unsigned w, r;
		int n = sscanf(l, "%31s %127s %127s %u %u", kind, a, b, &w, &r);
		if (n <= 0 || kind[0] == '#')
			continue;
		if (strcmp(kind, "umbrella") == 0) {
			assert_string_equal(cg_umbrella_groups[numbrella++], a);
			continue;
		}
		assert_string_equal(kind, "scored");
		assert_int_equal(n, 5);
		assert_true(nscored < cg_nscored_rows);
		const struct cg_scored_row *row = &cg_scored_rows[nscored++];
		assert_string_equal(row->name, a);
		assert_string_equal(row->json_field, b);
		assert_int_equal(row->weight, w);
		assert_int_equal(row->range, r);
		weights += w;
		const char *g = strstr(a, "=~@");
		if (g) {
			assert_string_equal(row->group, g + 2);
			assert_true(cg_group_is_risky(g + 2));
		} else {
			assert_null(row->group);
		}
	}
	assert_int_equal(nscored, cg_nscored_rows);
	assert_null(cg_umbrella_groups[numbrella]);
	/* The rows' weights as systemd 252 prints them (exposure.h: 9900). */
	assert_int_equal(weights, 9900);
	assert_true(cg_nscored_rows <= CG_EXPOSURE_MAX_ROWS);
	assert_int_equal(cg_risky_group_count(), cg_nscored_rows - 1);
	/* Heaviest first, then by name; every one in every shipped table. */
	for (size_t i = 0; cg_risky_groups[i]; i++) {
		for (size_t v = 0; v < cg_table_builtin_count(); v++)
			assert_non_null(cg_table_find(cg_table_builtin(v), cg_risky_groups[i]));
		if (i == 0)
			continue;
		unsigned wa = 0, wb = 0;
		for (size_t k = 0; k < cg_nscored_rows; k++) {
			const char *g = cg_scored_rows[k].group;
			if (g && strcmp(g, cg_risky_groups[i - 1]) == 0)
				wa = cg_scored_rows[k].weight;
			if (g && strcmp(g, cg_risky_groups[i]) == 0)
				wb = cg_scored_rows[k].weight;
		}
		assert_true(wa > wb ||
			    (wa == wb && strcmp(cg_risky_groups[i - 1], cg_risky_groups[i]) < 0));
	}
	assert_string_equal(cg_risky_groups[0], "@clock");
}

static void test_risky_and_umbrella(void **state)
{
	(void)state;
	static const char *risky[] = {"@mount", "@privileged", "@resources", "@obsolete"};
	static const char *umbrella[] = {"@known", "@default", "@system-service"};
	static const char *neither[] = {"@chown", "@basic-io", "@timer", "chown", "", "@mount2"};
	for (size_t i = 0; i < ELEMENTSOF(risky); i++) {
		assert_true(cg_group_is_risky(risky[i]));
		assert_false(cg_group_is_umbrella(risky[i]));
	}
	for (size_t i = 0; i < ELEMENTSOF(umbrella); i++) {
		assert_true(cg_group_is_umbrella(umbrella[i]));
		assert_false(cg_group_is_risky(umbrella[i]));
	}
	for (size_t i = 0; i < ELEMENTSOF(neither); i++) {
		assert_false(cg_group_is_risky(neither[i]));
		assert_false(cg_group_is_umbrella(neither[i]));
	}
}

/* "name name ..." of the groups holding call. */
static char *holding(const struct cg_table *t, const char *call)
{
	const struct cg_group **v;
	size_t n = cg_table_groups_holding(t, cg_intern(call), &v);
	char *out = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char *o = xasprintf("%s%s%s", out, i ? " " : "", v[i]->name);
		free(out);
		out = o;
	}
	free(v);
	return out;
}

static void test_groups_holding(void **state)
{
	(void)state;
	static const struct {
		const char *version, *call, *want;
	} cases[] = {
		{"257", "fchown", "@chown @privileged @system-service"},
		{"257", "umount2", "@mount"},
		{"257", "mprotect", "@default @system-service"},
		{"252", "mprotect", "@default @system-service"},
		{"257", "timerfd_create", "@system-service @timer"},
		{"257", "made_up_call", ""},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *got =
			holding(cg_table_builtin_version(cases[i].version), cases[i].call);
		assert_string_equal(got, cases[i].want);
	}
	const struct cg_table *t257 = cg_table_builtin_version("257");
	/* 247: mprotect is in no group but @known, which is left out. */
	const struct cg_table *t247 = cg_table_builtin_version("247");
	_cleanup_free_ char *got = holding(t247, "mprotect");
	assert_string_equal(got, "@system-service");
	const struct cg_group **v = (const struct cg_group **)1;
	assert_int_equal(cg_table_groups_holding(t257, CG_NAME_NONE, &v), 0);
	assert_null(v);
	/* Every group it lists holds the call, in table order, and every
	 * group it leaves out (but @known) does not. */
	cg_name read = cg_intern("read");
	size_t n = cg_table_groups_holding(t257, read, &v);
	size_t k = 0;
	for (size_t g = 0; g < t257->ngroups; g++) {
		const struct cg_group *grp = &t257->groups[g];
		if (k < n && v[k] == grp) {
			assert_true(cg_group_has(t257, grp, read));
			k++;
		} else {
			assert_true(strcmp(grp->name, "@known") == 0 ||
				    !cg_group_has(t257, grp, read));
		}
	}
	assert_int_equal(k, n);
	free(v);
}

static void test_fix_group(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("257");
	assert_string_equal(cg_fix_group(t, cg_intern("timerfd_create"))->name, "@timer");
	assert_string_equal(cg_fix_group(t, cg_intern("fchown"))->name, "@chown");
	assert_string_equal(cg_fix_group(t, cg_intern("read"))->name, "@basic-io");
	assert_null(cg_fix_group(t, cg_intern("umount2")));  /* only @mount */
	assert_null(cg_fix_group(t, cg_intern("ioctl")));    /* only @system-service */
	assert_null(cg_fix_group(t, cg_intern("mprotect"))); /* @default */
	assert_null(cg_fix_group(t, cg_intern("made_up_call")));
	/* In every table, for every call: the group holds it, is neither
	 * risky nor an umbrella, and no such group holding it is smaller. */
	for (size_t v = 0; v < cg_table_builtin_count(); v++) {
		t = cg_table_builtin(v);
		_cleanup_set_ struct cg_set *known = cg_set_new();
		cg_table_known(t, known);
		for (cg_name c = 0; cg_set_next(known, &c); c++) {
			const struct cg_group *fix = cg_fix_group(t, c);
			size_t fix_size = SIZE_MAX;
			if (fix) {
				assert_true(cg_group_has(t, fix, c));
				assert_false(cg_group_is_risky(fix->name));
				assert_false(cg_group_is_umbrella(fix->name));
				_cleanup_set_ struct cg_set *s = cg_set_new();
				assert_int_equal(cg_table_expand(t, fix->name, s), 0);
				fix_size = cg_set_size(s);
			}
			for (size_t g = 0; g < t->ngroups; g++) {
				const struct cg_group *grp = &t->groups[g];
				if (cg_group_is_risky(grp->name) ||
				    cg_group_is_umbrella(grp->name) || !cg_group_has(t, grp, c))
					continue;
				_cleanup_set_ struct cg_set *s = cg_set_new();
				assert_int_equal(cg_table_expand(t, grp->name, s), 0);
				assert_true(cg_set_size(s) >= fix_size);
			}
		}
	}
}

/* The one rule, case by case: filter lines, a call, the fix (NULL: the
 * filter lets it through). */
static void test_fix_for(void **state)
{
	(void)state;
	static const struct {
		const char *lines[4];
		const char *call, *want;
	} cases[] = {
		/* No filter, or an allowed call: nothing to fix. */
		{{NULL}, "umount2", NULL},
		{{"@basic-io"}, "read", NULL},
		/* An allow-list that never allowed it: the smallest safe
		 * group, else the call. */
		{{"@basic-io"}, "timerfd_create", "@timer"},
		{{"@basic-io @file-system @process @signal"}, "fchown", "@chown"},
		{{"@system-service"}, "umount2", "umount2"},
		{{"@basic-io"}, "ioctl", "ioctl"},
		{{"@basic-io"}, "reboot", "reboot"},
		/* Taken back (or named) by a ~ line: the call alone. */
		{{"@system-service", "~@privileged @resources"}, "chown", "chown"},
		{{"@system-service", "~@privileged @resources"}, "setuid", "setuid"},
		{{"@system-service", "~@chown", "fchown"}, "chown", "chown"},
		{{"@system-service", "~@chown", "fchown"}, "fchown", NULL},
		{{"@basic-io", "~@chown"}, "fchown", "fchown"},
		{{"@basic-io", "~mprotect"}, "mprotect", "mprotect"},
		/* A later line allowing it again, or a reset, forgets the ~. */
		{{"@basic-io", "~@chown", "@chown"}, "fchown", NULL},
		{{"@basic-io", "~@chown", "@timer"}, "fchown", "fchown"},
		{{"@basic-io", "~@chown", "", "@basic-io"}, "fchown", "@chown"},
		/* A deny-list: the call, on a line without ~. */
		{{"~@chown"}, "fchown", "fchown"},
		{{"~@chown:EPERM"}, "fchown", "fchown"},
		{{"~@mount", "umount2"}, "umount2", NULL},
		{{"~@mount @clock"}, "umount2", "umount2"},
	};
	const struct cg_table *t = cg_table_builtin_version("257");
	assert_null(cg_fix_for(t, NULL, cg_intern("read")));
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct cg_filter f;
		cg_filter_init(&f);
		for (size_t l = 0; l < ELEMENTSOF(cases[i].lines) && cases[i].lines[l]; l++)
			assert_int_equal(cg_filter_add(&f, t, cases[i].lines[l], NULL), 0);
		cg_name c = cg_intern(cases[i].call);
		const char *got = cg_fix_for(t, &f, c);
		if (!cases[i].want) {
			assert_null(got);
			assert_true(cg_filter_allows(&f, c));
		} else {
			assert_non_null(got);
			assert_string_equal(got, cases[i].want);
			/* The fix as a later line lets the call through. */
			assert_false(cg_filter_allows(&f, c));
			assert_int_equal(cg_filter_add(&f, t, got, NULL), 0);
			assert_true(cg_filter_allows(&f, c));
		}
		cg_filter_done(&f);
	}
	assert_null(cg_fix_for(t, NULL, CG_NAME_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_versions),
		cmocka_unit_test(test_builtin_matches_data),
		cmocka_unit_test(test_version_facts),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_local_sections),
		cmocka_unit_test(test_colour_codes),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_load_spec),
		cmocka_unit_test(test_rulebook_matches_data),
		cmocka_unit_test(test_risky_and_umbrella),
		cmocka_unit_test(test_groups_holding),
		cmocka_unit_test(test_fix_group),
		cmocka_unit_test(test_fix_for),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
