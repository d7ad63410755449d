/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* unitfile: systemd's line syntax, the settings kept, systemctl cat input,
 * and the lookup of unit files and drop-ins under a root (the same tree
 * test_check.sh compares with systemd-analyze security --root). */
#include "testutil.h"

#include <errno.h>

#include "unitfile.h"

static void values(const struct cg_unit_line *v, size_t n, char *buf, size_t len)
{
	buf[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "%s[%s]", i ? "," : "", v[i].value);
	}
}

static void test_syntax(void **state)
{
	(void)state;
	const char *text = "# comment\n"
			   "[Unit]\n"
			   "SystemCallFilter=@mount\n"
			   "[Service]\r\n"
			   "; other comment\n"
			   "  SystemCallFilter = @basic-io  \n"
			   "SystemCallFilter=\n"
			   "SystemCallFilter=@system-service \\\n"
			   "# skipped inside the continuation\n"
			   "  ioprio_get \\\n"
			   "  @timer\n"
			   "SystemCallFilter=~@privileged:EPERM\\\\\n"
			   "SystemCallErrorNumber=EACCES\n"
			   "SystemCallArchitectures=native x86 arm64\n"
			   "SystemCallLog=@chown\n"
			   "User=app\n"
			   "[Install]\n"
			   "SystemCallFilter=@swap\n";
	struct cg_unit_settings s;
	cg_unit_settings_init(&s);
	struct cg_error e = {0};
	assert_int_equal(cg_unit_parse_file_text(&s, text, "t.service", "service", &e), 0);
	char buf[512];
	values(s.filter, s.nfilter, buf, sizeof buf);
	assert_string_equal(buf, "[@basic-io],[],[@system-service    ioprio_get    @timer],"
				 "[~@privileged:EPERM\\\\]");
	assert_int_equal(s.filter[0].line, 6);
	assert_int_equal(s.filter[2].line, 8);
	assert_int_equal(s.errno_action, EACCES);
	assert_true(s.archs.native);
	assert_int_equal(s.archs.mask, 1u << CG_ABI_I386);
	assert_int_equal(s.nlog, 1);
	assert_string_equal(s.user, "app");
	assert_false(cg_unit_runs_privileged(&s));
	/* arm64 (ignored), and the two assignments outside [Service]. */
	assert_int_equal(s.nwarnings, 3);
	assert_non_null(strstr(s.warnings[0], "t.service:3:"));
	assert_non_null(strstr(s.warnings[1], "arm64"));
	cg_unit_settings_done(&s);

	/* Other unit types take exec settings in their own section. */
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_parse_file_text(&s,
						 "[Service]\nSystemCallFilter=@a\n[Socket]\n"
						 "SystemCallFilter=@b\n",
						 "x.socket", "socket", &e),
			 0);
	values(s.filter, s.nfilter, buf, sizeof buf);
	assert_string_equal(buf, "[@b]");
	cg_unit_settings_done(&s);

	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_parse_file_text(&s, "[Service]\nnonsense\n", "x", NULL, &e),
			 -EINVAL);
	assert_int_equal(e.line, 2);
	assert_int_equal(cg_unit_parse_file_text(&s, "[Service\n", "x", NULL, &e), -EINVAL);
	cg_unit_settings_done(&s);
}

static void test_settings(void **state)
{
	(void)state;
	struct cg_unit_settings s;
	cg_unit_settings_init(&s);
	struct cg_error e = {0};
	assert_int_equal(cg_unit_add_setting(&s, "SystemCallErrorNumber", "kill", "-", 1, &e), 0);
	assert_int_equal(s.errno_action, CG_ERRNO_KILL);
	assert_int_equal(cg_unit_add_setting(&s, "SystemCallErrorNumber", "13", "-", 2, &e), 0);
	assert_int_equal(s.errno_action, 13);
	/* systemd ignores a bad errno; a typo here is an error. */
	assert_int_equal(cg_unit_add_setting(&s, "SystemCallErrorNumber", "EPREM", "u", 3, &e),
			 -EINVAL);
	assert_int_equal(s.errno_action, 13); /* not applied */
	assert_int_equal(s.nwarnings, 0);
	char buf[512];
	assert_string_equal(cg_error_format(&e, buf, sizeof buf),
			    "u:3: unknown errno name EPREM (did you mean EPERM?)");
	assert_string_equal(s.invalid.msg, e.msg); /* kept for cg_unit_apply() */
	assert_int_equal(cg_unit_add_setting(&s, "SystemCallErrorNumber", "0", "-", 4, &e),
			 -EINVAL);
	assert_int_equal(e.line, 4);
	assert_int_equal(s.invalid.line, 3); /* the first one stays */
	assert_int_equal(cg_unit_add_setting(&s, "SystemCallErrorNumber", "", "-", 4, &e), 0);
	assert_int_equal(s.errno_action, CG_ERRNO_NONE);
	assert_int_equal(cg_unit_add_setting(&s, "SystemCallArchitectures", "x86-64", "-", 5, &e),
			 0);
	assert_int_equal(cg_unit_add_setting(&s, "SystemCallArchitectures", "x32", "-", 6, &e), 0);
	assert_int_equal(s.archs.mask, (1u << CG_ABI_X86_64) | (1u << CG_ABI_X32));
	assert_int_equal(cg_unit_add_setting(&s, "SystemCallArchitectures", "", "-", 7, &e), 0);
	assert_false(cg_archs_set(&s.archs));
	/* An architecture outside the x86 family is valid for systemd and
	 * harmless here: a warning. A word nobody knows is a typo. */
	assert_int_equal(
		cg_unit_add_setting(&s, "SystemCallArchitectures", "native arm64", "-", 7, &e), 0);
	assert_true(s.archs.native);
	assert_int_equal(s.nwarnings, 1);
	assert_non_null(strstr(s.warnings[0], "arm64"));
	assert_int_equal(
		cg_unit_add_setting(&s, "SystemCallArchitectures", "nativ", "a.conf", 2, &e),
		-EINVAL);
	assert_string_equal(cg_error_format(&e, buf, sizeof buf),
			    "a.conf:2: unknown architecture nativ (did you mean native?)");
	assert_int_equal(cg_unit_add_setting(&s, "SystemCallArchitectures", "x86_64", "-", 8, &e),
			 -EINVAL);
	assert_string_equal(e.msg, "unknown architecture x86_64 (systemd calls it x86-64)");
	assert_int_equal(cg_unit_add_setting(&s, "SystemCallArchitectures", "sparc", "-", 8, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "expected native, x86-64, x86 or x32"));
	assert_int_equal(cg_unit_add_setting(&s, "ExecStart", "/bin/true", "-", 8, &e), -EINVAL);
	assert_true(cg_unit_runs_privileged(&s));
	s.dynamic_user = true;
	assert_false(cg_unit_runs_privileged(&s));
	cg_unit_settings_done(&s);
}

static void test_apply(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
	struct cg_unit_settings s;
	cg_unit_settings_init(&s);
	struct cg_error e = {0};
	cg_unit_add_setting(&s, "SystemCallFilter", "@system-service", "a", 1, &e);
	cg_unit_add_setting(&s, "SystemCallFilter", "~@privileged", "a", 2, &e);
	cg_unit_add_setting(&s, "SystemCallLog", "@chown @file-system", "a", 3, &e);
	cg_unit_add_setting(&s, "SystemCallLog", "~openat", "a", 4, &e);
	struct cg_filter f, l;
	cg_filter_init(&f);
	cg_filter_init(&l);
	assert_int_equal(cg_unit_apply(&s, t, &f, &e), 0);
	assert_true(f.allow_list);
	assert_false(cg_filter_allows(&f, cg_intern("chown")));
	assert_true(cg_filter_allows(&f, cg_intern("read")));
	assert_int_equal(cg_unit_apply_log(&s, t, &l, &e), 0);
	assert_true(cg_unit_logs(&l, cg_intern("access")));
	assert_false(cg_unit_logs(&l, cg_intern("openat")));
	assert_false(cg_unit_logs(&l, cg_intern("read"))); /* no @default implied */
	cg_filter_done(&f);
	cg_filter_done(&l);

	/* A malformed :errno: systemd skips the word with a log line, a typo
	 * that leaves the filter weaker than it reads: an error. */
	cg_unit_add_setting(&s, "SystemCallFilter", "~mount:EWHAT", "b.conf", 9, &e);
	cg_filter_init(&f);
	assert_int_equal(cg_unit_apply(&s, t, &f, &e), -EINVAL);
	assert_string_equal(e.file, "b.conf");
	assert_int_equal(e.line, 9);
	assert_non_null(strstr(e.msg, "'mount:EWHAT': unknown errno name EWHAT"));
	cg_filter_done(&f);
	cg_unit_settings_done(&s);
}

/* Typos in the names of SystemCallFilter= and SystemCallLog=, and a value
 * cg_unit_add_setting() refused, make the apply functions fail; what systemd
 * ignores that is no typo does not. */
static void test_apply_typos(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
	struct cg_unit_settings s;
	struct cg_filter f;
	struct cg_error e = {0};
	char buf[512];

	cg_unit_settings_init(&s);
	cg_unit_add_setting(&s, "SystemCallFilter", "@system-service", "u.service", 4, &e);
	cg_unit_add_setting(&s, "SystemCallFilter", "~@system-servce @sandbox", "u.service", 5, &e);
	cg_filter_init(&f);
	assert_int_equal(cg_unit_apply(&s, t, &f, &e), -EINVAL);
	assert_string_equal(cg_error_format(&e, buf, sizeof buf),
			    "u.service:5: unknown group @system-servce (did you mean "
			    "@system-service?)");
	cg_filter_done(&f);
	cg_unit_settings_done(&s);

	cg_unit_settings_init(&s);
	cg_unit_add_setting(&s, "SystemCallFilter", "chwon", "--filter", 2, &e);
	cg_filter_init(&f);
	assert_int_equal(cg_unit_apply(&s, t, &f, &e), -EINVAL);
	assert_string_equal(cg_error_format(&e, buf, sizeof buf),
			    "--filter:2: unknown system call chwon (did you mean chown?)");
	cg_filter_done(&f);
	cg_unit_settings_done(&s);

	/* Not typos: a group of a newer systemd, an errno on an allow-listed
	 * entry. */
	cg_unit_settings_init(&s);
	cg_unit_add_setting(&s, "SystemCallFilter", "@system-service @sandbox fchown:EPERM", "u", 1,
			    &e);
	cg_filter_init(&f);
	assert_int_equal(cg_unit_apply(&s, t, &f, &e), 0);
	assert_int_equal(f.nwarnings, 2);
	cg_filter_done(&f);
	cg_unit_settings_done(&s);

	/* SystemCallLog= */
	cg_unit_settings_init(&s);
	cg_unit_add_setting(&s, "SystemCallLog", "@chown @file-sytem", "l.conf", 7, &e);
	cg_filter_init(&f);
	assert_int_equal(cg_unit_apply(&s, t, &f, &e), 0);
	assert_int_equal(cg_unit_apply_log(&s, t, &f, &e), -EINVAL);
	assert_string_equal(cg_error_format(&e, buf, sizeof buf),
			    "l.conf:7: unknown group @file-sytem (did you mean @file-system?)");
	cg_filter_done(&f);
	cg_unit_settings_done(&s);

	/* A refused SystemCallErrorNumber= fails the apply functions even when
	 * the caller went on after it. */
	cg_unit_settings_init(&s);
	assert_int_equal(
		cg_unit_add_setting(&s, "SystemCallErrorNumber", "EWHATEVER", "--option", 1, &e),
		-EINVAL);
	cg_unit_add_setting(&s, "SystemCallFilter", "@system-service", "--option", 2, &e);
	memset(&e, 0, sizeof e);
	cg_filter_init(&f);
	assert_int_equal(cg_unit_apply(&s, t, &f, &e), -EINVAL);
	assert_string_equal(e.file, "--option");
	assert_int_equal(e.line, 1);
	assert_non_null(strstr(e.msg, "EWHATEVER"));
	memset(&e, 0, sizeof e);
	assert_int_equal(cg_unit_apply_log(&s, t, &f, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "EWHATEVER"));
	cg_filter_done(&f);
	cg_unit_settings_done(&s);

	/* In a file, the parser stops at the refused line. */
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_parse_file_text(&s,
						 "[Service]\nSystemCallFilter=@basic-io\n"
						 "SystemCallErrorNumber=EPREM\n",
						 "f.service", NULL, &e),
			 -EINVAL);
	assert_string_equal(cg_error_format(&e, buf, sizeof buf),
			    "f.service:3: unknown errno name EPREM (did you mean EPERM?)");
	cg_unit_settings_done(&s);
	/* Outside its section, systemd does not read it at all: a warning. */
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_parse_file_text(&s, "[Unit]\nSystemCallErrorNumber=EPREM\n",
						 "f.service", NULL, &e),
			 0);
	assert_int_equal(s.nwarnings, 1);
	cg_unit_settings_done(&s);
}

/* An empty unit (a failed `systemctl cat`, an empty file) is an error, not a
 * unit without a filter that passes everything. */
static void test_empty_input(void **state)
{
	(void)state;
	struct cg_unit_settings s;
	struct cg_error e = {0};
	char buf[512];
	static const char *const empty[] = {"", "\n\n", "# only a comment\n; and another\n",
					    "# /lib/systemd/system/foo.service\n"};
	for (size_t i = 0; i < ELEMENTSOF(empty); i++) {
		cg_unit_settings_init(&s);
		assert_int_equal(cg_unit_parse_cat(&s, empty[i], "<stdin>", &e), -EINVAL);
		assert_string_equal(cg_error_format(&e, buf, sizeof buf),
				    "<stdin>: no unit settings read (empty input)");
		cg_unit_settings_done(&s);
	}
	/* A section without settings, or settings outside a section, were
	 * read. */
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_parse_cat(&s, "[Service]\n", "<stdin>", &e), 0);
	cg_unit_settings_done(&s);
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_parse_cat(&s, "ExecStart=/bin/true\n", "<stdin>", &e), 0);
	cg_unit_settings_done(&s);

	/* A file by path. */
	char path[] = "/tmp/cg-test-empty-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_load(path, NULL, &s, &e), -EINVAL);
	assert_string_equal(e.file, path);
	assert_string_equal(e.msg, "no unit settings read (empty input)");
	cg_unit_settings_done(&s);
	unlink(path);
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_load("/dev/null", NULL, &s, &e), -EINVAL);
	cg_unit_settings_done(&s);
}

static void test_cat(void **state)
{
	(void)state;
	const char *text = "# /lib/systemd/system/foo.service\n"
			   "[Service]\n"
			   "# /usr/bin/foo is started below (a comment, not a header)\n"
			   "SystemCallFilter=@system-service\n"
			   "\n"
			   "# /usr/bin/notaunit\n"
			   "SystemCallArchitectures=native\n"
			   "\n"
			   "# /etc/systemd/system/foo.service.d/override.conf\n"
			   "SystemCallFilter=~@outside-section\n"
			   "[Service]\n"
			   "SystemCallFilter=~@privileged\n";
	struct cg_unit_settings s;
	cg_unit_settings_init(&s);
	struct cg_error e = {0};
	assert_int_equal(cg_unit_parse_cat(&s, text, "<stdin>", &e), 0);
	assert_string_equal(s.name, "foo.service");
	assert_string_equal(s.fragment, "/lib/systemd/system/foo.service");
	assert_int_equal(s.ndropins, 1);
	assert_string_equal(s.dropins[0], "/etc/systemd/system/foo.service.d/override.conf");
	char buf[256];
	values(s.filter, s.nfilter, buf, sizeof buf);
	assert_string_equal(buf, "[@system-service],[~@privileged]");
	assert_true(s.archs.native);
	assert_string_equal(s.filter[1].file, "/etc/systemd/system/foo.service.d/override.conf");
	assert_int_equal(s.filter[1].line, 3);
	assert_int_equal(s.nwarnings, 1); /* the assignment before [Service] */
	cg_unit_settings_done(&s);

	/* No header: one anonymous file. */
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_parse_cat(&s, "[Service]\nSystemCallFilter=@a\n", "<stdin>", &e),
			 0);
	assert_null(s.fragment);
	assert_int_equal(s.nfilter, 1);
	assert_string_equal(s.filter[0].file, "<stdin>");
	cg_unit_settings_done(&s);
}

static const char *base(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

static void dropin_list(const struct cg_unit_settings *s, const char *root, char *buf, size_t len)
{
	buf[0] = 0;
	for (size_t i = 0; i < s->ndropins; i++) {
		size_t l = strlen(buf);
		const char *p = s->dropins[i];
		if (strncmp(p, root, strlen(root)) == 0)
			p += strlen(root);
		snprintf(buf + l, len - l, "%s%s", i ? "," : "", p);
	}
}

static void test_lookup(void **state)
{
	(void)state;
	char root[4096];
	snprintf(root, sizeof root, "%s", srcpath("tests/fixtures/units/root"));
	struct cg_unit_settings s;
	struct cg_error e = {0};
	char buf[2048];

	/* /etc's unit file wins over /lib's; drop-ins from /run, /etc and /lib
	 * sorted by name, /etc's 10-a.conf masking /lib's; service.d last. */
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_load("demo.service", root, &s, &e), 0);
	assert_string_equal(base(s.fragment), "demo.service");
	assert_non_null(strstr(s.fragment, "/etc/systemd/system/"));
	dropin_list(&s, root, buf, sizeof buf);
	assert_string_equal(buf, "/run/systemd/system/demo.service.d/05-c.conf,"
				 "/etc/systemd/system/demo.service.d/10-a.conf,"
				 "/lib/systemd/system/demo.service.d/20-b.conf,"
				 "/lib/systemd/system/service.d/99-top.conf");
	values(s.filter, s.nfilter, buf, sizeof buf);
	assert_string_equal(buf, "[@basic-io],[@file-system],[@timer],[~@privileged],[@clock]");
	assert_int_equal(s.errno_action, EPERM);
	assert_int_equal(s.nlog, 1);
	cg_unit_settings_done(&s);

	/* An instance: the template's file, template and instance drop-ins. */
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_load("tmpl@inst.service", root, &s, &e), 0);
	assert_string_equal(s.name, "tmpl@inst.service");
	assert_string_equal(base(s.fragment), "tmpl@.service");
	dropin_list(&s, root, buf, sizeof buf);
	assert_string_equal(buf, "/usr/lib/systemd/system/tmpl@.service.d/10-t.conf,"
				 "/etc/systemd/system/tmpl@inst.service.d/20-i.conf,"
				 "/lib/systemd/system/service.d/99-top.conf");
	cg_unit_settings_done(&s);

	/* Dash prefixes: foo-bar-.service.d/30-p.conf masks foo-.service.d's. */
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_load("foo-bar-baz.service", root, &s, &e), 0);
	dropin_list(&s, root, buf, sizeof buf);
	assert_string_equal(buf, "/lib/systemd/system/foo-.service.d/10-p.conf,"
				 "/lib/systemd/system/foo-bar-baz.service.d/20-own.conf,"
				 "/lib/systemd/system/foo-bar-.service.d/30-p.conf,"
				 "/lib/systemd/system/service.d/99-top.conf");
	cg_unit_settings_done(&s);

	/* An alias: the target's file and the target's drop-ins. */
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_load("dbus-org.example.service", root, &s, &e), 0);
	assert_string_equal(s.name, "dbus-org.example.service");
	dropin_list(&s, root, buf, sizeof buf);
	assert_string_equal(buf, "/lib/systemd/system/foo-.service.d/10-p.conf,"
				 "/lib/systemd/system/foo-bar-baz.service.d/20-own.conf,"
				 "/lib/systemd/system/foo-bar-.service.d/30-p.conf,"
				 "/lib/systemd/system/service.d/99-top.conf");
	cg_unit_settings_done(&s);

	/* Masked: a symlink to /dev/null in /etc; nothing is read. */
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_load("masked.service", root, &s, &e), 0);
	assert_true(s.masked);
	assert_int_equal(s.nfilter, 0);
	cg_unit_settings_done(&s);

	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_load("nosuch.service", root, &s, &e), -ENOENT);
	cg_unit_settings_done(&s);
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_load("not a unit", root, &s, &e), -EINVAL);
	cg_unit_settings_done(&s);

	/* A file by path, with the drop-ins next to it. */
	cg_unit_settings_init(&s);
	assert_int_equal(
		cg_unit_load(srcpath("tests/fixtures/units/pitfalls/mode-first-line.service"), NULL,
			     &s, &e),
		0);
	assert_string_equal(s.name, "mode-first-line.service");
	assert_int_equal(s.ndropins, 1);
	values(s.filter, s.nfilter, buf, sizeof buf);
	assert_string_equal(buf, "[~@mount @reboot],[@system-service]");
	cg_unit_settings_done(&s);
	cg_unit_settings_init(&s);
	assert_int_equal(cg_unit_load("/nonexistent/x.service", NULL, &s, &e), -ENOENT);
	cg_unit_settings_done(&s);

	const char *const *sp = cg_unit_search_path();
	assert_string_equal(sp[4], "/etc/systemd/system");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax),	    cmocka_unit_test(test_settings),
		cmocka_unit_test(test_apply),	    cmocka_unit_test(test_cat),
		cmocka_unit_test(test_lookup),	    cmocka_unit_test(test_apply_typos),
		cmocka_unit_test(test_empty_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
