/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn: the one way commands are started: lookup as a shell, start gate,
 * inherited signal dispositions, failures before execve, exit codes, and
 * capturing a helper's output. Real programs (sh, true) only. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"

#include "spawn.h"

static int wait_code(struct cg_spawn *s)
{
	int st;
	while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
		;
	return cg_spawn_exit_code(st);
}

static void test_find(void **state)
{
	(void)state;
	struct cg_error e = {0};
	char *path = NULL;
	assert_int_equal(cg_spawn_find("sh", &path, &e), 0);
	assert_true(path && path[0] == '/');
	free(path);
	assert_int_equal(cg_spawn_find("callgroups-no-such-program", &path, &e), 127);
	assert_null(path);
	assert_string_equal(e.msg, "callgroups-no-such-program: command not found");
	/* A file that is there but not executable: 126, as a shell says. */
	char tmp[] = "/tmp/cg-spawn-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(cg_spawn_find(tmp, &path, &e), 126);
	assert_non_null(strstr(e.msg, "permission denied"));
	unlink(tmp);
}

static void test_exit_codes(void **state)
{
	(void)state;
	struct cg_error e = {0};
	char *argv[] = {"sh", "-c", "exit 7", NULL};
	_cleanup_free_ char *sh = cg_find_command("sh");
	struct cg_spawn_opts o = {.path = sh, .argv = argv};
	struct cg_spawn s;
	assert_int_equal(cg_spawn_start(&o, &s, &e), 0);
	assert_int_equal(wait_code(&s), 7);
	assert_int_equal(cg_spawn_failure(&s, &e), 0);
	cg_spawn_done(&s);

	char *argv2[] = {"sh", "-c", "kill -TERM $$", NULL};
	o.argv = argv2;
	assert_int_equal(cg_spawn_start(&o, &s, &e), 0);
	assert_int_equal(wait_code(&s), 128 + SIGTERM);
	cg_spawn_done(&s);
}

/* SIGHUP ignored by us (nohup) stays ignored in the command, and a blocked
 * signal stays blocked, even though we handle SIGHUP ourselves by now. */
static void on_hup(int sig)
{
	(void)sig;
}

static void test_inherited_signals(void **state)
{
	(void)state;
	struct cg_error e = {0};
	_cleanup_free_ char *sh = cg_find_command("sh");
	/* This process is the test's own: snapshot first, as main() does. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_DFL);
	cg_spawn_save_signals();
	signal(SIGHUP, on_hup);	 /* what a tracer does after the snapshot */
	signal(SIGINT, SIG_IGN); /* what run's supervisor does */
	char *argv[] = {"sh", "-c", "kill -HUP $$; exit 0", NULL};
	struct cg_spawn_opts o = {.path = sh, .argv = argv};
	struct cg_spawn s;
	assert_int_equal(cg_spawn_start(&o, &s, &e), 0);
	assert_int_equal(wait_code(&s), 0); /* survived: still ignored */
	cg_spawn_done(&s);
	char *argv2[] = {"sh", "-c", "kill -INT $$; exit 0", NULL};
	o.argv = argv2;
	assert_int_equal(cg_spawn_start(&o, &s, &e), 0);
	assert_int_equal(wait_code(&s), 128 + SIGINT); /* default again */
	cg_spawn_done(&s);
	signal(SIGHUP, SIG_DFL);
	signal(SIGINT, SIG_DFL);
}

static int prepare_fails(void *data, struct cg_error *e)
{
	cg_error_set(e, NULL, 0, "cannot load the filter: %s", (const char *)data);
	return -EINVAL;
}

static void test_gate_and_failures(void **state)
{
	(void)state;
	struct cg_error e = {0};
	_cleanup_free_ char *sh = cg_find_command("sh");
	char *argv[] = {"sh", "-c", "exit 3", NULL};
	/* Held at the gate: not gone until released. */
	struct cg_spawn_opts o = {.path = sh, .argv = argv, .gate = true};
	struct cg_spawn s;
	assert_int_equal(cg_spawn_start(&o, &s, &e), 0);
	usleep(20000);
	int st;
	assert_int_equal(waitpid(s.pid, &st, WNOHANG), 0);
	assert_int_equal(cg_spawn_release(&s), 0);
	assert_int_equal(wait_code(&s), 3);
	cg_spawn_done(&s);
	/* Closed unopened: the child leaves quietly with 127. */
	assert_int_equal(cg_spawn_start(&o, &s, &e), 0);
	cg_spawn_done(&s);
	assert_int_equal(wait_code(&s), 127);
	/* prepare fails: its message comes back, the command never ran. */
	o = (struct cg_spawn_opts){
		.path = sh, .argv = argv, .prepare = prepare_fails, .data = "no seccomp"};
	assert_int_equal(cg_spawn_start(&o, &s, &e), 0);
	assert_int_equal(wait_code(&s), 127);
	assert_int_equal(cg_spawn_failure(&s, &e), -EINVAL);
	assert_string_equal(e.msg, "cannot load the filter: no seccomp");
	cg_spawn_done(&s);
	/* execve fails: 126 for a directory, as a shell says. */
	o = (struct cg_spawn_opts){.path = "/", .argv = argv};
	assert_int_equal(cg_spawn_start(&o, &s, &e), 0);
	assert_int_equal(wait_code(&s), 127);
	assert_int_equal(cg_spawn_failure(&s, &e), 126);
	assert_non_null(strstr(e.msg, "cannot run /: "));
	cg_spawn_done(&s);
}

static void test_capture(void **state)
{
	(void)state;
	char *argv[] = {"sh", "-c", "printf '%s=%s' hello \"$CG_TEST\"; echo noise >&2; exit 4",
			NULL};
	char *env[] = {"CG_TEST=world", NULL};
	size_t len;
	int code;
	_cleanup_free_ char *out = cg_spawn_capture(argv, env, &len, &code);
	assert_non_null(out);
	assert_string_equal(out, "hello=world");
	assert_int_equal(len, 11);
	assert_int_equal(code, 4);
	char *missing[] = {"callgroups-no-such-program", NULL};
	assert_null(cg_spawn_capture(missing, NULL, &len, &code));
	assert_int_equal(code, 127);
	assert_null(getenv("CG_TEST")); /* set in the child only */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* First: the snapshot is taken once, by the first start. */
		cmocka_unit_test(test_inherited_signals), cmocka_unit_test(test_find),
		cmocka_unit_test(test_exit_codes),	  cmocka_unit_test(test_gate_and_failures),
		cmocka_unit_test(test_capture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
