/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* crash: audit records captured on kernel 6.18, the other record forms,
 * seccomp action codes, and libc wrapper names. */
#include "testutil.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "crash.h"
#include "filter.h"

static size_t parse_fixture(const char *rel, struct cg_crash_record **v)
{
	size_t len, n;
	char *text = slurp(rel, &len);
	struct cg_error e = {0};
	assert_int_equal(cg_crash_parse(text, len, rel, v, &n, &e), 0);
	free(text);
	return n;
}

static void test_dmesg(void **state)
{
	(void)state;
	struct cg_crash_record *v;
	size_t n = parse_fixture("tests/fixtures/crash/dmesg-6.18.txt", &v);
	assert_int_equal(n, 12);
	/* [ 1213.511353] ... pid=22843 comm="crash_seccomp" ... sig=31
	 * arch=c000003e syscall=93 ... code=0x80000000 */
	const struct cg_crash_record *r = NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i].pid == 22843)
			r = &v[i];
	assert_non_null(r);
	assert_int_equal(r->source, CG_CRASH_AUDIT);
	assert_int_equal(r->line, 5);
	assert_true(r->have_abi);
	assert_int_equal(r->abi, CG_ABI_X86_64);
	assert_int_equal(r->nr, 93);
	assert_string_equal(cg_name_str(r->name), "fchown");
	assert_int_equal(r->arch, 0xc000003e);
	assert_int_equal(r->sig, 31);
	assert_true(r->have_code);
	assert_string_equal(cg_crash_action_name(r->code), "kill-process");
	assert_true(cg_crash_action_kills(r->code));
	assert_string_equal(r->comm, "crash_seccomp");
	assert_string_equal(r->exe, "/work/main/build-check/progs/crash_seccomp");

	size_t x32 = 0, i386 = 0, logs = 0, thread = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].have_abi && v[i].abi == CG_ABI_X32) {
			x32++;
			assert_string_equal(cg_name_str(v[i].name), "getppid");
		}
		if (v[i].have_abi && v[i].abi == CG_ABI_I386)
			i386++;
		if (v[i].have_code &&
		    (v[i].code & CG_SECCOMP_RET_ACTION_FULL) == CG_SECCOMP_RET_LOG) {
			logs++;
			assert_int_equal(v[i].sig, 0);
			assert_false(cg_crash_action_kills(v[i].code));
		}
		if (v[i].have_code && v[i].code == CG_SECCOMP_RET_KILL_THREAD)
			thread++;
	}
	assert_int_equal(x32, 1);
	assert_int_equal(i386, 2);
	assert_int_equal(logs, 3);
	assert_int_equal(thread, 1);
	free(v);
}

static void test_forms(void **state)
{
	(void)state;
	struct cg_crash_record *v;
	size_t n = parse_fixture("tests/fixtures/crash/kmsg-6.18.txt", &v);
	assert_int_equal(n, 4);
	assert_int_equal(v[2].abi, CG_ABI_I386);
	assert_string_equal(cg_name_str(v[2].name), "fchown"); /* i386 nr 95 */
	free(v);

	n = parse_fixture("tests/fixtures/crash/audit-log.txt", &v);
	assert_int_equal(n, 2); /* the type=SYSCALL record is no seccomp record */
	assert_string_equal(v[1].comm, "nginx master");
	assert_string_equal(cg_name_str(v[1].name), "setuid");
	free(v);

	n = parse_fixture("tests/fixtures/crash/journal-short.txt", &v);
	assert_int_equal(n, 3);
	assert_int_equal(v[1].source, CG_CRASH_EXIT);
	assert_string_equal(v[1].unit, "app.service");
	assert_int_equal(v[1].sig, 31);
	assert_int_equal(v[2].source, CG_CRASH_COREDUMP);
	assert_string_equal(v[2].function, "syscall");
	assert_int_equal(v[2].name, CG_NAME_NONE);
	assert_int_equal(v[2].pid, 27779);
	free(v);

	n = parse_fixture("tests/fixtures/crash/coredumpctl-info.txt", &v);
	assert_int_equal(n, 2); /* the SIGSEGV dump is left out */
	assert_string_equal(v[0].function, "fchown");
	assert_string_equal(cg_name_str(v[0].name), "fchown");
	assert_string_equal(v[0].unit, "app.service");
	assert_string_equal(v[0].exe, "/usr/bin/sqlite3");
	assert_int_equal(v[0].sig, 31);
	assert_int_equal(v[0].nr, 93);
	assert_string_equal(cg_name_str(v[1].name), "openat");
	free(v);
}

static void test_errors(void **state)
{
	(void)state;
	struct cg_crash_record *v;
	size_t n;
	struct cg_error e = {0};
	const char *bad = "x\naudit: type=1326 audit(1.2:3): pid=1 sig=31 arch=c000003e code=0x0\n";
	assert_int_equal(cg_crash_parse(bad, strlen(bad), "b", &v, &n, &e), -EINVAL);
	assert_int_equal(e.line, 2);
	assert_null(v);
	const char *noarch = "type=1326 syscall=1\n";
	assert_int_equal(cg_crash_parse(noarch, strlen(noarch), "b", &v, &n, &e), -EINVAL);
	const char *none = "hello\nworld";
	assert_int_equal(cg_crash_parse(none, strlen(none), "b", &v, &n, &e), 0);
	assert_int_equal(n, 0);
	free(v);
	/* An arch this tool does not know: kept, without a name. */
	const char *arm =
		"audit: type=1326 audit(1.2:3): sig=31 arch=c00000b7 syscall=55 code=0x80000000";
	assert_int_equal(cg_crash_parse(arm, strlen(arm), "b", &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_false(v[0].have_abi);
	assert_int_equal(v[0].name, CG_NAME_NONE);
	free(v);
}

static void test_actions_and_wrappers(void **state)
{
	(void)state;
	assert_string_equal(cg_crash_action_name(0x00050001), "errno");
	assert_string_equal(cg_crash_action_name(0x00030000), "trap");
	assert_string_equal(cg_crash_action_name(0x7ff00000), "trace");
	assert_string_equal(cg_crash_action_name(0x7fc00000), "user-notif");
	assert_string_equal(cg_crash_action_name(0x7fff0000), "allow");
	static const char *const map[][2] = {
		{"fchown", "fchown"},
		{"__GI___fchown", "fchown"},
		{"__libc_open64", "openat"},
		{"open64", "openat"},
		{"__open_nocancel", "openat"},
		{"fstatat64", "newfstatat"},
		{"__fxstat64", "newfstatat"},
		{"waitpid", "wait4"},
		{"pthread_create", "clone3"},
		{"__clone_internal", "clone"},
		{"nanosleep", "clock_nanosleep"},
		{"setrlimit", "prlimit64"},
		{"pread64", "pread64"},
		{"chown@plt", "chown"},
		{"__sched_getaffinity_new", NULL},
		{"syscall", NULL},
		{"main", NULL},
		{"", NULL},
	};
	for (size_t i = 0; i < ELEMENTSOF(map); i++) {
		cg_name n = cg_crash_function_syscall(map[i][0]);
		if (!map[i][1]) {
			if (n != CG_NAME_NONE)
				fail_msg("%s -> %s, wanted none", map[i][0], cg_name_str(n));
		} else if (n == CG_NAME_NONE || strcmp(cg_name_str(n), map[i][1]) != 0) {
			fail_msg("%s -> %s, wanted %s", map[i][0],
				 n == CG_NAME_NONE ? "none" : cg_name_str(n), map[i][1]);
		}
	}
}

/* ---- the report explain-crash prints -------------------------------------- */

static const struct cg_crash_item *item_of(const struct cg_crash_report *r, const char *call,
					   enum cg_abi abi)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (r->items[i].rec.name == cg_intern(call) && r->items[i].rec.abi == abi &&
		    r->items[i].rec.have_abi)
			return &r->items[i];
	fail_msg("no record of %s", call);
	return NULL;
}

static void add_fixture(struct cg_crash_report *r, const char *rel)
{
	size_t len;
	_cleanup_free_ char *text = slurp(rel, &len);
	struct cg_error e = {0};
	assert_int_equal(cg_crash_report_add(r, text, len, rel, &e), 0);
}

/* Records, their groups and whether they were stopped, without a unit. */
static void test_report_records(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
	struct cg_crash_report r;
	cg_crash_report_init(&r, t);
	add_fixture(&r, "tests/fixtures/crash/kmsg-6.18.txt");
	add_fixture(&r, "tests/fixtures/crash/journal-short.txt");
	/* The journal's audit record is the same kill as kmsg's chown: one
	 * item seen twice. */
	assert_int_equal(r.nread, 4 + 3);
	assert_int_equal(r.nmatched, 4 + 3);
	assert_int_equal(r.nitems, 4 + 2);
	assert_int_equal(r.nfiles, 2);
	assert_string_equal(r.items[0].file, "tests/fixtures/crash/kmsg-6.18.txt");
	assert_string_equal(r.items[5].file, "tests/fixtures/crash/journal-short.txt");
	const struct cg_crash_item *chown = item_of(&r, "chown", CG_ABI_X86_64);
	assert_int_equal(chown->count, 2);
	assert_int_equal(chown->npids, 1);
	assert_string_equal(chown->file, "tests/fixtures/crash/kmsg-6.18.txt");
	assert_true(chown->stopped);
	assert_int_equal(chown->ngroups, 3);
	assert_string_equal(chown->groups[0]->name, "@chown");
	assert_string_equal(chown->groups[1]->name, "@privileged");
	assert_string_equal(chown->groups[2]->name, "@system-service");
	const struct cg_crash_item *mprotect = item_of(&r, "mprotect", CG_ABI_X86_64);
	assert_false(mprotect->stopped);	/* a SystemCallLog= record */
	assert_int_equal(mprotect->ngroups, 2); /* @default @system-service on 252 */
	/* The exit-status line names no call: no groups. */
	assert_int_equal(r.items[4].rec.source, CG_CRASH_EXIT);
	assert_int_equal(r.items[4].ngroups, 0);
	assert_null(r.items[4].groups);
	/* It and the coredump in syscall() were stopped without a call named. */
	assert_int_equal(r.nstopped_unnamed, 2);
	for (size_t i = 0; i < r.nitems; i++) {
		assert_null(r.items[i].fix);
		assert_false(r.items[i].unit_allows);
	}
	assert_false(r.have_unit);

	/* A malformed record leaves the report as it was. */
	struct cg_error e = {0};
	const char *bad = "audit: type=1326 audit(1.2:3): pid=1 sig=31\n";
	assert_int_equal(cg_crash_report_add(&r, bad, strlen(bad), "bad", &e), -EINVAL);
	assert_int_equal(r.nitems, 6);
	assert_int_equal(r.nread, 7);
	assert_int_equal(r.nfiles, 2);
	assert_string_equal(e.file, "bad");
	cg_crash_report_done(&r);
	assert_int_equal(r.nitems, 0);
	assert_ptr_equal(r.table, t);
}

static void unit_of(struct cg_unit_settings *u, const char *const *lines, size_t n)
{
	cg_unit_settings_init(u);
	u->name = xstrdup("app.service");
	struct cg_error e = {0};
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cg_unit_add_setting(u, "SystemCallFilter", lines[i], "app.service",
						     (unsigned)i + 1, &e),
				 0);
}

/* With a unit: the fix of each stopped call, the lines, and the calls the
 * unit already allows. */
static void test_report_fix(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
	struct cg_crash_report r;
	cg_crash_report_init(&r, t);
	add_fixture(&r, "tests/fixtures/crash/kmsg-6.18.txt");
	struct cg_unit_settings u;
	cg_unit_settings_init(&u);
	struct cg_error e = {0};
	assert_int_equal(
		cg_unit_load(srcpath("tests/fixtures/units/pitfalls/chown-overlap.service"), NULL,
			     &u, &e),
		0);
	assert_int_equal(cg_crash_report_explain(&r, &u, &e), 0);
	assert_true(r.have_unit);
	assert_string_equal(r.unit, "chown-overlap.service");
	/* chown-overlap takes chown and fchown back and is native-only. */
	assert_int_equal(r.check.nfix, 2);
	assert_string_equal(r.check.fix_lines[0], "SystemCallFilter=chown fchown");
	assert_string_equal(r.check.fix_lines[1], "SystemCallArchitectures=x86");
	assert_true(r.check.fix_verified);
	assert_string_equal(item_of(&r, "chown", CG_ABI_X86_64)->fix, "chown");
	/* The i386 fchown: the filter's fix, not the ABI's. */
	assert_string_equal(item_of(&r, "fchown", CG_ABI_I386)->fix, "fchown");
	/* Logged calls need no fix. */
	const struct cg_crash_item *mprotect = item_of(&r, "mprotect", CG_ABI_X86_64);
	assert_null(mprotect->fix);
	assert_false(mprotect->unit_allows);
	cg_unit_settings_done(&u);
	cg_crash_report_done(&r);

	/* The same records under a unit that allows chown: no fix, and the
	 * report says the unit allows it. */
	cg_crash_report_init(&r, t);
	add_fixture(&r, "tests/fixtures/crash/kmsg-6.18.txt");
	const char *lines[] = {"@system-service"};
	unit_of(&u, lines, 1);
	assert_int_equal(cg_crash_report_explain(&r, &u, &e), 0);
	const struct cg_crash_item *chown = item_of(&r, "chown", CG_ABI_X86_64);
	assert_null(chown->fix);
	assert_true(chown->unit_allows);
	assert_int_equal(r.check.nfix, 0);
	cg_unit_settings_done(&u);
	cg_crash_report_done(&r);
}

/* The fix of a record is the rulebook's: cg_fix_for() on the unit's
 * filter, whatever the form of the record. */
static void test_report_fix_is_the_rulebook(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("257");
	static const struct {
		const char *lines[2];
		const char *call;
		int nr;
		const char *want;
	} cases[] = {
		{{"@system-service"}, "umount2", 166, "umount2"},
		{{"@basic-io"}, "timerfd_create", 283, "@timer"},
		{{"@system-service", "~@privileged @resources"}, "chown", 92, "chown"},
		{{"~@chown"}, "fchown", 93, "fchown"},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *text = xasprintf(
			"audit: type=1326 audit(1.2:3): pid=7 comm=\"app\" sig=31 arch=c000003e "
			"syscall=%d compat=0 ip=0x1 code=0x80000000\n",
			cases[i].nr);
		struct cg_crash_report r;
		cg_crash_report_init(&r, t);
		struct cg_error e = {0};
		assert_int_equal(cg_crash_report_add(&r, text, strlen(text), "x", &e), 0);
		struct cg_unit_settings u;
		unit_of(&u, cases[i].lines, cases[i].lines[1] ? 2 : 1);
		assert_int_equal(cg_crash_report_explain(&r, &u, &e), 0);
		assert_int_equal(r.nitems, 1);
		assert_string_equal(cg_name_str(r.items[0].rec.name), cases[i].call);
		assert_string_equal(r.items[0].fix, cases[i].want);
		struct cg_filter f;
		cg_filter_init(&f);
		assert_int_equal(cg_unit_apply(&u, t, &f, &e), 0);
		assert_string_equal(cg_fix_for(t, &f, cg_intern(cases[i].call)), cases[i].want);
		cg_filter_done(&f);
		cg_unit_settings_done(&u);
		cg_crash_report_done(&r);
	}
}

/* Times in UTC: the tests of local times must not depend on the machine. */
static void utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

/* The time of each record form, and which one wins when a line has two. */
static void test_line_times(void **state)
{
	(void)state;
	utc();
	const time_t now = 1795953600; /* 2026-11-29 12:00:00 UTC */
	static const struct {
		const char *line;
		bool known;
		enum cg_crash_clock clock;
		double sec;
	} cases[] = {
		/* audit's own time beats dmesg's since-boot prefix */
		{"[ 1224.596648] audit: type=1326 audit(1795398602.530:37): pid=1", true,
		 CG_CRASH_CLOCK_REAL, 1795398602.530},
		{"type=SECCOMP msg=audit(1795946793.713:15): pid=1", true, CG_CRASH_CLOCK_REAL,
		 1795946793.713},
		{"[ 1234.5678] systemd[1]: app.service: Main process exited", true,
		 CG_CRASH_CLOCK_BOOT, 1234.5678},
		{"[1234.5]x", true, CG_CRASH_CLOCK_BOOT, 1234.5},
		{"5,386,1224596648,-;systemd[1]: x", true, CG_CRASH_CLOCK_BOOT, 1224.596648},
		{"Nov 29 10:05:11 host systemd[1]: x", true, CG_CRASH_CLOCK_REAL, 1795946711},
		{"Nov  9 10:05:11 host systemd[1]: x", true, CG_CRASH_CLOCK_REAL,
		 1795946711 - 20 * 86400},
		{"2026-11-29T10:05:11 host x", true, CG_CRASH_CLOCK_REAL, 1795946711},
		{"2026-11-29T10:05:11Z host x", true, CG_CRASH_CLOCK_REAL, 1795946711},
		{"2026-11-29T10:05:11.250000+0000 host x", true, CG_CRASH_CLOCK_REAL,
		 1795946711.25},
		{"2026-11-29T11:05:11+01:00 host x", true, CG_CRASH_CLOCK_REAL, 1795946711},
		{"2026-11-29T09:05:11-01:00 host x", true, CG_CRASH_CLOCK_REAL, 1795946711},
		/* no time, or none this tool can read */
		{"host systemd[1]: app.service: Main process exited", false, 0, 0},
		{"Foo 29 10:05:11 host", false, 0, 0},
		{"Nov 29 25:05:11x host", false, 0, 0},
		{"Nov 29 25:05:11 host", false, 0, 0},
		{"Nov 32 10:05:11 host", false, 0, 0},
		{"2026-13-29T10:05:11 host", false, 0, 0},
		{"[ abc] x", false, 0, 0},
		{"audit(x:1) 5,6", false, 0, 0},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct cg_crash_time t = {0};
		bool known = cg_crash_line_time(cases[i].line, now, &t);
		if (known != cases[i].known)
			fail_msg("%s: known %d", cases[i].line, known);
		if (!known)
			continue;
		assert_true(t.known);
		assert_int_equal(t.clock, cases[i].clock);
		if (fabs(t.sec - cases[i].sec) > 1e-6)
			fail_msg("%s: %f, want %f", cases[i].line, t.sec, cases[i].sec);
	}
	/* A journal date without a year is the latest one not after now
	 * (a day of slack for clocks): Dec 31 seen on Jan 2 is last year's. */
	struct cg_crash_time t;
	assert_true(cg_crash_line_time("Dec 31 23:00:00 host x", 1798848000, &t));
	assert_true(fabs(t.sec - 1798758000) < 1e-6);
	assert_true(cg_crash_line_time("Dec 31 23:00:00 host x", now, &t));
	assert_true(fabs(t.sec - (1798758000 - 365 * 86400)) < 1e-6);
}

/* The parser gives each record its time: audit, the journal's prefix for
 * status=31/SYS and systemd-coredump's message, coredumpctl's Timestamp:. */
static void test_record_times(void **state)
{
	(void)state;
	utc();
	const time_t now = 1795953600;
	struct cg_crash_record *v;
	size_t n, len;
	struct cg_error e = {0};
	_cleanup_free_ char *journal = slurp("tests/fixtures/crash/journal-short.txt", &len);
	assert_int_equal(cg_crash_parse_at(journal, len, "j", now, &v, &n, &e), 0);
	assert_int_equal(n, 3);
	static const double want[] = {1795398602.530, 1795398602, 1795398603};
	for (size_t i = 0; i < n; i++) {
		assert_true(v[i].time.known);
		assert_int_equal(v[i].time.clock, CG_CRASH_CLOCK_REAL);
		assert_true(fabs(v[i].time.sec - want[i]) < 1e-6);
	}
	free(v);
	_cleanup_free_ char *core = slurp("tests/fixtures/crash/coredumpctl-info.txt", &len);
	assert_int_equal(cg_crash_parse_at(core, len, "c", now, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(v[0].time.known);
	assert_true(fabs(v[0].time.sec - 1795395600) < 1e-6); /* Mon 2026-11-23 01:00:00 UTC */
	assert_false(v[1].time.known);			      /* its block has no Timestamp: */
	free(v);
	const char *kmsg = "5,386,1224596648,-;systemd[1]: app.service: Main process exited, "
			   "code=dumped, status=31/SYS\n"
			   "app.service: Main process exited, code=dumped, status=31/SYS\n";
	assert_int_equal(cg_crash_parse_at(kmsg, strlen(kmsg), "k", now, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(v[0].time.known);
	assert_int_equal(v[0].time.clock, CG_CRASH_CLOCK_BOOT);
	assert_false(v[1].time.known);
	free(v);
}

static void test_parse_since(void **state)
{
	(void)state;
	utc();
	const time_t now = 1795953600;
	static const struct {
		const char *s;
		double want;
	} good[] = {
		{"1795946793", 1795946793},	     {"@1795946793.5", 1795946793.5},
		{"2026-11-29 10:05:11", 1795946711}, {"2026-11-29T10:05:11", 1795946711},
		{"2026-11-29 10:05", 1795946700},    {"2026-11-29", 1795946711 - 36311},
		{"-10min", 1795953600 - 600},	     {"-30s", 1795953600 - 30},
		{"-2h", 1795953600 - 7200},	     {"-1d", 1795953600 - 86400},
		{"-1w", 1795953600 - 7 * 86400},     {"-1h30min", 1795953600 - 5400},
		{"10min ago", 1795953600 - 600},     {"+1h", 1795953600 + 3600},
	};
	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		double got = -1;
		struct cg_error e = {0};
		if (cg_crash_parse_since(good[i].s, now, &got, &e) != 0)
			fail_msg("%s: rejected: %s", good[i].s, e.msg);
		if (fabs(got - good[i].want) > 1e-6)
			fail_msg("%s: %f, want %f", good[i].s, got, good[i].want);
	}
	static const char *const bad[] = {"",
					  "yesterday",
					  "-10",
					  "-10parsecs",
					  "10min",
					  "2026-13-01",
					  "2026-11-29 10:05:11 UTC",
					  "@",
					  "-min",
					  "1795946793x"};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		double got;
		struct cg_error e = {0};
		if (cg_crash_parse_since(bad[i], now, &got, &e) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_string_equal(e.file, "--since");
		assert_non_null(strstr(e.msg, "expected"));
	}
}

/* A report on fixture rel with filter f. */
static void report_with(struct cg_crash_report *r, const struct cg_table *t,
			const struct cg_crash_filter *f, const char *rel)
{
	cg_crash_report_init(r, t);
	r->now = 1795953600;
	cg_crash_report_set_filter(r, f);
	add_fixture(r, rel);
}

static void test_filters(void **state)
{
	(void)state;
	utc();
	const struct cg_table *t = cg_table_builtin_version("252");
	struct cg_crash_report r;
	const char *dmesg = "tests/fixtures/crash/dmesg-6.18.txt";

	report_with(&r, t, &(struct cg_crash_filter){.pid = 27779}, dmesg);
	assert_int_equal(r.nread, 12);
	assert_int_equal(r.nmatched, 1);
	assert_int_equal(r.nitems, 1);
	assert_string_equal(cg_name_str(r.items[0].rec.name), "chown");
	cg_crash_report_done(&r);
	assert_int_equal(r.filter.pid, -1);
	assert_null(r.filter.comm);

	/* The filter's strings are the report's own. */
	char comm[] = "crash_seccomp32";
	report_with(&r, t, &(struct cg_crash_filter){.pid = -1, .comm = comm}, dmesg);
	comm[0] = 'X';
	assert_string_equal(r.filter.comm, "crash_seccomp32");
	assert_int_equal(r.nmatched, 2);
	assert_int_equal(r.nitems, 2);
	for (size_t i = 0; i < r.nitems; i++)
		assert_int_equal(r.items[i].rec.abi, CG_ABI_I386);
	cg_crash_report_done(&r);

	/* --unit: records of another unit go; those naming none stay. */
	report_with(&r, t, &(struct cg_crash_filter){.pid = -1, .unit = "app.service"},
		    "tests/fixtures/crash/coredumpctl-info.txt");
	assert_int_equal(r.nread, 2);
	assert_int_equal(r.nmatched, 1);
	assert_string_equal(r.items[0].rec.unit, "app.service");
	assert_int_equal(r.nunit_unnamed, 0);
	cg_crash_report_done(&r);
	report_with(&r, t, &(struct cg_crash_filter){.pid = -1, .unit = "daemon"},
		    "tests/fixtures/crash/coredumpctl-info.txt");
	assert_int_equal(r.nmatched, 1); /* "daemon" is daemon.service */
	assert_string_equal(r.items[0].rec.unit, "daemon.service");
	cg_crash_report_done(&r);
	report_with(&r, t, &(struct cg_crash_filter){.pid = -1, .unit = "app.service"}, dmesg);
	assert_int_equal(r.nmatched, 12);
	assert_int_equal(r.nunit_unnamed, 12);
	cg_crash_report_done(&r);

	/* --since: at or after, by audit's time (second 1795398602 has
	 * records at .498, .530 three times, .662, .666). */
	report_with(
		&r, t,
		&(struct cg_crash_filter){.pid = -1, .have_since = true, .since = 1795398602.530},
		dmesg);
	assert_int_equal(r.nmatched, 5);
	assert_int_equal(r.ntime_unknown, 0);
	cg_crash_report_done(&r);

	/* Since-boot times count only when the boot time is known. */
	const char *boot = "[ 100.5] systemd[1]: a.service: Main process exited, code=dumped, "
			   "status=31/SYS\n"
			   "[ 200.5] systemd[1]: b.service: Main process exited, code=dumped, "
			   "status=31/SYS\n"
			   "systemd[1]: c.service: Main process exited, code=dumped, "
			   "status=31/SYS\n";
	struct cg_error e = {0};
	cg_crash_report_init(&r, t);
	cg_crash_report_set_filter(
		&r, &(struct cg_crash_filter){.pid = -1, .have_since = true, .since = 1000150});
	assert_int_equal(cg_crash_report_add(&r, boot, strlen(boot), "b", &e), 0);
	assert_int_equal(r.nread, 3);
	assert_int_equal(r.nmatched, 0);
	assert_int_equal(r.ntime_unknown, 3);
	cg_crash_report_done(&r);
	cg_crash_report_init(&r, t);
	cg_crash_report_set_filter(
		&r, &(struct cg_crash_filter){
			    .pid = -1, .have_since = true, .since = 1000150, .boot_time = 1000000});
	assert_int_equal(cg_crash_report_add(&r, boot, strlen(boot), "b", &e), 0);
	assert_int_equal(r.nmatched, 1);
	assert_string_equal(r.items[0].rec.unit, "b.service");
	assert_int_equal(r.ntime_unknown, 1); /* c.service's line has no time */
	/* Without since, no record is left out for its time. */
	cg_crash_report_done(&r);
	cg_crash_report_init(&r, t);
	assert_int_equal(cg_crash_report_add(&r, boot, strlen(boot), "b", &e), 0);
	assert_int_equal(r.nmatched, 3);
	assert_int_equal(r.ntime_unknown, 0);
	cg_crash_report_done(&r);

	/* Filters together: all must hold. */
	report_with(&r, t,
		    &(struct cg_crash_filter){.pid = 27779,
					      .comm = "crash_seccomp",
					      .have_since = true,
					      .since = 1795398603},
		    dmesg);
	assert_int_equal(r.nmatched, 0);
	assert_int_equal(r.nitems, 0);
	cg_crash_report_done(&r);
}

/* The same (unit or comm, ABI, call, action): one item with a count, its
 * pids and its first and last time; anything else apart. */
static void test_grouping(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
#define A "type=1326 audit("
#define KILL " code=0x80000000\n"
	const char *lines = A
		"1000.5:1): pid=10 comm=\"app\" sig=31 arch=c000003e syscall=92" KILL A
		"1003.0:2): pid=11 comm=\"app\" sig=31 arch=c000003e syscall=92" KILL A
		"999.0:3): pid=10 comm=\"app\" sig=31 arch=c000003e syscall=92" KILL
			/* another comm, another action, another ABI, another call */
			A "1001:4): pid=12 comm=\"other\" sig=31 arch=c000003e syscall=92" KILL A
		"1001:5): pid=10 comm=\"app\" sig=0 arch=c000003e syscall=92 code=0x7ffc0000\n" A
		"1001:6): pid=10 comm=\"app\" sig=31 arch=40000003 syscall=182" KILL A
		"1001:7): pid=10 comm=\"app\" sig=31 arch=c000003e syscall=93" KILL
			/* the same unit: comm does not matter */
			A "1:8): pid=20 comm=\"a\" sig=31 arch=c000003e syscall=92 code=0x80000000 "
		"_SYSTEMD_UNIT=u.service\n" A
		"2:9): pid=21 comm=\"b\" sig=31 arch=c000003e syscall=92 code=0x80000000 "
		"_SYSTEMD_UNIT=u.service\n"
		"x.service: Main process exited, code=dumped, status=31/SYS\n"
		"x.service: Main process exited, code=dumped, status=31/SYS\n"
		"y.service: Main process exited, code=dumped, status=31/SYS\n";
#undef A
#undef KILL
	struct cg_crash_report r;
	cg_crash_report_init(&r, t);
	struct cg_error e = {0};
	assert_int_equal(cg_crash_report_add(&r, lines, strlen(lines), "g", &e), 0);
	assert_int_equal(r.nread, 12);
	assert_int_equal(r.nmatched, 12);
	assert_int_equal(r.nitems, 8);
	const struct cg_crash_item *it = &r.items[0];
	assert_int_equal(it->count, 3);
	assert_int_equal(it->rec.line, 1);
	assert_int_equal(it->npids, 2);
	assert_int_equal(it->pids[0], 10);
	assert_int_equal(it->pids[1], 11);
	assert_true(it->first.known);
	assert_true(fabs(it->first.sec - 999.0) < 1e-9);
	assert_true(fabs(it->last.sec - 1003.0) < 1e-9);
	for (size_t i = 1; i <= 4; i++)
		assert_int_equal(r.items[i].count, 1);
	assert_int_equal(r.items[5].count, 2); /* u.service */
	assert_int_equal(r.items[5].npids, 2);
	assert_int_equal(r.items[6].count, 2); /* x.service, no pid, no time */
	assert_int_equal(r.items[6].npids, 0);
	assert_false(r.items[6].first.known);
	assert_int_equal(r.items[7].count, 1);
	assert_int_equal(r.nstopped_named, 5);
	assert_int_equal(r.nstopped_unnamed, 2);
	cg_crash_report_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmesg),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_actions_and_wrappers),
		cmocka_unit_test(test_report_records),
		cmocka_unit_test(test_report_fix),
		cmocka_unit_test(test_report_fix_is_the_rulebook),
		cmocka_unit_test(test_line_times),
		cmocka_unit_test(test_record_times),
		cmocka_unit_test(test_parse_since),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_grouping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
