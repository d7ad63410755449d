/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "testutil.h"

#include <errno.h>

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
				assert_string_equal(p->groups[g].members[m], b->groups[g].members[m]);
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
	_cleanup_free_ char *text = slurp("tests/fixtures/syscall-filter-252-local-tracefs.txt", &len);
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
	const char *text = "\033[0;1;39m@default\033[0m\n    \033[0;90m# Always\033[0m\n    read\n\n"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_versions), cmocka_unit_test(test_builtin_matches_data),
		cmocka_unit_test(test_version_facts),    cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_local_sections),   cmocka_unit_test(test_colour_codes),
		cmocka_unit_test(test_parse_errors),     cmocka_unit_test(test_load_spec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
