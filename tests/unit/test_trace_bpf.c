/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The eBPF backend: on the programs whose calls are known exactly
 * (tests/progs/trace_*.c) it gives the same profile as the ptrace backend,
 * ABIs included; attached to a live process it loses no call made after it
 * said it was attached; bad targets are refused. Skipped (with the reason)
 * where eBPF tracing is not possible. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profile.h"
#include "trace.h"
#include "trace_bpf.h"
#include "trace_ptrace.h"

static char why_not[512];
static bool bpf_ok;

/* Every test needs eBPF; main() skips them all (with the reason, in TAP)
 * when it is not possible here. */
static void need_bpf(void)
{
	if (!bpf_ok)
		fail_msg("eBPF tracing is not possible here: %s", why_not);
}

static struct cg_profile *trace_with(enum cg_trace_backend b, const char *name, int *status,
				     struct cg_trace_result *out)
{
	char *argv[] = {(char *)progpath(name), NULL};
	struct cg_profile *p = cg_profile_new();
	struct cg_trace_opts o = {.argv = argv, .backend = b, .count_errors = true};
	struct cg_trace_result r = {0};
	int ret = b == CG_TRACE_BPF ? cg_trace_bpf(&o, p, &r) : cg_trace_ptrace(&o, p, &r);
	if (ret < 0)
		fail_msg("trace %s (%s): %s", name, cg_trace_backend_name(b), r.error.msg);
	assert_int_equal(r.used, b);
	*status = r.exit_status;
	if (out)
		*out = r;
	return p;
}

/* Where the check says yes (main skips every test where it says no), auto
 * picks bpf, says so, and the trace runs. */
static void test_available(void **state)
{
	(void)state;
	need_bpf();
	char *argv[] = {"sh", "-c", "exit 4", NULL};
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	struct cg_trace_opts o = {.argv = argv, .backend = CG_TRACE_AUTO};
	struct cg_trace_result r = {0};
	char why[512] = "";
	if (cg_trace_run(&o, p, &r, why, sizeof why) < 0)
		fail_msg("auto: %s", r.error.msg);
	assert_int_equal(r.used, CG_TRACE_BPF);
	assert_string_equal(why, "using the bpf backend");
	assert_int_equal(r.exit_status, 4);
	assert_true(calls(p, CG_ABI_X86_64, "execve") >= 1);
}

/* Left out of the comparison: what depends on thread timing, not on the
 * tracer. futex (a join that did or did not wait) always; in
 * trace_thread_exec the leader's second rt_sigprocmask of pthread_create,
 * which the worker's execve may cut off before it starts. */
static bool timing_dependent(const char *prog_name, cg_name n)
{
	return n == cg_intern("futex") ||
	       (strcmp(prog_name, "trace_thread_exec") == 0 && n == cg_intern("rt_sigprocmask"));
}

static void assert_same_profiles(const char *name, const struct cg_profile *a,
				 const struct cg_profile *b)
{
	for (int pass = 0; pass < 2; pass++) {
		const struct cg_profile *x = pass ? b : a, *y = pass ? a : b;
		for (size_t i = 0; i < cg_profile_count(x); i++) {
			const struct cg_profile_entry *e = cg_profile_at(x, i);
			if (timing_dependent(name, e->name))
				continue;
			const struct cg_profile_entry *f = cg_profile_find(y, e->abi, e->name);
			uint64_t fc = f ? f->calls : 0, fe = f ? f->errors : 0;
			if (fc != e->calls || fe != e->errors)
				fail_msg("%s: %s %s: %s has %llu calls %llu errors, %s %llu/%llu",
					 name, cg_abi_name(e->abi), cg_name_str(e->name),
					 pass ? "ptrace" : "bpf", (unsigned long long)e->calls,
					 (unsigned long long)e->errors, pass ? "bpf" : "ptrace",
					 (unsigned long long)fc, (unsigned long long)fe);
		}
	}
}

static void test_same_as_ptrace(void **state)
{
	(void)state;
	need_bpf();
	static const char *const progs[] = {
		"trace_exec", "trace_fork",  "trace_signal", "trace_threads", "trace_thread_exec",
		"trace_many", "trace_int80", "trace_x32",    "m32/trace_m32", "workload",
	};
	for (size_t i = 0; i < ELEMENTSOF(progs); i++) {
		if (i386_left_out(progs[i]))
			continue;
		int sb, sp;
		_cleanup_profile_ struct cg_profile *b =
			trace_with(CG_TRACE_BPF, progs[i], &sb, NULL);
		_cleanup_profile_ struct cg_profile *p =
			trace_with(CG_TRACE_PTRACE, progs[i], &sp, NULL);
		assert_int_equal(sb, sp);
		assert_same_profiles(progs[i], b, p);
		/* Both start with the command's own execve. */
		assert_true(calls(b, CG_ABI_X86_64, "execve") >= 1);
	}
}

static void test_exact_counts(void **state)
{
	(void)state;
	need_bpf();
	int st;
	struct cg_trace_result r;
	_cleanup_profile_ struct cg_profile *p = trace_with(CG_TRACE_BPF, "trace_fork", &st, &r);
	assert_int_equal(st, 4);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getppid"), 10);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getpid"), 3);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getuid"), 5);
	assert_int_equal(calls(p, CG_ABI_X86_64, "execve"), 1);
	assert_int_equal(r.tasks, 3); /* the program, its fork and vfork children */
	assert_int_equal(r.lost, 0);
	assert_int_equal(r.stop_signal, 0);

	_cleanup_profile_ struct cg_profile *e = trace_with(CG_TRACE_BPF, "trace_exec", &st, NULL);
	assert_int_equal(st, 0);
	assert_int_equal(calls(e, CG_ABI_X86_64, "execve"), 3);
	assert_int_equal(calls(e, CG_ABI_X86_64, "getppid"), 6);
}

static void test_abis(void **state)
{
	(void)state;
	need_bpf();
	int st;
	if (!i386_left_out("m32/trace_m32")) {
		_cleanup_profile_ struct cg_profile *m =
			trace_with(CG_TRACE_BPF, "m32/trace_m32", &st, NULL);
		assert_int_equal(st, 0);
		assert_int_equal(calls(m, CG_ABI_I386, "getppid"), 7);
		assert_int_equal(calls(m, CG_ABI_I386, "getuid32"), 2);
		assert_int_equal(calls(m, CG_ABI_X86_64, "getppid"), 0);
		/* The 64-bit launcher's execve, then the 32-bit program's calls. */
		assert_int_equal(calls(m, CG_ABI_X86_64, "execve"), 1);
		assert_int_equal(calls(m, CG_ABI_I386, "execve"), 0);
	}

	if (!i386_left_out("trace_int80")) {
		_cleanup_profile_ struct cg_profile *i =
			trace_with(CG_TRACE_BPF, "trace_int80", &st, NULL);
		assert_int_equal(st, 0);
		assert_int_equal(calls(i, CG_ABI_I386, "getppid"), 4);
		/* 2, and one more where it checks the i386 result */
		assert_int_equal(calls(i, CG_ABI_X86_64, "getppid"), 3);
	}

	_cleanup_profile_ struct cg_profile *x = trace_with(CG_TRACE_BPF, "trace_x32", &st, NULL);
	assert_int_equal(calls(x, CG_ABI_X32, "getpid"), 3);
	assert_int_equal(errors(x, CG_ABI_X32, "getpid"), st == 77 ? 3 : 0);
	assert_int_equal(calls(x, CG_ABI_X86_64, "getpid"), 0);
}

static void test_no_errors(void **state)
{
	(void)state;
	need_bpf();
	char *argv[] = {"sh", "-c", "cd /nonexistent-callgroups-dir 2>/dev/null; exit 2", NULL};
	for (int with = 0; with < 2; with++) {
		_cleanup_profile_ struct cg_profile *p = cg_profile_new();
		struct cg_trace_opts o = {.argv = argv, .count_errors = with};
		struct cg_trace_result r = {0};
		assert_int_equal(cg_trace_bpf(&o, p, &r), 0);
		assert_int_equal(r.exit_status, 2);
		assert_int_equal(calls(p, CG_ABI_X86_64, "chdir"), 1);
		assert_int_equal(errors(p, CG_ABI_X86_64, "chdir"), with ? 1 : 0);
	}
}

/* Calls a filter installed before exec refuses skip sys_enter: counted at
 * sys_exit (testutil.h). */
static void test_refused_by_other_filter(void **state)
{
	(void)state;
	need_bpf();
	check_refused_by_other_filter(cg_trace_bpf);
}

/* A TSYNC filter reaches a thread that never entered a call under a
 * filter before (testutil.h). */
static void test_refused_tsync(void **state)
{
	(void)state;
	need_bpf();
	check_refused_tsync(cg_trace_bpf, 2);
}

/* ---- attaching to a live process ------------------------------------------ */

struct attach_run {
	pid_t pid;
	FILE *warn;
	struct cg_profile *p;
	struct cg_trace_result r;
	int ret;
};

static void *attach_thread(void *arg)
{
	struct attach_run *a = arg;
	struct cg_trace_opts o = {
		.pids = &a->pid, .n_pids = 1, .count_errors = true, .warn = a->warn};
	a->ret = cg_trace_bpf(&o, a->p, &a->r);
	fclose(a->warn);
	return NULL;
}

static void read_line_with(FILE *f, const char *what)
{
	char line[512];
	while (fgets(line, sizeof line, f))
		if (strstr(line, what))
			return;
	fail_msg("no line with \"%s\"", what);
}

/* trace_attach N THREADS: says ready, waits for SIGUSR1, N getppid per
 * thread, says done, waits for SIGUSR2, one getuid, exits 5. The trace
 * ends by itself when the process does. */
static void attach_case(const char *threads, long n, long expect)
{
	int out[2], warn[2];
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(warn), 0);
	char nbuf[32];
	snprintf(nbuf, sizeof nbuf, "%ld", n);
	const char *path = progpath("trace_attach");
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		execl(path, path, nbuf, threads, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	FILE *po = fdopen(out[0], "r");
	read_line_with(po, "ready");

	struct attach_run a = {.pid = pid, .warn = fdopen(warn[1], "w"), .p = cg_profile_new()};
	setvbuf(a.warn, NULL, _IOLBF, 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, attach_thread, &a), 0);
	FILE *pw = fdopen(warn[0], "r");
	read_line_with(pw, "attached to");
	kill(pid, SIGUSR1);
	read_line_with(po, "done");
	kill(pid, SIGUSR2);
	pthread_join(t, NULL);
	fclose(pw);
	fclose(po);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 5);

	if (a.ret < 0)
		fail_msg("attach: %s", a.r.error.msg);
	assert_int_equal(a.r.stop_signal, 0);
	assert_int_equal(a.r.exit_status, -1);
	assert_int_equal(calls(a.p, CG_ABI_X86_64, "getppid"), expect);
	assert_int_equal(calls(a.p, CG_ABI_X86_64, "getuid"), 1);
	assert_int_equal(calls(a.p, CG_ABI_X86_64, "exit_group"), 1);
	cg_profile_free(a.p);
}

static void test_attach_loses_nothing(void **state)
{
	(void)state;
	need_bpf();
	attach_case("0", 5000, 5000);
	attach_case("3", 2000, 8000);
}

static void test_bad_targets(void **state)
{
	(void)state;
	need_bpf();
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	struct cg_trace_result r;
	char *argv[] = {"true", NULL};
	pid_t self = getpid();

	struct cg_trace_opts two = {.argv = argv, .pids = &self, .n_pids = 1};
	assert_int_equal(cg_trace_bpf(&two, p, &r), -EINVAL);
	assert_true(r.error.msg[0] != '\0');

	pid_t none = 0x3ffffe; /* above any pid_max in use here */
	struct cg_trace_opts gone = {.pids = &none, .n_pids = 1};
	assert_int_equal(cg_trace_bpf(&gone, p, &r), -ESRCH);

	struct cg_trace_opts notcg = {.cgroup = "/tmp"};
	assert_int_equal(cg_trace_bpf(&notcg, p, &r), -EINVAL);
	assert_non_null(strstr(r.error.msg, "cgroup v2"));

	struct cg_trace_opts nodir = {.cgroup = "/nonexistent-callgroups-cgroup"};
	assert_int_equal(cg_trace_bpf(&nodir, p, &r), -ENOENT);

	char *bad[] = {"/nonexistent/callgroups-no-such-cmd", NULL};
	struct cg_trace_opts nocmd = {.argv = bad};
	assert_int_equal(cg_trace_bpf(&nocmd, p, &r), -ENOENT);
	assert_non_null(strstr(r.error.msg, "callgroups-no-such-cmd"));
	assert_int_equal(r.cannot_run, 127);
	assert_int_equal(r.exit_status, 127);
	assert_int_equal(cg_profile_count(p), 0);
}

/* A file that is no program: 126 (testutil.h). */
static void test_command_not_runnable(void **state)
{
	(void)state;
	need_bpf();
	check_command_not_runnable(cg_trace_bpf);
}

int main(void)
{
	bpf_ok = cg_trace_bpf_available(why_not, sizeof why_not);
	if (!bpf_ok) {
		/* cmocka's skip() cannot say why, and cmocka 1.1 prints it as
		 * "not ok ... # SKIP": say it the plain TAP way. */
		printf("1..1\nok 1 - eBPF backend tests # SKIP %s\n", why_not);
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_available),
		cmocka_unit_test(test_same_as_ptrace),
		cmocka_unit_test(test_exact_counts),
		cmocka_unit_test(test_abis),
		cmocka_unit_test(test_no_errors),
		cmocka_unit_test(test_refused_by_other_filter),
		cmocka_unit_test(test_refused_tsync),
		cmocka_unit_test(test_attach_loses_nothing),
		cmocka_unit_test(test_bad_targets),
		cmocka_unit_test(test_command_not_runnable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
