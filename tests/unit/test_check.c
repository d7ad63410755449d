/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check: denials and their action, the fix (and that it is re-checked),
 * pitfalls, group use, portability between shipped tables. */
#include "testutil.h"

#include <errno.h>

#include "check.h"

static const struct cg_table *t252(void)
{
	return cg_table_builtin_version("252");
}

/* Settings from "Key=value" lines. */
static void settings(struct cg_unit_settings *s, const char *const *lines, size_t n)
{
	cg_unit_settings_init(s);
	struct cg_error e = {0};
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(lines[i], '=');
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(eq - lines[i]), lines[i]);
		assert_int_equal(cg_unit_add_setting(s, key, eq + 1, "t", (unsigned)i + 1, &e), 0);
	}
}

static struct cg_profile *profile(const char *names, enum cg_abi abi)
{
	struct cg_profile *p = cg_profile_new();
	char buf[512];
	snprintf(buf, sizeof buf, "%s", names);
	char *save = NULL;
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		cg_profile_add(p, abi, cg_intern(w), 1, 0);
	return p;
}

static bool has_pitfall(const struct cg_check_result *r, enum cg_pitfall_kind k)
{
	for (size_t i = 0; i < r->npitfalls; i++)
		if (r->pitfalls[i].kind == k)
			return true;
	return false;
}

static void test_chown_overlap(void **state)
{
	(void)state;
	const char *lines[] = {"SystemCallFilter=@system-service",
			       "SystemCallFilter=~@privileged @resources",
			       "SystemCallArchitectures=native"};
	struct cg_unit_settings u;
	settings(&u, lines, ELEMENTSOF(lines));
	_cleanup_profile_ struct cg_profile *p = profile("read chown fchown openat", CG_ABI_X86_64);
	struct cg_check_result r;
	cg_check_result_init(&r);
	struct cg_error e = {0};
	assert_int_equal(cg_check_run(&u, t252(), p, &r, &e), 0);
	assert_true(r.allow_list);
	assert_int_equal(r.ndenials, 2);
	assert_string_equal(cg_name_str(r.denials[0].name), "chown");
	assert_int_equal(r.denials[0].action, CG_DENY_KILL);
	assert_non_null(strstr(r.denials[0].why, "taken back by '~@privileged @resources' (t:2)"));
	/* Taken back by a ~ line: the calls alone, not @chown. */
	assert_string_equal(r.denials[0].fix, "chown");
	assert_int_equal(r.nfix, 1);
	assert_string_equal(r.fix_lines[0], "SystemCallFilter=chown fchown");
	assert_true(r.fix_verified);
	assert_true(has_pitfall(&r, CG_PITFALL_TAKEN_BACK));
	assert_false(has_pitfall(&r, CG_PITFALL_ARCHS));
	for (size_t i = 0; i < r.npitfalls; i++)
		if (r.pitfalls[i].kind == CG_PITFALL_TAKEN_BACK)
			assert_null(strstr(r.pitfalls[i].msg, "explicitly"));

	/* The fix applied really lets them through. */
	struct cg_unit_settings fixed;
	cg_check_apply_fix(&u, &r, &fixed);
	assert_int_equal(fixed.nfilter, 3);
	struct cg_check_result r2;
	cg_check_result_init(&r2);
	assert_int_equal(cg_check_run(&fixed, t252(), p, &r2, &e), 0);
	assert_int_equal(r2.ndenials, 0);
	cg_check_result_done(&r2);
	cg_unit_settings_done(&fixed);
	cg_check_result_done(&r);
	cg_unit_settings_done(&u);
}

static void test_smallest_group(void **state)
{
	(void)state;
	assert_string_equal(cg_check_smallest_group(t252(), cg_intern("timerfd_create")), "@timer");
	assert_string_equal(cg_check_smallest_group(t252(), cg_intern("fchown")), "@chown");
	/* Only in scored groups: none. */
	assert_null(cg_check_smallest_group(t252(), cg_intern("reboot")));

	const char *lines[] = {"SystemCallFilter=@basic-io"};
	struct cg_unit_settings u;
	settings(&u, lines, 1);
	_cleanup_profile_ struct cg_profile *p =
		profile("read timerfd_create timerfd_settime reboot", CG_ABI_X86_64);
	struct cg_check_result r;
	cg_check_result_init(&r);
	struct cg_error e = {0};
	assert_int_equal(cg_check_run(&u, t252(), p, &r, &e), 0);
	assert_int_equal(r.ndenials, 3);
	assert_string_equal(r.fix_lines[0], "SystemCallFilter=@timer reboot");
	assert_true(r.fix_verified);
	assert_non_null(strstr(r.denials[0].why, "not in the allow-list"));
	assert_true(has_pitfall(&r, CG_PITFALL_ARCHS));
	cg_check_result_done(&r);
	cg_unit_settings_done(&u);
}

static void test_actions(void **state)
{
	(void)state;
	const char *lines[] = {"SystemCallFilter=~@mount:EACCES @reboot:kill @swap",
			       "SystemCallErrorNumber=EPERM"};
	struct cg_unit_settings u;
	settings(&u, lines, ELEMENTSOF(lines));
	_cleanup_profile_ struct cg_profile *p = profile("mount reboot swapon read", CG_ABI_X86_64);
	struct cg_check_result r;
	cg_check_result_init(&r);
	struct cg_error e = {0};
	assert_int_equal(cg_check_run(&u, t252(), p, &r, &e), 0);
	assert_false(r.allow_list);
	assert_int_equal(r.ndenials, 3);
	assert_int_equal(r.denials[0].action, CG_DENY_ERRNO); /* mount */
	assert_int_equal(r.denials[0].err, EACCES);
	assert_true(r.denials[0].entry_errno);
	assert_int_equal(r.denials[1].action, CG_DENY_KILL); /* reboot:kill */
	assert_int_equal(r.denials[2].action, CG_DENY_ERRNO); /* swapon: SystemCallErrorNumber= */
	assert_int_equal(r.denials[2].err, EPERM);
	assert_false(r.denials[2].entry_errno);
	assert_string_equal(r.fix_lines[0], "SystemCallFilter=mount reboot swapon");
	assert_true(r.fix_verified);
	cg_check_result_done(&r);
	cg_unit_settings_done(&u);
}

static void test_archs(void **state)
{
	(void)state;
	const char *lines[] = {"SystemCallFilter=@system-service", "SystemCallFilter=~@chown",
			       "SystemCallArchitectures=native"};
	struct cg_unit_settings u;
	settings(&u, lines, ELEMENTSOF(lines));
	_cleanup_profile_ struct cg_profile *p = profile("read fchown", CG_ABI_I386);
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("read"), 1, 0);
	struct cg_check_result r;
	cg_check_result_init(&r);
	struct cg_error e = {0};
	assert_int_equal(cg_check_run(&u, t252(), p, &r, &e), 0);
	/* i386 fchown: killed for its ABI, and denied by the filter after. */
	assert_int_equal(r.ndenials, 3);
	assert_int_equal(r.denials[0].action, CG_DENY_ARCH);
	assert_string_equal(cg_name_str(r.denials[0].name), "fchown");
	assert_int_equal(r.denials[1].action, CG_DENY_KILL);
	assert_int_equal(r.denials[2].action, CG_DENY_ARCH);
	assert_int_equal(r.nfix, 2);
	assert_string_equal(r.fix_lines[0], "SystemCallFilter=fchown");
	assert_string_equal(r.fix_lines[1], "SystemCallArchitectures=x86");
	assert_true(r.fix_verified);
	cg_check_result_done(&r);
	cg_unit_settings_done(&u);
}

static void test_pitfalls(void **state)
{
	(void)state;
	struct {
		const char *lines[3];
		enum cg_pitfall_kind kind;
		bool want;
	} cases[] = {
		{{"SystemCallFilter=~@mount", "SystemCallFilter=@system-service"}, CG_PITFALL_MODE, true},
		{{"SystemCallFilter=@system-service", "SystemCallFilter=~@mount"}, CG_PITFALL_MODE, false},
		{{"SystemCallFilter=~@mount", "SystemCallFilter=", "SystemCallFilter=@basic-io"},
		 CG_PITFALL_MODE, false},
		{{"SystemCallFilter=~execve"}, CG_PITFALL_EXECVE, true},
		{{"SystemCallFilter=@basic-io"}, CG_PITFALL_EXECVE, false}, /* @default has it */
		{{"SystemCallFilter=@system-service", "SystemCallFilter=~execve"}, CG_PITFALL_EXECVE, true},
		{{"SystemCallFilter=@system-service", "SystemCallFilter=~@process"}, CG_PITFALL_EXECVE, false},
		{{"SystemCallFilter=@system-service fchown:EPERM"}, CG_PITFALL_ALLOW_ERRNO, true},
		{{"SystemCallFilter=~fchown:EPERM"}, CG_PITFALL_ALLOW_ERRNO, false},
		{{"SystemCallFilter=@system-service chown", "SystemCallFilter=~@privileged"},
		 CG_PITFALL_TAKEN_BACK, true},
		{{"SystemCallFilter=~@mount", "SystemCallFilter=~@privileged"}, CG_PITFALL_TAKEN_BACK, false},
		{{"SystemCallFilter=@system-service", "SystemCallFilter=~@swap"}, CG_PITFALL_TAKEN_BACK, false},
		{{"SystemCallFilter=@sandbox"}, CG_PITFALL_IGNORED, true}, /* a 254 group */
		{{"SystemCallFilter=@basic-io", "SystemCallArchitectures=native"}, CG_PITFALL_ARCHS, false},
		{{"SystemCallFilter=@basic-io", "SystemCallArchitectures=native x86"}, CG_PITFALL_ARCHS, true},
		{{"SystemCallArchitectures=native"}, CG_PITFALL_ARCHS, false}, /* no filter */
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		size_t n = 0;
		while (n < 3 && cases[i].lines[n])
			n++;
		struct cg_unit_settings u;
		settings(&u, cases[i].lines, n);
		struct cg_check_result r;
		cg_check_result_init(&r);
		struct cg_error e = {0};
		assert_int_equal(cg_check_run(&u, t252(), NULL, &r, &e), 0);
		if (has_pitfall(&r, cases[i].kind) != cases[i].want)
			fail_msg("case %zu (%s): pitfall %s %s", i, cases[i].lines[0],
				 cg_pitfall_kind_name(cases[i].kind),
				 cases[i].want ? "missing" : "reported");
		cg_check_result_done(&r);
		cg_unit_settings_done(&u);
	}
}

static void test_taken_back_explicit(void **state)
{
	(void)state;
	const char *lines[] = {"SystemCallFilter=@system-service chown setuid:EPERM",
			       "SystemCallFilter=~@privileged"};
	struct cg_unit_settings u;
	settings(&u, lines, 2);
	struct cg_check_result r;
	cg_check_result_init(&r);
	struct cg_error e = {0};
	assert_int_equal(cg_check_run(&u, t252(), NULL, &r, &e), 0);
	bool found = false;
	for (size_t i = 0; i < r.npitfalls; i++)
		if (r.pitfalls[i].kind == CG_PITFALL_TAKEN_BACK) {
			found = true;
			assert_non_null(strstr(r.pitfalls[i].msg, "named explicitly: chown)"));
			assert_string_equal(r.pitfalls[i].where, "t:2");
		}
	assert_true(found);
	cg_check_result_done(&r);
	cg_unit_settings_done(&u);
}

static void test_group_use(void **state)
{
	(void)state;
	const char *lines[] = {"SystemCallFilter=@system-service", "SystemCallFilter=~@chown"};
	struct cg_unit_settings u;
	settings(&u, lines, 2);
	struct cg_filter f;
	cg_filter_init(&f);
	struct cg_error e = {0};
	assert_int_equal(cg_unit_apply(&u, t252(), &f, &e), 0);
	struct cg_group_use *v;
	size_t n = cg_check_group_use(&f, t252(), &v);
	bool saw_basic = false, saw_chown = false;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].group->name, "@basic-io") == 0) {
			saw_basic = true;
			assert_int_equal(v[i].allowed, v[i].total);
		}
		if (strcmp(v[i].group->name, "@chown") == 0)
			saw_chown = true;
		if (strcmp(v[i].group->name, "@system-service") == 0)
			assert_true(cg_set_has(v[i].missing, cg_intern("fchown")));
	}
	assert_true(saw_basic);
	assert_false(saw_chown); /* nothing of it allowed: not listed */
	cg_group_use_free(v, n);
	cg_filter_done(&f);
	cg_unit_settings_done(&u);
}

static void test_portability(void **state)
{
	(void)state;
	const char *lines[] = {
		"SystemCallFilter=@basic-io @file-system @process @signal @network-io @io-event @ipc"};
	struct cg_unit_settings u;
	settings(&u, lines, 1);
	const struct cg_table *tables[] = {cg_table_builtin_version("247"), t252()};
	struct cg_port_result pr[2];
	struct cg_error e = {0};
	_cleanup_profile_ struct cg_profile *p = profile("read write mprotect openat", CG_ABI_X86_64);
	assert_int_equal(cg_check_portability(&u, t252(), tables, 2, p, pr, &e), 0);
	assert_int_equal(cg_set_size(pr[0].lost), 1);
	assert_true(cg_set_has(pr[0].lost, cg_intern("mprotect")));
	assert_int_equal(pr[0].nwhy, 1);
	assert_string_equal(pr[0].why[0], "mprotect: in @default of 252, not of 247");
	assert_true(cg_set_empty(pr[1].lost));
	cg_port_result_done(&pr[0]);
	cg_port_result_done(&pr[1]);

	/* Without a profile: every call of either table. */
	assert_int_equal(cg_check_portability(&u, t252(), tables, 2, NULL, pr, &e), 0);
	assert_true(cg_set_has(pr[0].lost, cg_intern("mprotect")));
	assert_true(cg_set_empty(pr[1].lost) && cg_set_empty(pr[1].gained));
	cg_port_result_done(&pr[0]);
	cg_port_result_done(&pr[1]);

	/* And check on 247 says mprotect is denied there. */
	struct cg_check_result r;
	cg_check_result_init(&r);
	assert_int_equal(cg_check_run(&u, tables[0], p, &r, &e), 0);
	assert_int_equal(r.ndenials, 1);
	assert_string_equal(cg_name_str(r.denials[0].name), "mprotect");
	assert_true(r.fix_verified);
	cg_check_result_done(&r);
	cg_unit_settings_done(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chown_overlap), cmocka_unit_test(test_smallest_group),
		cmocka_unit_test(test_actions),       cmocka_unit_test(test_archs),
		cmocka_unit_test(test_pitfalls),      cmocka_unit_test(test_group_use),
		cmocka_unit_test(test_taken_back_explicit),
		cmocka_unit_test(test_portability),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
