/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* runner: cg_run() with the test programs that make known calls (run_three,
 * run_chown) and with sh: exit codes, kill records naming the call and its
 * fix, complain counts, logged calls, start failures, and the signals while
 * the command runs. Kill and log records need the audit log group or
 * /dev/kmsg (root here); those checks are skipped without them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"

#include "enforce.h"
#include "filter.h"
#include "runner.h"

#define FINE "@basic-io @file-system @process @signal"

static const struct cg_table *tab;

/* A policy of SystemCallFilter= lines (NULL-terminated) and errno_action;
 * f holds the filter (cg_filter_done() it). */
static struct cg_policy policy(struct cg_filter *f, const char *const *lines, int errno_action)
{
	struct cg_error e = {0};
	cg_filter_init(f);
	for (size_t i = 0; lines[i]; i++)
		assert_int_equal(cg_filter_add(f, tab, lines[i], &e), 0);
	return (struct cg_policy){.filter = f, .errno_action = errno_action};
}

/* Runs argv under p; asserts that cg_run() itself succeeded. */
static void run(const struct cg_policy *p, bool complain, char *const *argv,
		struct cg_run_result *r)
{
	struct cg_run_opts o = {.policy = p, .table = tab, .argv = argv, .complain = complain};
	struct cg_error e = {0};
	int ret = cg_run(&o, r, &e);
	if (ret < 0)
		fail_msg("cg_run: %s", e.msg);
}

static void skip_without_records(const struct cg_run_result *r)
{
	if (r->records_err) {
		print_message("# neither the audit group nor /dev/kmsg is readable: %s\n",
			      strerror(-r->records_err));
		skip();
	}
}

static bool ignored(int sig)
{
	struct sigaction sa;
	sigaction(sig, NULL, &sa);
	return sa.sa_handler == SIG_IGN;
}

static bool defaulted(int sig)
{
	struct sigaction sa;
	sigaction(sig, NULL, &sa);
	return sa.sa_handler == SIG_DFL;
}

/* First: the snapshot of the inherited signals is taken once, by the first
 * cg_run(). SIGHUP is ignored as under nohup; SIGINT is not. */
static void test_signals_inherited(void **state)
{
	(void)state;
	struct cg_policy p = {.errno_action = CG_ERRNO_NONE};
	struct cg_run_result r;
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_DFL);
	/* The command ignores SIGHUP as we did. */
	run(&p, false, (char *[]){"sh", "-c", "kill -HUP $$; exit 4", NULL}, &r);
	assert_int_equal(r.exit_code, 4);
	cg_run_result_done(&r);
	/* SIGINT is at its default in the command, although cg_run ignores
	 * it while the command runs. */
	run(&p, false, (char *[]){"sh", "-c", "kill -INT $$; exit 4", NULL}, &r);
	assert_int_equal(r.exit_code, 128 + SIGINT);
	cg_run_result_done(&r);
	/* ... and SIGINT and SIGQUIT sent to us then are ignored (else this
	 * test program would die here); a SIGHUP too, as it was before. */
	run(&p, false,
	    (char *[]){"sh", "-c", "kill -INT $PPID; kill -QUIT $PPID; kill -HUP $PPID; exit 5",
		       NULL},
	    &r);
	assert_int_equal(r.exit_code, 5);
	cg_run_result_done(&r);
	/* Given back as they were. */
	assert_true(defaulted(SIGINT));
	assert_true(defaulted(SIGQUIT));
	assert_true(ignored(SIGHUP));
	signal(SIGHUP, SIG_DFL);
}

/* A SIGTERM sent to us while the command runs reaches the command (else
 * this test program would die of it). */
static void test_sigterm_forwarded(void **state)
{
	(void)state;
	struct cg_policy p = {.errno_action = CG_ERRNO_NONE};
	struct cg_run_result r;
	run(&p, false, (char *[]){"sh", "-c", "kill -TERM $PPID; exec sleep 10", NULL}, &r);
	assert_int_equal(r.exit_code, 128 + SIGTERM);
	assert_false(r.sigsys);
	cg_run_result_done(&r);
	/* The command may catch it. */
	run(&p, false,
	    (char *[]){"sh", "-c",
		       "trap 'exit 9' TERM; kill -TERM $PPID; while :; do sleep 0.05; done", NULL},
	    &r);
	assert_int_equal(r.exit_code, 9);
	cg_run_result_done(&r);
	assert_true(defaulted(SIGTERM));
	assert_true(defaulted(SIGHUP));
}

static void test_exit_code(void **state)
{
	(void)state;
	struct cg_filter f;
	struct cg_policy p = policy(&f, (const char *[]){FINE " @chown @memlock sethostname", NULL},
				    CG_ERRNO_NONE);
	struct cg_run_result r;
	run(&p, false, (char *[]){(char *)progpath("run_three"), NULL}, &r);
	assert_int_equal(r.exit_code, 7);
	assert_int_equal(r.start_failure, 0);
	assert_true(r.pid > 0);
	assert_false(r.sigsys);
	assert_false(r.has_kill);
	assert_false(r.has_descendant_kill);
	assert_false(r.logging);
	assert_int_equal(r.ndenied, 0);
	cg_run_result_done(&r);
	run(&p, false, (char *[]){"sh", "-c", "kill -TERM $$", NULL}, &r);
	assert_int_equal(r.exit_code, 128 + SIGTERM);
	cg_run_result_done(&r);
	cg_filter_done(&f);
}

static void test_kill_record(void **state)
{
	(void)state;
	struct cg_filter f;
	struct cg_policy p = policy(&f, (const char *[]){FINE, NULL}, CG_ERRNO_NONE);
	struct cg_run_result r;
	run(&p, false, (char *[]){(char *)progpath("run_chown"), NULL}, &r);
	assert_int_equal(r.exit_code, 128 + SIGSYS);
	assert_true(r.sigsys);
	skip_without_records(&r);
	assert_true(r.has_kill);
	assert_false(r.has_descendant_kill);
	assert_int_equal(r.kill.rec.pid, r.pid);
	assert_string_equal(r.kill.rec.comm, "run_chown");
	assert_int_equal(r.kill.rec.abi, CG_ABI_X86_64);
	assert_string_equal(cg_name_str(r.kill.rec.name), "chown");
	assert_true(r.kill.whole);
	assert_int_equal(r.kill.v.verdict.kind, CG_VERDICT_KILL_PROCESS);
	assert_string_equal(r.kill.v.fix, "@chown");
	cg_run_result_done(&r);

	/* Killed in a child of the command: the shell says 159, the record is
	 * a descendant's. */
	char *cmd = xasprintf("%s; exit $?", progpath("run_chown"));
	run(&p, false, (char *[]){"sh", "-c", cmd, NULL}, &r);
	free(cmd);
	assert_int_equal(r.exit_code, 128 + SIGSYS);
	assert_false(r.sigsys);
	assert_false(r.has_kill);
	assert_true(r.has_descendant_kill);
	assert_int_not_equal(r.descendant_kill.rec.pid, r.pid);
	assert_string_equal(cg_name_str(r.descendant_kill.rec.name), "chown");
	assert_true(r.descendant_kill.whole);
	assert_string_equal(r.descendant_kill.v.fix, "@chown");
	cg_run_result_done(&r);
	cg_filter_done(&f);
}

/* With SystemCallErrorNumber= the call fails and the command goes on. */
static void test_errno(void **state)
{
	(void)state;
	struct cg_filter f;
	struct cg_policy p = policy(&f, (const char *[]){FINE, NULL}, EPERM);
	struct cg_run_result r;
	run(&p, false, (char *[]){(char *)progpath("run_chown"), NULL}, &r);
	assert_int_equal(r.exit_code, 0);
	assert_false(r.sigsys);
	assert_false(r.has_kill);
	cg_run_result_done(&r);
	cg_filter_done(&f);
}

static const struct cg_run_denial *denial(const struct cg_run_result *r, const char *name)
{
	for (size_t i = 0; i < r->ndenied; i++)
		if (r->denied[i].call.name == cg_intern(name))
			return &r->denied[i];
	fail_msg("%s is not among the denied calls", name);
	return NULL;
}

static void test_complain(void **state)
{
	(void)state;
	struct cg_filter f;
	struct cg_policy p = policy(&f, (const char *[]){FINE, NULL}, CG_ERRNO_NONE);
	struct cg_run_result r;
	run(&p, true, (char *[]){(char *)progpath("run_three"), NULL}, &r);
	assert_int_equal(r.exit_code, 7); /* nothing was denied */
	assert_int_equal(r.ndenied, 3);
	const struct cg_run_denial *d = denial(&r, "fchown");
	assert_int_equal(d->call.count, 2);
	assert_int_equal(d->call.abi, CG_ABI_X86_64);
	assert_int_equal(d->call.first_pid, r.pid);
	assert_int_equal(d->v.verdict.kind, CG_VERDICT_KILL_PROCESS);
	assert_string_equal(d->v.fix, "@chown");
	d = denial(&r, "mlock");
	assert_int_equal(d->call.count, 1);
	assert_string_equal(d->v.fix, "@memlock");
	d = denial(&r, "sethostname");
	assert_int_equal(d->call.count, 1);
	/* Only risky groups (@privileged) hold it: the fix is the call. */
	assert_string_equal(d->v.fix, "sethostname");
	/* Sorted: by name within the ABI. */
	assert_string_equal(cg_name_str(r.denied[0].call.name), "fchown");
	assert_string_equal(cg_name_str(r.denied[2].call.name), "sethostname");
	/* One line allows them all, checked against the filter. */
	assert_string_equal(r.fix.filter, "@chown @memlock sethostname");
	assert_null(r.fix.archs);
	assert_true(r.fix.verified);
	cg_run_result_done(&r);
	assert_null(r.fix.filter);
	cg_filter_done(&f);

	/* The verdict is the errno the call would get; the whole tree counts. */
	p = policy(&f, (const char *[]){"~@chown:EPERM", NULL}, CG_ERRNO_NONE);
	char *cmd = xasprintf("%s; %s", progpath("run_three"), progpath("run_three"));
	run(&p, true, (char *[]){"sh", "-c", cmd, NULL}, &r);
	free(cmd);
	assert_int_equal(r.exit_code, 7);
	assert_int_equal(r.ndenied, 1);
	assert_int_equal(r.denied[0].call.count, 4);
	assert_int_equal(r.denied[0].v.verdict.kind, CG_VERDICT_ERRNO);
	assert_int_equal(r.denied[0].v.verdict.err, EPERM);
	/* A deny-list: the line without ~ takes the call off. */
	assert_string_equal(r.fix.filter, "fchown");
	assert_true(r.fix.verified);
	cg_run_result_done(&r);
	cg_filter_done(&f);

	/* Nothing denied: nothing to add. */
	p = policy(&f, (const char *[]){"@system-service", NULL}, CG_ERRNO_NONE);
	run(&p, true, (char *[]){"true", NULL}, &r);
	assert_int_equal(r.ndenied, 0);
	assert_null(r.fix.filter);
	assert_null(r.fix.archs);
	assert_true(r.fix.verified);
	cg_run_result_done(&r);
	cg_filter_done(&f);
}

/* A denied call of abi, as complain mode records it. */
static struct cg_run_denial called(enum cg_abi abi, const char *name, long nr)
{
	return (struct cg_run_denial){.call = {.abi = abi,
					       .nr = nr,
					       .name = name ? cg_intern(name) : CG_NAME_NONE,
					       .count = 1}};
}

/* The fix line of a run: deduplicated, in check's order (groups as first
 * needed, then calls alphabetically), and verified on the policy. */
static void test_fix_lines(void **state)
{
	(void)state;
	struct cg_filter f;
	struct cg_run_fix fix;
	struct cg_error e = {0};
	struct cg_policy p = policy(&f, (const char *[]){FINE, NULL}, CG_ERRNO_NONE);
	struct cg_run_denial d[] = {
		called(CG_ABI_X86_64, "fchown", 93),	   called(CG_ABI_X86_64, "mlock", 149),
		called(CG_ABI_X86_64, "sethostname", 170), called(CG_ABI_X86_64, "chown", 92),
		called(CG_ABI_I386, "fchown", 95),	   called(CG_ABI_X86_64, "ioctl", 16),
	};
	cg_run_fix_make(&p, tab, d, ELEMENTSOF(d), &fix);
	assert_string_equal(fix.filter, "@chown @memlock ioctl sethostname");
	assert_null(fix.archs);
	assert_true(fix.verified);
	cg_run_fix_done(&fix);
	assert_null(fix.filter);

	/* A call without a name: no line can allow it under an allow-list,
	 * and the check says so. */
	struct cg_run_denial unnamed[] = {called(CG_ABI_X86_64, "fchown", 93),
					  called(CG_ABI_X86_64, NULL, 999)};
	cg_run_fix_make(&p, tab, unnamed, ELEMENTSOF(unnamed), &fix);
	assert_string_equal(fix.filter, "@chown");
	assert_false(fix.verified);
	cg_run_fix_done(&fix);
	cg_filter_done(&f);

	/* A ~ line took chown back: adding @chown again would not undo it,
	 * the call itself does. */
	p = policy(&f, (const char *[]){"@system-service", "~@privileged @resources", NULL},
		   CG_ERRNO_NONE);
	struct cg_run_denial chown[] = {called(CG_ABI_X86_64, "chown", 92)};
	cg_run_fix_make(&p, tab, chown, 1, &fix);
	assert_string_equal(fix.filter, "chown");
	assert_true(fix.verified);
	cg_run_fix_done(&fix);
	cg_filter_done(&f);

	/* Another ABI: SystemCallArchitectures= for it, and the filter's own
	 * fix where the filter denies the call too. */
	p = policy(&f, (const char *[]){FINE, NULL}, CG_ERRNO_NONE);
	assert_int_equal(cg_archs_add(&p.archs, "native", &e), 0);
	struct cg_run_denial abis[] = {called(CG_ABI_I386, "getpid", 20),
				       called(CG_ABI_I386, "chown32", 212),
				       called(CG_ABI_X32, "getpid", 39 | CG_X32_SYSCALL_BIT)};
	cg_run_fix_make(&p, tab, abis, ELEMENTSOF(abis), &fix);
	assert_string_equal(fix.archs, "x86 x32");
	assert_string_equal(fix.filter, "@chown");
	assert_true(fix.verified);
	cg_run_fix_done(&fix);
	cg_filter_done(&f);

	/* No filter at all, only the architectures. */
	struct cg_policy only_archs = {.errno_action = CG_ERRNO_NONE};
	assert_int_equal(cg_archs_add(&only_archs.archs, "native", &e), 0);
	cg_run_fix_make(&only_archs, tab, abis, 1, &fix);
	assert_null(fix.filter);
	assert_string_equal(fix.archs, "x86");
	assert_true(fix.verified);
	cg_run_fix_done(&fix);
}

/* ld.so exits 127 when the filter makes openat fail: flagged, unlike the
 * command's own 127 under a filter that kills, or a start failure. */
static void test_exited_127(void **state)
{
	(void)state;
	struct cg_filter f;
	struct cg_policy p = policy(&f, (const char *[]){"~openat", NULL}, EPERM);
	struct cg_run_result r;
	run(&p, false, (char *[]){"/bin/true", NULL}, &r);
	assert_int_equal(r.start_failure, 0);
	assert_int_equal(r.exit_code, 127);
	assert_true(r.exited_127);
	cg_run_result_done(&r);
	/* A filter that never answers with an errno. */
	cg_filter_done(&f);
	p = policy(&f, (const char *[]){"@system-service", NULL}, CG_ERRNO_NONE);
	run(&p, false, (char *[]){"sh", "-c", "exit 127", NULL}, &r);
	assert_int_equal(r.exit_code, 127);
	assert_false(r.exited_127);
	cg_run_result_done(&r);
	/* Not started at all. */
	p.errno_action = EPERM;
	run(&p, false, (char *[]){"callgroups-no-such-program", NULL}, &r);
	assert_int_equal(r.start_failure, 127);
	assert_false(r.exited_127);
	cg_run_result_done(&r);
	cg_filter_done(&f);
}

/* SystemCallLog=: the calls the kernel logged, counted. */
static void test_logged(void **state)
{
	(void)state;
	struct cg_filter f, logf;
	struct cg_policy p = policy(&f, (const char *[]){FINE " @chown @memlock sethostname", NULL},
				    CG_ERRNO_NONE);
	cg_filter_init(&logf);
	logf.active = true;
	logf.allow_list = true;
	cg_set_add(logf.set, cg_intern("fchown"));
	cg_set_add(logf.set, cg_intern("sethostname"));
	p.log = &logf;
	struct cg_run_result r;
	run(&p, false, (char *[]){(char *)progpath("run_three"), NULL}, &r);
	assert_int_equal(r.exit_code, 7);
	assert_true(r.logging);
	skip_without_records(&r);
	assert_int_equal(r.logged.n, 2);
	assert_string_equal(cg_name_str(r.logged.v[0].name), "fchown");
	assert_int_equal(r.logged.v[0].count, 2);
	assert_string_equal(cg_name_str(r.logged.v[1].name), "sethostname");
	assert_int_equal(r.logged.v[1].count, 1);
	cg_run_result_done(&r);
	cg_filter_done(&logf);
	cg_filter_done(&f);
}

static void test_start_failures(void **state)
{
	(void)state;
	struct cg_policy p = {.errno_action = CG_ERRNO_NONE};
	struct cg_run_result r;
	run(&p, false, (char *[]){"callgroups-no-such-program", NULL}, &r);
	assert_int_equal(r.start_failure, 127);
	assert_int_equal(r.exit_code, 127);
	assert_int_equal(r.pid, -1);
	assert_string_equal(r.start_error.msg, "callgroups-no-such-program: command not found");
	cg_run_result_done(&r);
	/* Not executable: 126, as a shell says. */
	char tmp[] = "/tmp/cg-runner-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/nonexistent/interpreter\n", 27), 27);
	close(fd);
	run(&p, false, (char *[]){tmp, NULL}, &r);
	assert_int_equal(r.start_failure, 126);
	assert_int_equal(r.exit_code, 126);
	assert_non_null(strstr(r.start_error.msg, "permission denied"));
	cg_run_result_done(&r);
	/* Found, but execve fails: its interpreter is missing (127), or it is
	 * no program at all (126). */
	assert_int_equal(chmod(tmp, 0700), 0);
	run(&p, true, (char *[]){tmp, NULL}, &r);
	assert_int_equal(r.start_failure, 127);
	assert_int_equal(r.exit_code, 127);
	assert_true(r.pid > 0);
	assert_non_null(strstr(r.start_error.msg, "cannot run "));
	cg_run_result_done(&r);
	fd = open(tmp, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\1\2\3\4", 4), 4);
	close(fd);
	run(&p, false, (char *[]){tmp, NULL}, &r);
	assert_int_equal(r.start_failure, 126);
	cg_run_result_done(&r);
	unlink(tmp);
}

/* In a process whose own filter refuses prctl and seccomp with EPERM: the
 * policy cannot be loaded, the command does not run. Returns 0 when
 * cg_run() said so as it should. */
static int setup_fails(bool complain)
{
	struct cg_filter own, f;
	struct cg_policy deny = policy(&own, (const char *[]){"~prctl seccomp", NULL}, EPERM);
	struct cg_error e = {0};
	if (cg_policy_load(&deny, &e) < 0)
		return 10;
	struct cg_policy p = policy(&f, (const char *[]){"@system-service", NULL}, CG_ERRNO_NONE);
	struct cg_run_result r;
	struct cg_run_opts o = {.policy = &p,
				.table = tab,
				.argv = (char *[]){"sh", "-c", "echo ran; exit 0", NULL},
				.complain = complain};
	if (cg_run(&o, &r, &e) < 0)
		return 11; /* e.g. supervising something that is no listener */
	int bad = r.start_failure >= 0 || !r.start_error.msg[0] || r.exit_code != 127;
	cg_run_result_done(&r);
	return bad ? 12 : 0;
}

static void test_setup_failure(void **state)
{
	(void)state;
	for (int complain = 0; complain <= 1; complain++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			_exit(setup_fails(complain));
		int st;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
}

int main(void)
{
	tab = cg_table_builtin_newest();
	const struct CMUnitTest tests[] = {
		/* First: the snapshot is taken once, by the first run. */
		cmocka_unit_test(test_signals_inherited),
		cmocka_unit_test(test_sigterm_forwarded),
		cmocka_unit_test(test_exit_code),
		cmocka_unit_test(test_kill_record),
		cmocka_unit_test(test_errno),
		cmocka_unit_test(test_complain),
		cmocka_unit_test(test_fix_lines),
		cmocka_unit_test(test_exited_127),
		cmocka_unit_test(test_logged),
		cmocka_unit_test(test_start_failures),
		cmocka_unit_test(test_setup_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
