/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "testutil.h"

#include <errno.h>

#include "abi.h"
#include "filter.h"

static const struct cg_table *t252;

/* Applies the lines (NULL-terminated) to a fresh filter. */
static void apply(struct cg_filter *f, const char *const *lines)
{
	cg_filter_init(f);
	struct cg_error e = {0};
	for (size_t i = 0; lines[i]; i++)
		assert_int_equal(cg_filter_add(f, t252, lines[i], &e), 0);
}

static bool allows(const struct cg_filter *f, const char *call)
{
	return cg_filter_allows(f, cg_intern(call));
}

static void test_no_filter(void **state)
{
	(void)state;
	struct cg_filter f;
	cg_filter_init(&f);
	assert_false(f.active);
	assert_true(allows(&f, "reboot"));
	cg_filter_done(&f);
}

/* An allow-list implies @default. */
static void test_allow_list_implies_default(void **state)
{
	(void)state;
	struct cg_filter f;
	apply(&f, (const char *[]){"@basic-io", NULL});
	assert_true(f.allow_list);
	assert_true(allows(&f, "read"));
	assert_true(allows(&f, "brk"));       /* @default */
	assert_true(allows(&f, "execve"));    /* @default */
	assert_false(allows(&f, "chown"));
	assert_false(allows(&f, "openat"));   /* @file-system */
	cg_filter_done(&f);
}

/* chown sits in @chown (inside @system-service) and @privileged: the common
 * pattern takes it away; a later allow line brings it back. */
static void test_chown_overlap(void **state)
{
	(void)state;
	struct cg_filter f;
	apply(&f, (const char *[]){"@system-service", "~@privileged @resources", NULL});
	assert_false(allows(&f, "chown"));
	assert_false(allows(&f, "setuid"));
	assert_false(allows(&f, "setrlimit"));
	assert_true(allows(&f, "read"));
	cg_filter_done(&f);
	apply(&f, (const char *[]){"@system-service", "~@privileged @resources", "chown fchown", NULL});
	assert_true(allows(&f, "chown"));
	assert_true(allows(&f, "fchown"));
	assert_false(allows(&f, "lchown"));
	cg_filter_done(&f);
}

/* The first line fixes the mode: a later allow line on a deny-list only
 * takes calls off the deny set, it does not turn it into an allow-list. */
static void test_mode_from_first_line(void **state)
{
	(void)state;
	struct cg_filter f;
	apply(&f, (const char *[]){"~@mount", "@basic-io", NULL});
	assert_false(f.allow_list);
	assert_false(allows(&f, "mount"));
	assert_true(allows(&f, "reboot")); /* not an allow-list */
	cg_filter_done(&f);
	apply(&f, (const char *[]){"~@mount @swap", "mount", NULL});
	assert_true(allows(&f, "mount"));
	assert_false(allows(&f, "umount2"));
	assert_false(allows(&f, "swapon"));
	cg_filter_done(&f);
	/* ~ covers the whole line. */
	apply(&f, (const char *[]){"@basic-io @file-system", "~openat read", NULL});
	assert_false(allows(&f, "openat"));
	assert_false(allows(&f, "read"));
	assert_true(allows(&f, "write"));
	cg_filter_done(&f);
}

/* An empty assignment resets; the next line decides the mode anew. */
static void test_reset(void **state)
{
	(void)state;
	struct cg_filter f;
	apply(&f, (const char *[]){"@basic-io", "", NULL});
	assert_false(f.active);
	assert_true(allows(&f, "reboot"));
	cg_filter_done(&f);
	apply(&f, (const char *[]){"@basic-io", "", "~@reboot", NULL});
	assert_false(f.allow_list);
	assert_true(allows(&f, "chown"));
	assert_false(allows(&f, "reboot"));
	cg_filter_done(&f);
}

static void test_errno_suffix(void **state)
{
	(void)state;
	struct cg_filter f;
	apply(&f, (const char *[]){"~chown:EPERM fchown:13 @reboot:kill", NULL});
	assert_false(allows(&f, "chown"));
	assert_int_equal(cg_filter_entry_errno(&f, cg_intern("chown")), EPERM);
	assert_int_equal(cg_filter_entry_errno(&f, cg_intern("fchown")), EACCES);
	assert_int_equal(cg_filter_entry_errno(&f, cg_intern("reboot")), CG_ERRNO_KILL);
	assert_int_equal(cg_filter_entry_errno(&f, cg_intern("read")), CG_ERRNO_NONE);
	cg_filter_done(&f);
	/* Allow-listed calls cannot take an errno: ignored with a warning. */
	apply(&f, (const char *[]){"@basic-io chown:EPERM", NULL});
	assert_false(allows(&f, "chown"));
	assert_int_equal(f.nwarnings, 1);
	cg_filter_done(&f);
	/* A malformed errno drops that word only, as systemd does. */
	apply(&f, (const char *[]){"~chown:ENOTANERRNO @swap", NULL});
	assert_int_equal(f.nwarnings, 1);
	assert_non_null(strstr(f.warnings[0], "ENOTANERRNO"));
	assert_true(allows(&f, "chown"));
	assert_false(allows(&f, "swapon"));
	cg_filter_done(&f);
}

static void test_unknown_names(void **state)
{
	(void)state;
	struct cg_filter f;
	apply(&f, (const char *[]){"@basic-io no_such_call @no-such-group", NULL});
	assert_int_equal(f.nwarnings, 2);
	assert_true(cg_set_has(f.ignored, cg_intern("no_such_call")));
	assert_false(allows(&f, "no_such_call"));
	cg_filter_done(&f);
}

/* systemd splits SystemCallFilter= words without unquoting: quoted words
 * are unknown names, ignored (checked against systemd-analyze in
 * test_exposure). */
static void test_quoting(void **state)
{
	(void)state;
	struct cg_filter f;
	apply(&f, (const char *[]){"~\"@mount\" 'chown'", NULL});
	assert_true(allows(&f, "chown"));
	assert_true(allows(&f, "mount"));
	assert_true(cg_set_empty(f.set));
	cg_filter_done(&f);
}

static void test_allowed_set(void **state)
{
	(void)state;
	struct cg_filter f;
	apply(&f, (const char *[]){"@basic-io", NULL});
	_cleanup_set_ struct cg_set *known = cg_set_new(), *out = cg_set_new(), *want = cg_set_new();
	cg_table_known(t252, known);
	cg_filter_allowed(&f, known, out);
	cg_table_expand(t252, "@basic-io", want);
	cg_table_expand(t252, "@default", want);
	/* names libseccomp cannot resolve are dropped, as systemd drops them */
	for (cg_name n = 0; cg_set_next(want, &n); n++)
		if (!cg_syscall_known(cg_name_str(n)))
			cg_set_remove(want, n);
	assert_true(cg_set_equal(out, want));
	cg_filter_done(&f);
}

static void test_errno_names(void **state)
{
	(void)state;
	assert_int_equal(cg_errno_parse("EPERM"), EPERM);
	assert_int_equal(cg_errno_parse("38"), 38);
	assert_int_equal(cg_errno_parse("kill"), CG_ERRNO_KILL);
	assert_int_equal(cg_errno_parse("EBOGUS"), -EINVAL);
	assert_int_equal(cg_errno_parse("5000"), -EINVAL);
	assert_string_equal(cg_errno_name(EPERM), "EPERM");
	assert_string_equal(cg_errno_name(CG_ERRNO_KILL), "kill");
}

int main(void)
{
	t252 = cg_table_builtin_version("252");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_filter),         cmocka_unit_test(test_allow_list_implies_default),
		cmocka_unit_test(test_chown_overlap),     cmocka_unit_test(test_mode_from_first_line),
		cmocka_unit_test(test_reset),             cmocka_unit_test(test_errno_suffix),
		cmocka_unit_test(test_unknown_names),     cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_allowed_set),       cmocka_unit_test(test_errno_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
