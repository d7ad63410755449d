/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ptrace backend on programs whose calls are known exactly
 * (tests/progs/trace_*.c), the strace -c table writer and its reading back
 * by the strace readers, and the same sets and counts as `strace -f -c`. */
#include "testutil.h"
#include "spawn.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "input.h"
#include "profile.h"
#include "summary.h"
#include "trace.h"
#include "trace_ptrace.h"

/* Traces argv with the ptrace backend into a new profile; returns the
 * command's exit status through *status. */
static struct cg_profile *trace_argv(char *const *argv, bool errors, int *status)
{
	struct cg_profile *p = cg_profile_new();
	struct cg_trace_opts o = {.argv = argv, .backend = CG_TRACE_PTRACE, .count_errors = errors};
	struct cg_trace_result r = {0};
	int ret = cg_trace_ptrace(&o, p, &r);
	if (ret < 0)
		fail_msg("trace %s: %s", argv[0], r.error.msg);
	assert_int_equal(r.used, CG_TRACE_PTRACE);
	*status = r.exit_status;
	return p;
}

static struct cg_profile *trace_prog(const char *name, int *status)
{
	char *argv[] = {(char *)progpath(name), NULL};
	return trace_argv(argv, true, status);
}

static void test_threads(void **state)
{
	(void)state;
	int st;
	_cleanup_profile_ struct cg_profile *p = trace_prog("trace_threads", &st);
	assert_int_equal(st, 0);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getppid"), 400);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getuid"), 7);
	assert_int_equal(calls(p, CG_ABI_X86_64, "execve"), 1);
	/* libc makes threads with clone3 (or clone when that is refused). */
	assert_int_equal(calls(p, CG_ABI_X86_64, "clone3") + calls(p, CG_ABI_X86_64, "clone"), 4);
	assert_int_equal(cg_profile_abis(p), 1u << CG_ABI_X86_64);
}

static void test_fork_vfork(void **state)
{
	(void)state;
	int st;
	_cleanup_profile_ struct cg_profile *p = trace_prog("trace_fork", &st);
	assert_int_equal(st, 4);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getppid"), 10); /* fork child */
	assert_int_equal(calls(p, CG_ABI_X86_64, "getpid"), 3);	  /* vfork child */
	assert_int_equal(calls(p, CG_ABI_X86_64, "getuid"), 5);	  /* parent */
	assert_int_equal(calls(p, CG_ABI_X86_64, "vfork"), 1);
	assert_int_equal(calls(p, CG_ABI_X86_64, "wait4"), 2);
}

static void test_many_tasks(void **state)
{
	(void)state;
	int st;
	_cleanup_profile_ struct cg_profile *p = trace_prog("trace_many", &st);
	assert_int_equal(st, 0);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getppid"), 120);
	assert_int_equal(calls(p, CG_ABI_X86_64, "wait4"), 120);
}

static void test_exec_chain(void **state)
{
	(void)state;
	int st;
	_cleanup_profile_ struct cg_profile *p = trace_prog("trace_exec", &st);
	assert_int_equal(st, 0);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getppid"), 6);
	assert_int_equal(calls(p, CG_ABI_X86_64, "execve"), 3);
	assert_int_equal(errors(p, CG_ABI_X86_64, "execve"), 0);
}

static void test_signal_handler(void **state)
{
	(void)state;
	int st;
	_cleanup_profile_ struct cg_profile *p = trace_prog("trace_signal", &st);
	assert_int_equal(st, 0); /* the handler ran 5 times: signals passed on */
	assert_int_equal(calls(p, CG_ABI_X86_64, "getppid"), 5);
	assert_int_equal(calls(p, CG_ABI_X86_64, "kill"), 5);
	assert_int_equal(calls(p, CG_ABI_X86_64, "rt_sigreturn"), 5);
}

static void test_thread_exec(void **state)
{
	(void)state;
	int st;
	_cleanup_profile_ struct cg_profile *p = trace_prog("trace_thread_exec", &st);
	assert_int_equal(st, 6);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getppid"), 5);
	assert_int_equal(calls(p, CG_ABI_X86_64, "execve"), 2);
	assert_int_equal(errors(p, CG_ABI_X86_64, "execve"), 0);
}

static void test_m32(void **state)
{
	(void)state;
	skip_without_i386();
	int st;
	_cleanup_profile_ struct cg_profile *p = trace_prog("m32/trace_m32", &st);
	assert_int_equal(st, 0);
	assert_int_equal(calls(p, CG_ABI_I386, "getppid"), 7);
	assert_int_equal(calls(p, CG_ABI_I386, "getuid32"), 2);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getppid"), 0);
	/* execve is entered through the 64-bit entry point of the tracer's
	 * child, as strace sees it too. */
	assert_int_equal(calls(p, CG_ABI_X86_64, "execve"), 1);
}

static void test_int80(void **state)
{
	(void)state;
	skip_without_i386();
	int st;
	_cleanup_profile_ struct cg_profile *p = trace_prog("trace_int80", &st);
	assert_int_equal(st, 0);
	assert_int_equal(calls(p, CG_ABI_I386, "getppid"), 4);
	/* 2 from the program, 1 from the check at its end */
	assert_int_equal(calls(p, CG_ABI_X86_64, "getppid"), 3);
}

static void test_x32(void **state)
{
	(void)state;
	int st;
	_cleanup_profile_ struct cg_profile *p = trace_prog("trace_x32", &st);
	/* The kernel reports x32 calls to the tracer even with x32 off, then
	 * fails them with ENOSYS (exit 77): the calls count either way. */
	assert_int_equal(calls(p, CG_ABI_X32, "getpid"), 3);
	if (st == 77) {
		print_message("# x32 is disabled in this kernel: the calls failed with ENOSYS\n");
		assert_int_equal(errors(p, CG_ABI_X32, "getpid"), 3);
	} else {
		assert_int_equal(st, 0);
		assert_int_equal(errors(p, CG_ABI_X32, "getpid"), 0);
	}
}

static void test_exit_status_and_errors(void **state)
{
	(void)state;
	int st;
	char *a[] = {"sh", "-c", "exit 3", NULL};
	_cleanup_profile_ struct cg_profile *p = trace_argv(a, true, &st);
	assert_int_equal(st, 3);
	assert_true(calls(p, CG_ABI_X86_64, "execve") >= 1);
	char *b[] = {"sh", "-c", "kill -TERM $$", NULL};
	_cleanup_profile_ struct cg_profile *q = trace_argv(b, true, &st);
	assert_int_equal(st, 128 + 15);
	assert_int_equal(calls(q, CG_ABI_X86_64, "kill"), 1);
	/* A failed call counted as an error, and not counted with errors off. */
	char *c[] = {"sh", "-c", "cd /nonexistent-callgroups 2>/dev/null; exit 0", NULL};
	_cleanup_profile_ struct cg_profile *r = trace_argv(c, true, &st);
	assert_int_equal(st, 0);
	assert_true(errors(r, CG_ABI_X86_64, "chdir") >= 1);
	_cleanup_profile_ struct cg_profile *s = trace_argv(c, false, &st);
	assert_true(calls(s, CG_ABI_X86_64, "chdir") >= 1);
	assert_int_equal(cg_profile_total_errors(s), 0);
}

static void test_missing_command(void **state)
{
	(void)state;
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	char *argv[] = {"/nonexistent/callgroups-no-such-program", NULL};
	struct cg_trace_opts o = {.argv = argv, .backend = CG_TRACE_PTRACE};
	struct cg_trace_result r = {0};
	assert_int_equal(cg_trace_ptrace(&o, p, &r), -ENOENT);
	assert_non_null(strstr(r.error.msg, "callgroups-no-such-program"));
	assert_int_equal(r.cannot_run, 127);
	assert_int_equal(r.exit_status, 127);
	assert_int_equal(cg_profile_count(p), 0);
}

/* A file that is no program: 126 (testutil.h). */
static void test_command_not_runnable(void **state)
{
	(void)state;
	check_command_not_runnable(cg_trace_ptrace);
}

static void test_find_command_and_privileges(void **state)
{
	(void)state;
	_cleanup_free_ char *sh = cg_find_command("sh");
	assert_non_null(sh);
	assert_true(sh[0] == '/');
	errno = 0;
	assert_null(cg_find_command("callgroups-no-such-program-anywhere"));
	assert_int_equal(errno, ENOENT);

	char path[] = "/tmp/cg-trace-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char why[256] = "";
	assert_int_equal(chmod(path, 0755), 0);
	assert_false(cg_trace_file_privileged(path, why, sizeof why));
	assert_int_equal(chmod(path, 04755), 0);
	assert_true(cg_trace_file_privileged(path, why, sizeof why));
	assert_non_null(strstr(why, "setuid"));
	assert_int_equal(chmod(path, 02755), 0);
	assert_true(cg_trace_file_privileged(path, why, sizeof why));
	assert_non_null(strstr(why, "setgid"));
	unlink(path);
}

/* The writer's exact layout: strace's columns, sorted by calls then name,
 * i386 and x32 tables after the native one with strace's headings. */
static void test_summary_golden(void **state)
{
	(void)state;
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("read"), 12, 0);
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("openat"), 6, 3);
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("close"), 6, 0);
	cg_profile_add(p, CG_ABI_I386, cg_intern("getppid"), 7, 0);
	cg_profile_add(p, CG_ABI_X32, cg_intern("getpid"), 1234567890, 3);
	_cleanup_free_ char *text = cg_summary_format(p);
	const char *want = "    calls    errors syscall\n"
			   "--------- --------- ----------------\n"
			   "       12           read\n"
			   "        6           close\n"
			   "        6         3 openat\n"
			   "--------- --------- ----------------\n"
			   "       24         3 total\n"
			   "System call usage summary for 32 bit mode:\n"
			   "    calls    errors syscall\n"
			   "--------- --------- ----------------\n"
			   "        7           getppid\n"
			   "--------- --------- ----------------\n"
			   "        7           total\n"
			   "System call usage summary for x32 mode:\n"
			   "    calls    errors syscall\n"
			   "--------- --------- ----------------\n"
			   "1234567890         3 getpid\n"
			   "--------- --------- ----------------\n"
			   "1234567890         3 total\n";
	assert_string_equal(text, want);

	_cleanup_profile_ struct cg_profile *empty = cg_profile_new();
	_cleanup_free_ char *none = cg_summary_format(empty);
	assert_non_null(strstr(none, "        0           total"));
}

static void assert_same_profile(const struct cg_profile *a, const struct cg_profile *b)
{
	assert_int_equal(cg_profile_count(a), cg_profile_count(b));
	for (size_t i = 0; i < cg_profile_count(a); i++) {
		const struct cg_profile_entry *x = cg_profile_at(a, i);
		const struct cg_profile_entry *y = cg_profile_find(b, x->abi, x->name);
		if (!y)
			fail_msg("%s/%s missing after reading back", cg_abi_name(x->abi),
				 cg_name_str(x->name));
		assert_int_equal(x->calls, y->calls);
		assert_int_equal(x->errors, y->errors);
	}
}

/* What we write, the strace readers read back whole (every ABI). */
static void test_summary_reads_back(void **state)
{
	(void)state;
	static const char *const progs[] = {"trace_fork", "trace_int80", "trace_x32",
					    "m32/trace_m32"};
	for (size_t i = 0; i < ELEMENTSOF(progs); i++) {
		if (i386_left_out(progs[i]))
			continue;
		int st;
		_cleanup_profile_ struct cg_profile *p = trace_prog(progs[i], &st);
		_cleanup_free_ char *text = cg_summary_format(p);
		_cleanup_profile_ struct cg_profile *q = cg_profile_new();
		struct cg_error e = {0};
		assert_int_equal(cg_input_detect(text, strlen(text)), CG_INPUT_SUMMARY);
		if (cg_input_parse(text, strlen(text), NULL, progs[i], q, NULL, &e) < 0)
			fail_msg("%s: %s:%u: %s", progs[i], e.file, e.line, e.msg);
		assert_same_profile(p, q);
	}
}

/* A filter installed before exec: ERRNO outranks our TRACE, yet every
 * attempt is counted from its entry stop (testutil.h). */
static void test_refused_by_other_filter(void **state)
{
	(void)state;
	check_refused_by_other_filter(cg_trace_ptrace);
}

/* A TSYNC filter: the other thread is stopped before the filters change
 * and stepped from entry stops after (testutil.h). */
static void test_refused_tsync(void **state)
{
	(void)state;
	check_refused_tsync(cg_trace_ptrace, 6);
}

/* Without a filter of its own nothing is refused: the same program then
 * fails (exit 1), its calls succeed, and refused stays empty. */
static void test_nothing_refused(void **state)
{
	(void)state;
	char *argv[] = {(char *)progpath("refused_calls"), "3", NULL};
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	_cleanup_profile_ struct cg_profile *refused = cg_profile_new();
	struct cg_trace_opts o = {.argv = argv, .count_errors = true, .refused = refused};
	struct cg_trace_result r = {0};
	assert_int_equal(cg_trace_ptrace(&o, p, &r), 0);
	assert_int_equal(r.exit_status, 1);
	assert_int_equal(calls(p, CG_ABI_X86_64, "getpgid"), 3);
	assert_int_equal(errors(p, CG_ABI_X86_64, "getpgid"), 0);
	assert_int_equal(cg_profile_count(refused), 0);
}

/* The refused calls' lines after the tables, per ABI, by name, then the
 * service manager's; the readers skip them and read the same profile
 * back. */
static void test_summary_refused_line(void **state)
{
	(void)state;
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	_cleanup_profile_ struct cg_profile *refused = cg_profile_new();
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("read"), 12, 0);
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("pkey_alloc"), 2, 2);
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("keyctl"), 1, 1);
	cg_profile_add(p, CG_ABI_I386, cg_intern("keyctl"), 3, 3);
	cg_profile_add(refused, CG_ABI_X86_64, cg_intern("pkey_alloc"), 2, 2);
	cg_profile_add(refused, CG_ABI_X86_64, cg_intern("keyctl"), 1, 1);
	cg_profile_add(refused, CG_ABI_I386, cg_intern("keyctl"), 3, 3);
	_cleanup_free_ char *text = cg_summary_format_refused(p, refused);
	const char *tail = "        3         3 total\n"
			   "# refused by an inherited seccomp filter: keyctl 1, pkey_alloc 2\n"
			   "# refused by an inherited seccomp filter (32 bit mode): keyctl 3\n";
	size_t n = strlen(text), m = strlen(tail);
	assert_true(n > m);
	assert_string_equal(text + n - m, tail);
	_cleanup_profile_ struct cg_profile *q = cg_profile_new();
	struct cg_error e = {0};
	assert_int_equal(cg_input_detect(text, n), CG_INPUT_SUMMARY);
	if (cg_input_parse(text, n, NULL, "refused", q, NULL, &e) < 0)
		fail_msg("%s:%u: %s", e.file, e.line, e.msg);
	assert_same_profile(p, q);
	/* The service manager's calls (not in p) named after those. */
	_cleanup_profile_ struct cg_profile *mgr = cg_profile_new();
	cg_profile_add(mgr, CG_ABI_X86_64, cg_intern("setsid"), 2, 0);
	cg_profile_add(mgr, CG_ABI_X86_64, cg_intern("capget"), 1, 0);
	_cleanup_free_ char *notes = cg_summary_format_notes(p, refused, mgr);
	const char *mtail = "(32 bit mode): keyctl 3\n"
			    "# left out, made by the service manager before the exec: capget 1, "
			    "setsid 2\n";
	size_t nn = strlen(notes), mm = strlen(mtail);
	assert_true(nn > mm);
	assert_string_equal(notes + nn - mm, mtail);
	_cleanup_profile_ struct cg_profile *r = cg_profile_new();
	if (cg_input_parse(notes, nn, NULL, "notes", r, NULL, &e) < 0)
		fail_msg("%s:%u: %s", e.file, e.line, e.msg);
	assert_same_profile(p, r);
	/* Nothing refused: the tables alone, as before. */
	_cleanup_profile_ struct cg_profile *none = cg_profile_new();
	_cleanup_free_ char *plain = cg_summary_format(p);
	_cleanup_free_ char *same = cg_summary_format_refused(p, none);
	assert_string_equal(plain, same);
}

/* Calls whose count depends on timing (futex: whether a thread had ended
 * before pthread_join looked) or that strace -c leaves out because they
 * never return (exit, exit_group; we count calls when they start). */
static bool timing_or_no_return(const char *name)
{
	return !strcmp(name, "futex") || !strcmp(name, "exit") || !strcmp(name, "exit_group");
}

/* The same (abi, name, calls, errors) as `strace -f -c` on each program. */
static void test_same_as_strace(void **state)
{
	(void)state;
	if (system("strace -V >/dev/null 2>&1") != 0) {
		print_message("# strace is not installed\n");
		skip();
	}
	static const char *const progs[] = {"trace_threads", "trace_fork",	  "trace_exec",
					    "trace_signal",  "trace_thread_exec", "trace_int80",
					    "trace_x32",     "m32/trace_m32"};
	for (size_t i = 0; i < ELEMENTSOF(progs); i++) {
		if (i386_left_out(progs[i]))
			continue;
		char out[] = "/tmp/cg-strace-XXXXXX";
		int fd = mkstemp(out);
		assert_true(fd >= 0);
		close(fd);
		_cleanup_free_ char *cmd =
			xasprintf("strace -f -c -o %s %s >/dev/null 2>&1", out, progpath(progs[i]));
		int rc = system(cmd);
		assert_true(rc >= 0 && WIFEXITED(rc));
		_cleanup_profile_ struct cg_profile *s = cg_profile_new();
		struct cg_error e = {0};
		if (cg_input_read(out, NULL, s, NULL, &e) < 0)
			fail_msg("%s: %s", out, e.msg);
		unlink(out);
		int st;
		_cleanup_profile_ struct cg_profile *p = trace_prog(progs[i], &st);
		assert_int_equal(st, WEXITSTATUS(rc));
		const struct cg_profile *pair[2][2] = {{p, s}, {s, p}};
		for (int k = 0; k < 2; k++) {
			const struct cg_profile *a = pair[k][0], *b = pair[k][1];
			for (size_t j = 0; j < cg_profile_count(a); j++) {
				const struct cg_profile_entry *x = cg_profile_at(a, j);
				const char *n = cg_name_str(x->name);
				if (timing_or_no_return(n))
					continue;
				const struct cg_profile_entry *y =
					cg_profile_find(b, x->abi, x->name);
				if (!y || y->calls != x->calls || y->errors != x->errors)
					fail_msg("%s: %s/%s: %s %" PRIu64 " calls %" PRIu64
						 " errors, %s %" PRIu64 "/%" PRIu64,
						 progs[i], cg_abi_name(x->abi), n,
						 k ? "strace" : "trace", x->calls, x->errors,
						 k ? "trace" : "strace", y ? y->calls : 0,
						 y ? y->errors : 0);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_fork_vfork),
		cmocka_unit_test(test_many_tasks),
		cmocka_unit_test(test_exec_chain),
		cmocka_unit_test(test_signal_handler),
		cmocka_unit_test(test_thread_exec),
		cmocka_unit_test(test_m32),
		cmocka_unit_test(test_int80),
		cmocka_unit_test(test_x32),
		cmocka_unit_test(test_exit_status_and_errors),
		cmocka_unit_test(test_missing_command),
		cmocka_unit_test(test_command_not_runnable),
		cmocka_unit_test(test_find_command_and_privileges),
		cmocka_unit_test(test_summary_golden),
		cmocka_unit_test(test_summary_reads_back),
		cmocka_unit_test(test_same_as_strace),
		cmocka_unit_test(test_refused_by_other_filter),
		cmocka_unit_test(test_refused_tsync),
		cmocka_unit_test(test_nothing_refused),
		cmocka_unit_test(test_summary_refused_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
