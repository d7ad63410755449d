/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* harden: unit names and paths, systemctl show, sessions (round trip,
 * first-seen times, merge), the drop-ins (stage, enforce, trace), the
 * "systemctl cat" after a change and its diff, durations. */
#include "testutil.h"

#include <sys/stat.h>

#include "groups.h"
#include "harden.h"
#include "unitfile.h"

static void test_paths(void **state)
{
	(void)state;
	static const struct {
		const char *root, *unit, *name, *dropin, *state;
	} ok[] = {
		{NULL, "nginx", "nginx.service",
		 "/etc/systemd/system/nginx.service.d/zz-callgroups.conf",
		 "/var/lib/callgroups/nginx.service"},
		{"/", "getty@tty1.service", "getty@tty1.service",
		 "/etc/systemd/system/getty@tty1.service.d/zz-callgroups.conf",
		 "/var/lib/callgroups/getty@tty1.service"},
		{"/srv/r", "a.socket", "a.socket",
		 "/srv/r/etc/systemd/system/a.socket.d/zz-callgroups.conf",
		 "/srv/r/var/lib/callgroups/a.socket"},
	};
	for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
		struct cg_harden_paths p;
		struct cg_error e = {0};
		assert_int_equal(cg_harden_paths_init(&p, ok[i].root, ok[i].unit, &e), 0);
		assert_string_equal(p.unit, ok[i].name);
		assert_string_equal(p.dropin, ok[i].dropin);
		assert_string_equal(p.state, ok[i].state);
		cg_harden_paths_done(&p);
	}
	static const struct {
		const char *unit, *msg;
	} bad[] = {
		{"foo@.service", "template: name an instance of it (foo@INSTANCE.service)"},
		{"foo@", "template"},
		{"a/b.service", "not a unit name (character '/')"},
		{"", "not a unit name"},
		{"-x.service", "not a unit name"},
		{"a b", "character ' '"},
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct cg_harden_paths p;
		struct cg_error e = {0};
		assert_int_equal(cg_harden_paths_init(&p, NULL, bad[i].unit, &e), -EINVAL);
		if (!strstr(e.msg, bad[i].msg))
			fail_msg("%s: %s", bad[i].unit, e.msg);
	}
}

static void test_show(void **state)
{
	(void)state;
	struct cg_harden_unit u;
	cg_harden_unit_parse_show("LoadState=loaded\nActiveState=active\nType=notify\nMainPID=42\n"
				  "ControlGroup=/system.slice/x.service\nDelegate=no\n",
				  &u);
	assert_string_equal(u.load_state, "loaded");
	assert_string_equal(u.active_state, "active");
	assert_string_equal(u.type, "notify");
	assert_int_equal(u.main_pid, 42);
	assert_string_equal(u.cgroup, "/system.slice/x.service");
	assert_false(u.delegate);
	cg_harden_unit_parse_show("Delegate=yes\nLoadState=not-found", &u);
	assert_true(u.delegate);
	assert_string_equal(u.load_state, "not-found");
	assert_string_equal(u.cgroup, "");
}

static void test_durations(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		double s;
	} ok[] = {{"90", 90},	{"30s", 30},   {"10min", 600},
		  {"2h", 7200}, {"1d", 86400}, {"1.5h", 5400}};
	for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
		double d = 0;
		struct cg_error e = {0};
		assert_int_equal(cg_harden_parse_duration(ok[i].in, &d, &e), 0);
		assert_true(d == ok[i].s);
	}
	static const char *const bad[] = {"", "0", "-5", "5 parsecs", "h", "nan", "inf", "5y"};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		double d;
		struct cg_error e = {0};
		if (cg_harden_parse_duration(bad[i], &d, &e) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strstr(e.msg, "expected a time"));
	}
	char buf[64];
	assert_string_equal(cg_harden_format_duration(45, buf, sizeof buf), "45 s");
	assert_string_equal(cg_harden_format_duration(3 * 3600 + 12 * 60, buf, sizeof buf),
			    "3 h 12 min");
	assert_string_equal(cg_harden_format_duration(90061, buf, sizeof buf), "1 d 1 h");
}

static struct cg_profile *profile_of(const char *names, uint64_t calls)
{
	struct cg_profile *p = cg_profile_new();
	_cleanup_set_ struct cg_set *s = cg_set_new();
	cg_set_add_words(s, names);
	for (cg_name n = 0; cg_set_next(s, &n); n++)
		cg_profile_add(p, CG_ABI_X86_64, n, calls, 0);
	return p;
}

static void test_sessions(void **state)
{
	(void)state;
	struct cg_harden_session s;
	cg_harden_session_init(&s, "start", "bpf");
	s.started = 1000;
	_cleanup_profile_ struct cg_profile *a = profile_of("read write", 5);
	assert_int_equal(cg_harden_session_update(&s, a, 1010), 2);
	_cleanup_profile_ struct cg_profile *b = profile_of("read write openat", 7);
	assert_int_equal(cg_harden_session_update(&s, b, 1020), 1);
	assert_true(cg_harden_session_first(&s, CG_ABI_X86_64, cg_intern("read")) == 1010);
	assert_true(cg_harden_session_first(&s, CG_ABI_X86_64, cg_intern("openat")) == 1020);
	assert_true(cg_harden_session_first(&s, CG_ABI_X86_64, cg_intern("chown")) < 0);
	assert_true(s.ended == 1020);
	/* The counts are the trace's so far, not added up tick by tick. */
	assert_int_equal(cg_profile_total_calls(s.calls), 21);

	/* The service manager's calls, kept apart. */
	cg_profile_add(s.manager, CG_ABI_X86_64, cg_intern("setsid"), 2, 0);
	cg_profile_add(s.manager, CG_ABI_X86_64, cg_intern("keyctl"), 1, 1);
	_cleanup_free_ char *json = cg_harden_session_format(&s, "x.service");
	struct cg_harden_session r = {0};
	struct cg_error e = {0};
	assert_int_equal(cg_harden_session_parse(json, strlen(json), "f.json", &r, &e), 0);
	assert_int_equal(cg_profile_count(r.manager), 2);
	assert_int_equal(cg_profile_total_errors(r.manager), 1);
	assert_null(cg_profile_find(r.calls, CG_ABI_X86_64, cg_intern("setsid")));
	assert_string_equal(r.source, "start");
	assert_string_equal(r.backend, "bpf");
	assert_true(r.started == 1000 && r.ended == 1020);
	assert_int_equal(cg_profile_count(r.calls), 3);
	assert_int_equal(cg_profile_total_calls(r.calls), 21);
	assert_true(cg_harden_session_first(&r, CG_ABI_X86_64, cg_intern("openat")) == 1020);
	cg_harden_session_done(&r);
	cg_harden_session_done(&s);

	static const char *const bad[] = {
		"{}",
		"[1]",
		"{\"callgroups_profile\": 2, \"calls\": []}",
		"{\"callgroups_profile\": 1, \"calls\": []}",
		"{\"callgroups_profile\": 1, \"session\": \"start\", \"backend\": \"bpf\", "
		"\"started\": 5, \"ended\": 4, \"calls\": []}",
		"{\"callgroups_profile\": 1, \"session\": \"start\", \"backend\": \"bpf\", "
		"\"started\": 1, \"ended\": 4, \"calls\": [{\"abi\": \"arm\", \"syscall\": "
		"\"read\", \"calls\": 1, \"first_seen\": 1}]}",
		"{\"callgroups_profile\": 1, \"session\": \"start\", \"backend\": \"bpf\", "
		"\"started\": 1, \"ended\": 4, \"calls\": [{\"abi\": \"x86-64\", \"syscall\": "
		"\"Read!\", \"calls\": 1, \"first_seen\": 1}]}",
		"{\"callgroups_profile\": 1, \"session\": \"start\", \"backend\": \"bpf\", "
		"\"started\": 1, \"ended\": 4, \"calls\": [{\"abi\": \"x86-64\", \"syscall\": "
		"\"read\", \"calls\": -1, \"first_seen\": 1}]}",
		"not json",
		"{\"callgroups_profile\": 1, \"session\": \"start\", \"backend\": \"bpf\", "
		"\"started\": 1, \"ended\": 4, \"calls\": []} and more",
		"{\"callgroups_profile\": 1, \"session\": \"start\", \"backend\": \"bpf\", "
		"\"started\": 1, \"ended\": 4, \"calls\": [], \"manager_calls\": 3}",
		"{\"callgroups_profile\": 1, \"session\": \"start\", \"backend\": \"bpf\", "
		"\"started\": 1, \"ended\": 4, \"calls\": [], \"manager_calls\": [{\"abi\": "
		"\"x86-64\", \"syscall\": \"setsid\"}]}",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct cg_harden_session x = {0};
		struct cg_error e2 = {0};
		if (cg_harden_session_parse(bad[i], strlen(bad[i]), "bad.json", &x, &e2) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_string_equal(e2.file, "bad.json");
		cg_harden_session_done(&x);
	}
}

/* Sessions saved under a root are merged: calls added, first-seen the
 * earliest, time watched summed, the newest first sighting. */
static void test_state(void **state)
{
	(void)state;
	char root[] = "/tmp/cg-harden-XXXXXX";
	assert_non_null(mkdtemp(root));
	struct cg_harden_paths p;
	struct cg_error e = {0};
	assert_int_equal(cg_harden_paths_init(&p, root, "x.service", &e), 0);
	struct cg_harden_state st;
	cg_harden_state_init(&st);
	assert_int_equal(cg_harden_state_load(&p, &st, &e), 0); /* no directory: no session */
	assert_int_equal(st.nsessions, 0);
	cg_harden_state_done(&st);

	double times[][2] = {{100, 200}, {1000, 1600}};
	const char *names[] = {"read write", "read chown"};
	for (size_t i = 0; i < 2; i++) {
		struct cg_harden_session s;
		cg_harden_session_init(&s, "start", "bpf");
		s.started = times[i][0];
		_cleanup_profile_ struct cg_profile *c = profile_of(names[i], 10);
		cg_harden_session_update(&s, c, times[i][0] + 10 * (double)(i + 1));
		s.ended = times[i][1];
		/* systemd's calls: chown is the unit's too (second session) */
		cg_profile_add(s.manager, CG_ABI_X86_64, cg_intern(i ? "setsid" : "chown"), 1, 0);
		cg_profile_add(s.manager, CG_ABI_I386, cg_intern("setsid"), 1, 0);
		_cleanup_free_ char *path = NULL;
		assert_int_equal(cg_harden_session_save(&p, &s, &path, &e), 0);
		/* a second save of the same session replaces its file */
		assert_int_equal(cg_harden_session_save(&p, &s, &path, &e), 0);
		cg_harden_session_done(&s);
	}
	cg_harden_state_init(&st);
	assert_int_equal(cg_harden_state_load(&p, &st, &e), 0);
	assert_int_equal(st.nsessions, 2);
	assert_true(st.watched == 700);
	assert_true(st.first_started == 100 && st.last_ended == 1600);
	assert_true(st.last_new == 1020);
	assert_int_equal(cg_profile_count(st.all.calls), 3);
	assert_int_equal(cg_profile_total_calls(st.all.calls), 40);
	assert_true(cg_harden_session_first(&st.all, CG_ABI_X86_64, cg_intern("read")) == 110);
	/* the manager's calls merged, apart; those the unit never made, once */
	assert_int_equal(cg_profile_total_calls(st.all.manager), 4);
	const char **only = NULL;
	assert_int_equal(cg_harden_manager_only(&st, &only), 1);
	assert_string_equal(only[0], "setsid");
	free(only);
	cg_harden_state_done(&st);

	/* A file there that is no session: an error naming it. */
	_cleanup_free_ char *bad = xasprintf("%s/zz.json", p.state);
	assert_int_equal(cg_write_file_atomic(bad, "{}", 2, &e), 0);
	cg_harden_state_init(&st);
	assert_int_equal(cg_harden_state_load(&p, &st, &e), -EINVAL);
	assert_non_null(strstr(e.file, "zz.json"));
	cg_harden_state_done(&st);
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	cg_harden_paths_done(&p);
}

static void test_render(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
	assert_non_null(t);
	struct cg_harden_paths p;
	struct cg_error e = {0};
	assert_int_equal(cg_harden_paths_init(&p, NULL, "x.service", &e), 0);
	struct cg_harden_state st;
	cg_harden_state_init(&st);
	st.nsessions = 1;
	st.watched = 3600;
	_cleanup_profile_ struct cg_profile *c = profile_of("read write openat chown", 3);
	struct cg_suggestion s;
	assert_int_equal(cg_suggest(c, t, &s), 0);

	_cleanup_free_ char *enforce = cg_harden_render(&s, CG_HARDEN_ENFORCE, &p, &st);
	assert_memory_equal(enforce, CG_HARDEN_MARK, strlen(CG_HARDEN_MARK));
	assert_non_null(strstr(enforce, "\n[Service]\n"));
	for (size_t i = 0; i < s.allow.nlines; i++) {
		_cleanup_free_ char *l = xasprintf("\nSystemCallFilter=%s\n", s.allow.lines[i]);
		assert_non_null(strstr(enforce, l));
	}
	/* The unit with it allows every observed call: check's parser agrees. */
	struct cg_unit_settings us;
	cg_unit_settings_init(&us);
	assert_int_equal(cg_unit_parse_file_text(&us, enforce, "zz.conf", "service", &e), 0);
	struct cg_filter f;
	cg_filter_init(&f);
	assert_int_equal(cg_unit_apply(&us, t, &f, &e), 0);
	assert_true(cg_filter_allows(&f, cg_intern("chown")));
	assert_false(cg_filter_allows(&f, cg_intern("mount")));
	cg_filter_done(&f);
	cg_unit_settings_done(&us);

	/* Staged: SystemCallLog=~ exactly the allowed set, nothing refused. */
	_cleanup_free_ char *stage = cg_harden_render(&s, CG_HARDEN_STAGE, &p, &st);
	assert_null(strstr(stage, "SystemCallFilter="));
	cg_unit_settings_init(&us);
	assert_int_equal(cg_unit_parse_file_text(&us, stage, "zz.conf", "service", &e), 0);
	assert_int_equal(us.nfilter, 0);
	struct cg_filter log;
	cg_filter_init(&log);
	assert_int_equal(cg_unit_apply_log(&us, t, &log, &e), 0);
	assert_true(log.active && !log.allow_list);
	assert_true(cg_set_equal(log.set, s.allow.allowed) ||
		    cg_set_is_subset(s.allow.allowed, log.set));
	assert_false(cg_unit_logs(&log, cg_intern("chown")));
	assert_false(cg_unit_logs(&log, cg_intern("read")));
	assert_true(cg_unit_logs(&log, cg_intern("mount")));
	cg_filter_done(&log);
	cg_unit_settings_done(&us);
	cg_suggestion_done(&s);
	cg_harden_state_done(&st);
	cg_harden_paths_done(&p);
}

static void test_render_trace(void **state)
{
	(void)state;
	struct cg_harden_paths p;
	struct cg_error e = {0};
	assert_int_equal(cg_harden_paths_init(&p, NULL, "x.service", &e), 0);
	const char *cat = "# /lib/systemd/system/x.service\n[Unit]\nExecStart=/not/this\n"
			  "[Service]\nExecStart=/usr/bin/a one\nExecStartPre=/bin/true\n\n"
			  "# /etc/systemd/system/x.service.d/o.conf\n[Service]\nExecStart=\n"
			  "ExecStart=-/usr/bin/b two\nExecStart=+/usr/bin/c\n";
	_cleanup_free_ char *out = NULL;
	assert_int_equal(cg_harden_render_trace(cat, "/usr/bin/callgroups", NULL, &p, &out, &e), 0);
	assert_non_null(strstr(out, "\nExecStart=\n"));
	assert_null(strstr(out, "/usr/bin/a one"));
	assert_null(strstr(out, "/not/this"));
	assert_non_null(strstr(
		out,
		"\nExecStart=-/usr/bin/callgroups harden record x.service -- /usr/bin/b two\n"));
	assert_non_null(strstr(
		out, "\nExecStart=+/usr/bin/callgroups harden record x.service -- /usr/bin/c\n"));
	free(out);
	out = NULL;
	assert_int_equal(cg_harden_render_trace(cat, "/cg", "/r", &p, &out, &e), 0);
	assert_non_null(strstr(out, "/cg harden --root=/r record x.service"));
	free(out);
	out = NULL;
	static const char *const bad[] = {
		"[Service]\nExecStart=@/usr/bin/a a0\n",
		"[Service]\nType=oneshot\n",
		"[Service]\nExecStart=/usr/bin/a \\\n  b\n",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		assert_int_equal(cg_harden_render_trace(bad[i], "/cg", NULL, &p, &out, &e),
				 -EINVAL);
		assert_null(out);
	}
	assert_int_equal(cg_harden_render_trace(cat, "/cg", "/a b", &p, &out, &e), -EINVAL);
	cg_harden_paths_done(&p);
}

static void test_cat_and_diff(void **state)
{
	(void)state;
	const char *drop = "/etc/systemd/system/x.service.d/zz-callgroups.conf";
	const char *cat = "# /etc/systemd/system/x.service\n[Service]\nExecStart=/a\n\n"
			  "# /etc/systemd/system/x.service.d/10-a.conf\n[Service]\nUser=a\n";
	_cleanup_free_ char *added = cg_harden_cat_with(cat, drop, "[Service]\nX=1\n");
	assert_string_equal(added,
			    "# /etc/systemd/system/x.service\n[Service]\nExecStart=/a\n\n"
			    "# /etc/systemd/system/x.service.d/10-a.conf\n[Service]\nUser=a\n"
			    "\n# /etc/systemd/system/x.service.d/zz-callgroups.conf\n"
			    "[Service]\nX=1\n");
	/* Replacing ours keeps its place. */
	_cleanup_free_ char *again = cg_harden_cat_with(added, drop, "[Service]\nX=2\n");
	assert_non_null(strstr(again, "zz-callgroups.conf\n[Service]\nX=2\n"));
	assert_null(strstr(again, "X=1"));
	/* Before a drop-in whose name sorts after ours. */
	const char *cat2 = "# /etc/systemd/system/x.service\n[Service]\nExecStart=/a\n\n"
			   "# /run/systemd/system/x.service.d/zzz.conf\n[Service]\nUser=b\n";
	_cleanup_free_ char *mid = cg_harden_cat_with(cat2, drop, "[Service]\nX=1\n");
	assert_true(strstr(mid, "zz-callgroups.conf") < strstr(mid, "zzz.conf"));

	_cleanup_free_ char *d = cg_harden_diff(cat, added, "before", "after");
	assert_string_equal(d, "--- before\n+++ after\n@@ -5,3 +5,7 @@\n"
			       " # /etc/systemd/system/x.service.d/10-a.conf\n [Service]\n User=a\n"
			       "+\n+# /etc/systemd/system/x.service.d/zz-callgroups.conf\n"
			       "+[Service]\n+X=1\n");
	_cleanup_free_ char *none = cg_harden_diff(cat, cat, "a", "b");
	assert_string_equal(none, "");
	_cleanup_free_ char *from_empty = cg_harden_diff("", "a\n", "a", "b");
	assert_string_equal(from_empty, "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+a\n");
}

/* Writing and removing drop-ins: only files that carry the mark. */
static void test_dropins(void **state)
{
	(void)state;
	char root[] = "/tmp/cg-harden-XXXXXX";
	assert_non_null(mkdtemp(root));
	struct cg_harden_paths p;
	struct cg_error e = {0};
	assert_int_equal(cg_harden_paths_init(&p, root, "x.service", &e), 0);
	const char *text = CG_HARDEN_MARK " (enforce)\n[Service]\nSystemCallFilter=@basic-io\n";
	assert_int_equal(cg_harden_write_dropin(&p, p.dropin, text, &e), 0);
	assert_int_equal(access(p.dropin, F_OK), 0);
	unsigned n = 0;
	assert_int_equal(cg_harden_reset(&p, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(access(p.dropin_dir, F_OK), -1); /* we made it, it is empty: gone */
	/* A directory that was there stays, and so does a foreign file. */
	assert_int_equal(mkdir(p.dropin_dir, 0755), 0);
	assert_int_equal(cg_write_file_atomic(p.dropin, "[Service]\n", 10, &e), 0);
	assert_int_equal(cg_harden_write_dropin(&p, p.dropin, text, &e), -EEXIST);
	assert_int_equal(cg_harden_reset(&p, &n, &e), -EEXIST);
	assert_int_equal(access(p.dropin, F_OK), 0);
	assert_int_equal(unlink(p.dropin), 0);
	assert_int_equal(cg_harden_write_dropin(&p, p.dropin, text, &e), 0);
	assert_int_equal(cg_harden_reset(&p, &n, &e), 0);
	assert_int_equal(access(p.dropin_dir, F_OK), 0);
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	cg_harden_paths_done(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),	     cmocka_unit_test(test_show),
		cmocka_unit_test(test_durations),    cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_state),	     cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_trace), cmocka_unit_test(test_cat_and_diff),
		cmocka_unit_test(test_dropins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
