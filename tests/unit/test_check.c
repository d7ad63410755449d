/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check: denials and their action, the fix (and that it is re-checked),
 * pitfalls, group use, portability between shipped tables; the whole
 * report of cg_check_unit() on the unit fixtures (logged set, exposure
 * before and after the fix, verdicts per version, systemd-analyze). */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>

#include "analyze.h"
#include "check.h"
#include "input.h"
#include "spawn.h"

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
	assert_string_equal(cg_fix_group(t252(), cg_intern("timerfd_create"))->name, "@timer");
	assert_string_equal(cg_fix_group(t252(), cg_intern("fchown"))->name, "@chown");
	/* Only in scored groups: none. */
	assert_null(cg_fix_group(t252(), cg_intern("reboot")));

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
	assert_int_equal(r.denials[1].action, CG_DENY_KILL);  /* reboot:kill */
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
		{{"SystemCallFilter=~@mount", "SystemCallFilter=@system-service"},
		 CG_PITFALL_MODE,
		 true},
		{{"SystemCallFilter=@system-service", "SystemCallFilter=~@mount"},
		 CG_PITFALL_MODE,
		 false},
		{{"SystemCallFilter=~@mount", "SystemCallFilter=", "SystemCallFilter=@basic-io"},
		 CG_PITFALL_MODE,
		 false},
		{{"SystemCallFilter=~execve"}, CG_PITFALL_EXECVE, true},
		{{"SystemCallFilter=@basic-io"}, CG_PITFALL_EXECVE, false}, /* @default has it */
		{{"SystemCallFilter=@system-service", "SystemCallFilter=~execve"},
		 CG_PITFALL_EXECVE,
		 true},
		{{"SystemCallFilter=@system-service", "SystemCallFilter=~@process"},
		 CG_PITFALL_EXECVE,
		 false},
		{{"SystemCallFilter=@system-service fchown:EPERM"}, CG_PITFALL_ALLOW_ERRNO, true},
		{{"SystemCallFilter=~fchown:EPERM"}, CG_PITFALL_ALLOW_ERRNO, false},
		{{"SystemCallFilter=@system-service chown", "SystemCallFilter=~@privileged"},
		 CG_PITFALL_TAKEN_BACK,
		 true},
		{{"SystemCallFilter=~@mount", "SystemCallFilter=~@privileged"},
		 CG_PITFALL_TAKEN_BACK,
		 false},
		{{"SystemCallFilter=@system-service", "SystemCallFilter=~@swap"},
		 CG_PITFALL_TAKEN_BACK,
		 false},
		{{"SystemCallFilter=@sandbox"}, CG_PITFALL_IGNORED, true}, /* a 254 group */
		{{"SystemCallFilter=@basic-io", "SystemCallArchitectures=native"},
		 CG_PITFALL_ARCHS,
		 false},
		{{"SystemCallFilter=@basic-io", "SystemCallArchitectures=native x86"},
		 CG_PITFALL_ARCHS,
		 true},
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
	_cleanup_profile_ struct cg_profile *p =
		profile("read write mprotect openat", CG_ABI_X86_64);
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

/* ---- cg_check_unit(): the whole report on the fixtures ------------------ */

#define PITFALLS "tests/fixtures/units/pitfalls/"
#define STRACE "tests/fixtures/strace/strace-6.13-f-c.txt"

static void load_unit(struct cg_unit_settings *u, const char *rel)
{
	cg_unit_settings_init(u);
	struct cg_error e = {0};
	if (cg_unit_load(srcpath(rel), NULL, u, &e) < 0)
		fail_msg("cannot load %s: %s", rel, e.msg);
}

/* The profile of a fixture, with extra calls (space-separated, x86-64). */
static struct cg_profile *load_profile(const char *rel, const char *extra)
{
	struct cg_profile *p = cg_profile_new();
	struct cg_error e = {0};
	if (cg_input_read(srcpath(rel), NULL, p, NULL, &e) < 0)
		fail_msg("cannot read %s: %s", rel, e.msg);
	char buf[256];
	snprintf(buf, sizeof buf, "%s", extra);
	char *save = NULL;
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		cg_profile_add(p, CG_ABI_X86_64, cg_intern(w), 1, 0);
	return p;
}

static const struct cg_exposure_row *row(const struct cg_exposure *x, const char *name)
{
	const struct cg_exposure_row *r = cg_exposure_find(x, name);
	if (!r)
		fail_msg("no exposure row %s", name);
	return r;
}

static const struct cg_check_denial *denial(const struct cg_check_report *c, const char *name)
{
	for (size_t i = 0; i < c->result.ndenials; i++)
		if (strcmp(cg_name_str(c->result.denials[i].name), name) == 0)
			return &c->result.denials[i];
	return NULL;
}

/* @system-service then ~@privileged @resources, and a workload that also
 * chowns: chown is denied, the fix lets it through, and with the fix the
 * ~@privileged row of systemd-analyze security turns bad. */
static void test_report_denial_fix_exposure(void **state)
{
	(void)state;
	struct cg_unit_settings u;
	load_unit(&u, PITFALLS "chown-overlap.service");
	_cleanup_profile_ struct cg_profile *p = load_profile(STRACE, "chown");
	struct cg_check_opts o = {.table = t252(), .profile = p};
	struct cg_check_report c;
	struct cg_error e = {0};
	assert_int_equal(cg_check_unit(&u, &o, &c, &e), 0);

	assert_ptr_equal(c.unit, &u);
	assert_true(c.have_profile);
	assert_int_equal(c.nobserved, cg_profile_count(p));
	assert_true(c.filter.active && c.filter.allow_list);
	assert_false(cg_filter_allows(&c.filter, cg_intern("chown")));
	assert_true(cg_filter_allows(&c.filter, cg_intern("openat")));
	assert_false(c.log.active);
	assert_true(cg_set_empty(c.logged));

	/* Only chown of the fixture's calls is denied; it kills. */
	assert_int_equal(c.result.ndenials, 1);
	const struct cg_check_denial *d = denial(&c, "chown");
	assert_non_null(d);
	assert_int_equal(d->action, CG_DENY_KILL);
	assert_non_null(strstr(d->why, "taken back by '~@privileged @resources'"));
	assert_int_equal(c.result.nfix, 1);
	assert_true(c.result.fix_verified);
	assert_true(cg_check_report_denies(&c));

	/* Exposure: before, every group row is set (the allow-list holds none
	 * of their calls); after, ~@privileged is bad for chown, badness 9 of
	 * an allow-list, and adds ceil(9 * 700 / 10) to the sum. */
	assert_true(c.have_exposure);
	const struct cg_exposure_row *b = row(&c.before, "SystemCallFilter=~@privileged");
	const struct cg_exposure_row *a = row(&c.after, "SystemCallFilter=~@privileged");
	assert_true(b->set);
	assert_int_equal(b->badness, 0);
	assert_false(a->set);
	assert_int_equal(a->badness, 9);
	assert_string_equal(a->offender, "chown");
	assert_int_equal(a->exposure, 630);
	assert_int_equal(c.after.sum_exposure, c.before.sum_exposure + 630);
	assert_int_equal(c.after.weight_total, c.before.weight_total);
	assert_true(row(&c.after, "SystemCallArchitectures=")->set);

	/* Group use: @system-service is allowed but for what ~ took back. */
	bool saw = false;
	for (size_t i = 0; i < c.nuses; i++)
		if (strcmp(c.uses[i].group->name, "@system-service") == 0) {
			saw = true;
			assert_true(c.uses[i].allowed < c.uses[i].total);
			assert_true(cg_set_has(c.uses[i].missing, cg_intern("chown")));
		}
	assert_true(saw);

	/* Not asked for: no systemd-analyze, no versions. */
	assert_false(c.analyze.requested);
	assert_int_equal(c.analyze.score.before, -1);
	assert_int_equal(c.analyze.score.after, -1);
	assert_int_equal(c.nport, 0);
	assert_null(c.port);
	cg_check_report_done(&c);
	cg_unit_settings_done(&u);
}

/* Nothing denied: the exposure after is the exposure before. */
static void test_report_nothing_denied(void **state)
{
	(void)state;
	struct cg_unit_settings u;
	load_unit(&u, PITFALLS "chown-overlap.service");
	_cleanup_profile_ struct cg_profile *p = load_profile(STRACE, "");
	struct cg_check_opts o = {.table = t252(), .profile = p};
	struct cg_check_report c;
	struct cg_error e = {0};
	assert_int_equal(cg_check_unit(&u, &o, &c, &e), 0);
	assert_int_equal(c.result.ndenials, 0);
	assert_int_equal(c.result.nfix, 0);
	assert_false(cg_check_report_denies(&c));
	assert_int_equal(c.after.sum_exposure, c.before.sum_exposure);
	assert_true(row(&c.after, "SystemCallFilter=~@privileged")->set);
	cg_check_report_done(&c);
	cg_unit_settings_done(&u);
}

/* SystemCallLog=@chown @file-system, then ~openat, under a filter that
 * takes @privileged back with EPERM: only the observed calls that pass
 * the filter and are in the log set are logged. */
static void test_report_logged(void **state)
{
	(void)state;
	struct cg_unit_settings u;
	load_unit(&u, PITFALLS "log.service");
	_cleanup_profile_ struct cg_profile *p = load_profile(STRACE, "chown");
	struct cg_check_opts o = {.table = t252(), .profile = p};
	struct cg_check_report c;
	struct cg_error e = {0};
	assert_int_equal(cg_check_unit(&u, &o, &c, &e), 0);
	assert_true(c.log.active);
	const char *want[] = {"access", "chdir", "close", "newfstatat"};
	assert_int_equal(cg_set_size(c.logged), ELEMENTSOF(want));
	for (size_t i = 0; i < ELEMENTSOF(want); i++)
		assert_true(cg_set_has(c.logged, cg_intern(want[i])));
	/* Observed and in @file-system, but ~openat leaves it out. */
	assert_false(cg_set_has(c.logged, cg_intern("openat")));
	/* In @chown, but the filter denies it: its EPERM wins over logging. */
	assert_false(cg_set_has(c.logged, cg_intern("chown")));
	const struct cg_check_denial *d = denial(&c, "chown");
	assert_non_null(d);
	assert_int_equal(d->action, CG_DENY_ERRNO);
	assert_int_equal(d->err, EPERM);
	cg_check_report_done(&c);
	cg_unit_settings_done(&u);
}

/* Fine groups: fine on 252, where mprotect and getrandom are in @default;
 * 247 denies both. */
static void test_report_versions(void **state)
{
	(void)state;
	struct cg_unit_settings u;
	load_unit(&u, PITFALLS "fine-groups.service");
	_cleanup_profile_ struct cg_profile *p = load_profile(STRACE, "");
	const struct cg_table *versions[] = {cg_table_builtin_version("247"), t252()};
	struct cg_check_opts o = {
		.table = t252(), .versions = versions, .nversions = 2, .profile = p};
	struct cg_check_report c;
	struct cg_error e = {0};
	assert_int_equal(cg_check_unit(&u, &o, &c, &e), 0);
	assert_int_equal(c.nport, 2);
	assert_ptr_equal(c.port[0].table, versions[0]);
	assert_int_equal(cg_set_size(c.port[0].lost), 2);
	assert_true(cg_set_has(c.port[0].lost, cg_intern("mprotect")));
	assert_true(cg_set_has(c.port[0].lost, cg_intern("getrandom")));
	assert_int_equal(c.port[0].nwhy, 2);
	assert_string_equal(c.port[0].why[0], "getrandom: in @default of 252, not of 247");
	assert_string_equal(c.port[0].why[1], "mprotect: in @default of 252, not of 247");
	assert_true(cg_set_empty(c.port[1].lost) && cg_set_empty(c.port[1].gained));
	assert_true(c.port_broken);
	assert_true(cg_check_report_denies(&c));
	cg_check_report_done(&c);

	/* Without a profile: the verdicts compare every call, and nothing
	 * observed can break. */
	o.profile = NULL;
	assert_int_equal(cg_check_unit(&u, &o, &c, &e), 0);
	assert_false(c.have_profile);
	assert_true(cg_set_has(c.port[0].lost, cg_intern("mprotect")));
	assert_false(c.port_broken);
	assert_false(cg_check_report_denies(&c));
	assert_int_equal(c.result.ndenials, 0);
	cg_check_report_done(&c);
	cg_unit_settings_done(&u);
}

static void test_analyze_parse(void **state)
{
	(void)state;
	assert_int_equal(cg_analyze_parse_overall("x\n→ Overall exposure level for a.service: "
						  "7.8 EXPOSED 🙁\n"),
			 78);
	assert_int_equal(cg_analyze_parse_overall("Overall exposure level for b: 10.0 UNSAFE"),
			 100);
	assert_int_equal(cg_analyze_parse_overall("Overall exposure level for b: UNSAFE"), -1);
	assert_int_equal(cg_analyze_parse_overall("nothing"), -1);
	assert_int_equal(cg_analyze_parse_overall(NULL), -1);
}

/* What the report says when systemd-analyze cannot score the unit. */
static void test_analyze_unavailable(void **state)
{
	(void)state;
	const char *lines[] = {"SystemCallFilter=@system-service"};
	struct cg_unit_settings u;
	settings(&u, lines, 1);
	u.name = xstrdup("x.socket");
	struct cg_check_opts o = {.table = t252(), .analyze = true};
	struct cg_check_report c;
	struct cg_error e = {0};
	assert_int_equal(cg_check_unit(&u, &o, &c, &e), 0);
	assert_true(c.analyze.requested);
	assert_int_equal(c.analyze.status, -EOPNOTSUPP);
	assert_non_null(strstr(c.analyze.error.msg, "only services"));
	assert_int_equal(c.analyze.score.before, -1);
	cg_check_report_done(&c);

	/* Not installed: nothing in PATH. */
	free(u.name);
	u.name = xstrdup("x.service");
	const char *old = getenv("PATH");
	_cleanup_free_ char *saved = old ? xstrdup(old) : NULL;
	assert_int_equal(setenv("PATH", "/nonexistent-callgroups-test", 1), 0);
	int r = cg_check_unit(&u, &o, &c, &e);
	if (saved)
		setenv("PATH", saved, 1);
	else
		unsetenv("PATH");
	assert_int_equal(r, 0);
	assert_int_equal(c.analyze.status, -ENOENT);
	assert_non_null(strstr(c.analyze.error.msg, "not found"));
	assert_int_equal(c.analyze.score.before, -1);
	assert_int_equal(c.analyze.score.after, -1);
	cg_check_report_done(&c);
	cg_unit_settings_done(&u);
}

/* The score of the unit file itself, as systemd-analyze prints it. */
static int analyze_file(const char *path)
{
	static char *const env[] = {"SYSTEMD_COLORS=0", NULL};
	char *argv[] = {"systemd-analyze", "security", "--offline=true", (char *)path, NULL};
	size_t len;
	int code;
	_cleanup_free_ char *out = cg_spawn_capture(argv, env, &len, &code);
	return cg_analyze_parse_overall(out);
}

/* Only registered when systemd-analyze is installed. */
static void test_analyze(void **state)
{
	(void)state;
	struct cg_unit_settings u;
	load_unit(&u, PITFALLS "chown-overlap.service");
	_cleanup_profile_ struct cg_profile *p = load_profile(STRACE, "chown");
	struct cg_check_opts o = {.table = t252(), .profile = p, .analyze = true};
	struct cg_check_report c;
	struct cg_error e = {0};
	assert_int_equal(cg_check_unit(&u, &o, &c, &e), 0);
	if (c.analyze.status < 0)
		fail_msg("systemd-analyze did not score the copy: %s", c.analyze.error.msg);
	/* The copy scores as the fixture itself does. */
	int want = analyze_file(srcpath(PITFALLS "chown-overlap.service"));
	assert_true(want >= 0);
	assert_int_equal(c.analyze.score.before, want);
	/* The fix re-allows chown: ~@privileged turns bad, 630 more badness
	 * over a weight total between 31500 and 63000 (every version's is):
	 * the overall score rises by 1 or 2 tenths. */
	assert_true(c.before.weight_total > 31500 && c.before.weight_total <= 63000);
	int delta = c.analyze.score.after - c.analyze.score.before;
	if (delta < 1 || delta > 2)
		fail_msg("overall exposure %d -> %d with the fix", c.analyze.score.before,
			 c.analyze.score.after);
	cg_check_report_done(&c);

	/* Settings given by hand (no unit file): scored as a unit of their
	 * own; without denials there is no fix and no second score. */
	const char *lines[] = {"SystemCallFilter=@system-service",
			       "SystemCallArchitectures=native"};
	struct cg_unit_settings h;
	settings(&h, lines, 2);
	o.profile = NULL;
	assert_int_equal(cg_check_unit(&h, &o, &c, &e), 0);
	assert_int_equal(c.analyze.status, 0);
	assert_true(c.analyze.score.before >= 0 && c.analyze.score.before <= 100);
	assert_int_equal(c.analyze.score.after, -1);
	cg_check_report_done(&c);
	cg_unit_settings_done(&h);
	cg_unit_settings_done(&u);
}

static void skipped(void **state)
{
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chown_overlap),
		cmocka_unit_test(test_smallest_group),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_archs),
		cmocka_unit_test(test_pitfalls),
		cmocka_unit_test(test_group_use),
		cmocka_unit_test(test_taken_back_explicit),
		cmocka_unit_test(test_portability),
		cmocka_unit_test(test_report_denial_fix_exposure),
		cmocka_unit_test(test_report_nothing_denied),
		cmocka_unit_test(test_report_logged),
		cmocka_unit_test(test_report_versions),
		cmocka_unit_test(test_analyze_parse),
		cmocka_unit_test(test_analyze_unavailable),
		cmocka_unit_test(test_analyze),
	};
	/* Without systemd-analyze its test is not run; its entry says so in
	 * TAP ("ok N - ... # SKIP reason", which tests/run.sh counts as
	 * skipped; cmocka's own skip() prints "not ok ... # SKIP"). */
	struct CMUnitTest run[ELEMENTSOF(tests)];
	memcpy(run, tests, sizeof tests);
	_cleanup_free_ char *analyze = cg_find_command("systemd-analyze");
	if (!analyze)
		run[ELEMENTSOF(run) - 1] = (struct CMUnitTest){
			.name = "test_analyze # SKIP systemd-analyze is not installed (not in PATH)",
			.test_func = skipped,
		};
	return _cmocka_run_group_tests("check", run, ELEMENTSOF(run), NULL, NULL);
}
