/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the cmocka unit tests. TOP_SRCDIR and BUILD_DIR come from the
 * Makefile. */
#pragma once

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profile.h"
#include "trace_common.h"
#include "util.h"

/* Path of a file under the source tree, in a static buffer. */
static inline const char *srcpath(const char *rel)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/%s", TOP_SRCDIR, rel);
	return buf;
}

/* Path of a test program built under BUILD_DIR/progs (name may be
 * "m32/..."), in a static buffer; fails the test when it is not built. */
static inline const char *progpath(const char *name)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/progs/%s", BUILD_DIR, name);
	if (access(buf, X_OK) < 0)
		fail_msg("%s is not built: make BUILD=... progs", buf);
	return buf;
}

/* Why this kernel cannot run i386 code, as tests/progs/i386_probe says it
 * ("this kernel cannot run i386 code: ..."), or NULL when it can. Asked
 * once per test program; fails the test when the probe cannot tell. */
static inline const char *no_i386(void)
{
	static bool asked;
	static char why[512];
	if (asked)
		return why[0] ? why : NULL;
	char probe[4096], prog32[4096];
	snprintf(probe, sizeof probe, "%s", progpath("i386_probe"));
	snprintf(prog32, sizeof prog32, "%s", progpath("m32/trace_m32"));
	int out[2];
	if (pipe(out) < 0)
		fail_msg("pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		execl(probe, probe, prog32, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	size_t n = 0;
	ssize_t r;
	while (n < sizeof why - 1 && (r = read(out[0], why + n, sizeof why - 1 - n)) > 0)
		n += (size_t)r;
	close(out[0]);
	why[n] = '\0';
	why[strcspn(why, "\n")] = '\0';
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1 ||
	    (WEXITSTATUS(status) == 1) != (why[0] != '\0'))
		fail_msg("%s cannot tell whether this kernel runs i386 code (wait status %#x)",
			 probe, status);
	asked = true;
	return why[0] ? why : NULL;
}

/* Skips the running test, with the reason, on a kernel that cannot run
 * i386 code. For a test that checks nothing else; a test that checks other
 * ABIs too leaves its i386 programs out with i386_left_out(). */
static inline void skip_without_i386(void)
{
	const char *why = no_i386();
	if (why) {
		print_message("# %s\n", why);
		skip();
	}
}

/* True, after saying so, when prog (a name under progs/) is an i386 test
 * program (m32/..., or a 64-bit one making int 0x80 calls: *int80*) and
 * this kernel cannot run i386 code: the caller leaves it out. */
static inline bool i386_left_out(const char *prog)
{
	if (strncmp(prog, "m32/", 4) != 0 && !strstr(prog, "int80"))
		return false;
	const char *why = no_i386();
	if (why)
		print_message("# %s left out: %s\n", prog, why);
	return why != NULL;
}

/* Reads a source-tree file or fails the test. Caller frees. */
static inline char *slurp(const char *rel, size_t *len)
{
	char *text = NULL;
	struct cg_error e = {0};
	size_t l = 0;
	if (cg_read_file(srcpath(rel), &text, &l, &e) < 0)
		fail_msg("cannot read %s: %s", rel, e.msg);
	if (len)
		*len = l;
	return text;
}

/* Calls and errors the profile holds for (abi, name); 0 when absent. */
static inline uint64_t calls(const struct cg_profile *p, enum cg_abi abi, const char *name)
{
	const struct cg_profile_entry *e = cg_profile_find(p, abi, cg_intern(name));
	return e ? e->calls : 0;
}

static inline uint64_t errors(const struct cg_profile *p, enum cg_abi abi, const char *name)
{
	const struct cg_profile_entry *e = cg_profile_find(p, abi, cg_intern(name));
	return e ? e->errors : 0;
}

/* ---- checks both tracer backends must pass -------------------------------- */

/* A backend: cg_trace_ptrace() or cg_trace_bpf(). */
typedef int (*trace_backend_fn)(const struct cg_trace_opts *o, struct cg_profile *p,
				struct cg_trace_result *r);

/* refuse_exec installs a filter answering getpgid and keyctl with EPERM
 * and executes refused_calls (3 getpgid and 1 keyctl, then a child it forks
 * the same), which exits 0 only if each call got EPERM: every attempt is
 * counted as a call with its error, with or without errors counted, and
 * kept apart as refused; the filter's install and the wait are plain
 * calls. */
static inline void check_refused_by_other_filter(trace_backend_fn trace)
{
	/* progpath() answers in one static buffer. */
	_cleanup_free_ char *filter = xstrdup(progpath("refuse_exec"));
	char *argv[] = {filter, (char *)progpath("refused_calls"), "3", "fork", NULL};
	for (int with = 0; with < 2; with++) {
		_cleanup_profile_ struct cg_profile *p = cg_profile_new();
		_cleanup_profile_ struct cg_profile *refused = cg_profile_new();
		struct cg_trace_opts o = {.argv = argv, .count_errors = with, .refused = refused};
		struct cg_trace_result r = {0};
		assert_int_equal(trace(&o, p, &r), 0);
		assert_int_equal(r.exit_status, 0);
		assert_int_equal(calls(p, CG_ABI_X86_64, "getpgid"), 6);
		assert_int_equal(errors(p, CG_ABI_X86_64, "getpgid"), 6);
		assert_int_equal(calls(p, CG_ABI_X86_64, "keyctl"), 2);
		assert_int_equal(errors(p, CG_ABI_X86_64, "keyctl"), 2);
		assert_int_equal(calls(p, CG_ABI_X86_64, "wait4"), 1);
		assert_int_equal(cg_profile_count(refused), 2);
		assert_int_equal(calls(refused, CG_ABI_X86_64, "getpgid"), 6);
		assert_int_equal(errors(refused, CG_ABI_X86_64, "getpgid"), 6);
		assert_int_equal(calls(refused, CG_ABI_X86_64, "keyctl"), 2);
		assert_int_equal(errors(refused, CG_ABI_X86_64, "keyctl"), 2);
	}
}

/* tsync_refuse: one thread installs a filter for the whole thread group
 * (TSYNC) while another, which never entered a call under a filter before,
 * keeps calling getppid: each of its 6 refused calls is counted and
 * marked, whatever the timing; rounds times, errors counted every other. */
static inline void check_refused_tsync(trace_backend_fn trace, int rounds)
{
	char *argv[] = {(char *)progpath("tsync_refuse"), NULL};
	for (int round = 0; round < rounds; round++) {
		_cleanup_profile_ struct cg_profile *p = cg_profile_new();
		_cleanup_profile_ struct cg_profile *refused = cg_profile_new();
		struct cg_trace_opts o = {
			.argv = argv, .count_errors = round % 2, .refused = refused};
		struct cg_trace_result r = {0};
		assert_int_equal(trace(&o, p, &r), 0);
		assert_int_equal(r.exit_status, 0);
		assert_int_equal(errors(p, CG_ABI_X86_64, "getppid"), 6);
		assert_int_equal(calls(refused, CG_ABI_X86_64, "getppid"), 6);
	}
}

/* A file that is no program: 126 as a shell says, found not executable
 * before anything runs (nothing counted), or refused by execve (no #!, not
 * ELF) after the trace began: then the failed execve is counted, and
 * nothing before it. */
static inline void check_command_not_runnable(trace_backend_fn trace)
{
	char path[] = "/tmp/cg-trace-noexec-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a program\n", 14), 14);
	close(fd);
	char *argv[] = {path, NULL};
	struct cg_trace_opts o = {.argv = argv, .count_errors = true};
	struct cg_trace_result r = {0};

	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(trace(&o, p, &r), -EACCES);
	assert_int_equal(r.cannot_run, 126);
	assert_non_null(strstr(r.error.msg, "permission denied"));
	assert_int_equal(cg_profile_count(p), 0);

	_cleanup_profile_ struct cg_profile *q = cg_profile_new();
	assert_int_equal(chmod(path, 0755), 0);
	assert_int_equal(trace(&o, q, &r), 0);
	assert_int_equal(r.cannot_run, 126);
	assert_int_equal(r.exit_status, 126);
	_cleanup_free_ char *want = xasprintf("cannot run %s: %s", path, strerror(ENOEXEC));
	assert_string_equal(r.error.msg, want);
	assert_int_equal(calls(q, CG_ABI_X86_64, "execve"), 1);
	assert_int_equal(errors(q, CG_ABI_X86_64, "execve"), 1);
	assert_int_equal(calls(q, CG_ABI_X86_64, "close"), 0);
	unlink(path);
}
