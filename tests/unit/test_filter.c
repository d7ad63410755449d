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
	assert_true(allows(&f, "brk"));	   /* @default */
	assert_true(allows(&f, "execve")); /* @default */
	assert_false(allows(&f, "chown"));
	assert_false(allows(&f, "openat")); /* @file-system */
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
	apply(&f,
	      (const char *[]){"@system-service", "~@privileged @resources", "chown fchown", NULL});
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
	/* A malformed errno drops that word only, as systemd does; it is a
	 * typo, kept apart from the warnings. */
	apply(&f, (const char *[]){"~chown:EPREM @swap", NULL});
	assert_int_equal(f.nwarnings, 0);
	assert_int_equal(f.ntypos, 1);
	assert_string_equal(f.typos[0], "'chown:EPREM': unknown errno name EPREM "
					"(did you mean EPERM?)");
	assert_true(allows(&f, "chown"));
	assert_false(allows(&f, "swapon"));
	cg_filter_done(&f);
	/* An allow-listed entry with an errno is ignored, no typo; its name
	 * still is checked. */
	apply(&f, (const char *[]){"@basic-io chwon:EPERM", NULL});
	assert_int_equal(f.nwarnings, 1);
	assert_int_equal(f.ntypos, 1);
	assert_non_null(strstr(f.typos[0], "did you mean chown?"));
	cg_filter_done(&f);
}

/* A copy decides as the original does and takes more lines on its own;
 * warnings and typos stay behind. */
static void test_copy(void **state)
{
	(void)state;
	struct cg_filter f, c, none;
	apply(&f,
	      (const char *[]){"@system-service chown:EPERM", "~chown:EACCES fchown chwon", NULL});
	assert_true(f.nwarnings + f.ntypos > 0);
	cg_filter_copy(&c, &f);
	assert_true(c.active && c.allow_list);
	assert_int_equal(c.nwarnings + c.ntypos, 0);
	static const char *const calls[] = {"read", "chown", "fchown", "reboot", "setpriority"};
	for (size_t i = 0; i < ELEMENTSOF(calls); i++) {
		assert_int_equal(allows(&c, calls[i]), allows(&f, calls[i]));
		assert_int_equal(cg_filter_entry_errno(&c, cg_intern(calls[i])),
				 cg_filter_entry_errno(&f, cg_intern(calls[i])));
	}
	struct cg_error e = {0};
	assert_int_equal(cg_filter_add(&c, t252, "chown", &e), 0);
	assert_true(allows(&c, "chown"));
	assert_false(allows(&f, "chown"));
	cg_filter_copy(&none, NULL);
	assert_false(none.active);
	assert_true(allows(&none, "reboot"));
	cg_filter_done(&none);
	cg_filter_done(&c);
	cg_filter_done(&f);
}

/* Names nobody knows are ignored as systemd ignores them, and reported as
 * typos; names systemd's table lists that libseccomp cannot resolve, and
 * groups of another systemd version, are ignored with a warning only. */
static void test_unknown_names(void **state)
{
	(void)state;
	struct cg_filter f;
	apply(&f, (const char *[]){"@basic-io no_such_call @no-such-group", NULL});
	assert_int_equal(f.nwarnings, 0);
	assert_int_equal(f.ntypos, 2);
	assert_string_equal(f.typos[0], "unknown system call no_such_call");
	assert_string_equal(f.typos[1], "unknown group @no-such-group");
	assert_true(cg_set_has(f.ignored, cg_intern("no_such_call")));
	assert_false(allows(&f, "no_such_call"));
	assert_true(allows(&f, "read"));
	cg_filter_done(&f);

	apply(&f, (const char *[]){"~@system-servce chwon @sandbox", NULL});
	assert_int_equal(f.ntypos, 2);
	assert_string_equal(f.typos[0],
			    "unknown group @system-servce (did you mean @system-service?)");
	assert_string_equal(f.typos[1], "unknown system call chwon (did you mean chown?)");
	/* @sandbox came with systemd 254: 252 ignores it, no typo. */
	assert_int_equal(f.nwarnings, 1);
	assert_non_null(strstr(f.warnings[0], "@sandbox is unknown to systemd 252"));
	assert_true(cg_set_empty(f.set));
	cg_filter_done(&f);
}

static void test_check_word(void **state)
{
	(void)state;
	char *why;
	assert_int_equal(cg_filter_check_word(t252, "@basic-io", &why), 0);
	assert_null(why);
	assert_int_equal(cg_filter_check_word(t252, "chown", &why), 0);
	assert_null(why);
	/* A name of another ABI is known to libseccomp. */
	assert_int_equal(cg_filter_check_word(t252, "chown32", &why), 0);
	assert_null(why);

	assert_int_equal(cg_filter_check_word(t252, "@file-sytem", &why), -EINVAL);
	assert_string_equal(why, "unknown group @file-sytem (did you mean @file-system?)");
	free(why);
	/* Cut short: prefix matches. */
	assert_int_equal(cg_filter_check_word(t252, "@system", &why), -EINVAL);
	assert_string_equal(why, "unknown group @system (did you mean @system-service?)");
	free(why);
	assert_int_equal(cg_filter_check_word(t252, "@bogus", &why), -EINVAL);
	assert_string_equal(why, "unknown group @bogus");
	free(why);
	assert_int_equal(cg_filter_check_word(t252, "getpdi", &why), -EINVAL);
	assert_string_equal(why, "unknown system call getpdi (did you mean getpid?)");
	free(why);
	/* Candidates include names only another ABI has. */
	assert_int_equal(cg_filter_check_word(t252, "sockecall", &why), -EINVAL);
	assert_string_equal(why, "unknown system call sockecall (did you mean socketcall?)");
	free(why);
	/* systemd keeps quotes: the word is unknown, the bare one is meant. */
	assert_int_equal(cg_filter_check_word(t252, "\"@mount\"", &why), -EINVAL);
	assert_non_null(strstr(why, "did you mean @mount?"));
	free(why);

	/* Not typos: a name systemd's table lists that this libseccomp
	 * cannot resolve (a parsed table stands in for an old libseccomp),
	 * and a group of a newer systemd. */
	static const char text[] = "@default\n    # System calls that are always permitted\n"
				   "    brk\n    made_up_by_systemd\n"
				   "@known\n    # All system calls defined by the kernel\n"
				   "    brk\n#   also_made_up\n";
	struct cg_table *p = NULL;
	struct cg_error e = {0};
	assert_int_equal(cg_table_parse(text, strlen(text), "t.txt", &p, &e), 0);
	assert_int_equal(cg_filter_check_word(p, "made_up_by_systemd", &why), 1);
	assert_non_null(strstr(why, "not known to libseccomp"));
	free(why);
	assert_int_equal(cg_filter_check_word(p, "also_made_up", &why), 1);
	free(why);
	assert_int_equal(cg_filter_check_word(p, "made_up_by_nobody", &why), -EINVAL);
	free(why);
	assert_int_equal(cg_filter_check_word(t252, "@sandbox", &why), 1);
	assert_non_null(strstr(why, "@sandbox is unknown to systemd 252"));
	free(why);
	cg_table_free(p);
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
	_cleanup_set_ struct cg_set *known = cg_set_new(), *out = cg_set_new(),
				    *want = cg_set_new();
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
	/* Aliases systemd takes as well. */
	assert_int_equal(cg_errno_parse("EWOULDBLOCK"), EAGAIN);
	assert_int_equal(cg_errno_parse("ENOTSUP"), EOPNOTSUPP);
	assert_int_equal(cg_errno_parse("EDEADLOCK"), EDEADLK);
	assert_int_equal(cg_errno_parse("5000"), -EINVAL);
	assert_string_equal(cg_errno_name(EPERM), "EPERM");
	assert_string_equal(cg_errno_name(CG_ERRNO_KILL), "kill");

	char *why = cg_errno_explain("EPREM");
	assert_string_equal(why, "unknown errno name EPREM (did you mean EPERM?)");
	free(why);
	why = cg_errno_explain("eacces"); /* names are upper case */
	assert_string_equal(why, "unknown errno name eacces (did you mean EACCES?)");
	free(why);
	why = cg_errno_explain("KILL");
	assert_string_equal(why, "unknown errno name KILL (did you mean kill?)");
	free(why);
	why = cg_errno_explain("EWHATEVER");
	assert_non_null(strstr(why, "unknown errno name EWHATEVER (expected an errno name"));
	free(why);
	why = cg_errno_explain("5000");
	assert_non_null(strstr(why, "invalid errno number 5000"));
	free(why);
	why = cg_errno_explain("");
	assert_non_null(strstr(why, "missing errno"));
	free(why);
}

int main(void)
{
	t252 = cg_table_builtin_version("252");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_filter),
		cmocka_unit_test(test_allow_list_implies_default),
		cmocka_unit_test(test_chown_overlap),
		cmocka_unit_test(test_mode_from_first_line),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_errno_suffix),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_allowed_set),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_check_word),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
