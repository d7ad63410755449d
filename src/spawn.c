/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Starting commands: lookup, start gate, inherited signals, exit codes. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- signals ---------------------------------------------------------------- */

/* Bit n set: signal n was ignored when the snapshot was taken. Handlers
 * never survive execve, so "ignored or not" is all a command can inherit. */
static bool saved;
static unsigned long long saved_ignored;
static sigset_t saved_mask;

void cg_spawn_save_signals(void)
{
	if (saved)
		return;
	for (int sig = 1; sig < NSIG && sig < 64; sig++) {
		struct sigaction sa;
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			saved_ignored |= 1ULL << sig;
	}
	sigprocmask(SIG_SETMASK, NULL, &saved_mask);
	saved = true;
}

void cg_spawn_restore_signals(void)
{
	if (!saved)
		return; /* nothing was changed that the snapshot could undo */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG && sig < 64; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		sa.sa_handler = (saved_ignored >> sig) & 1 ? SIG_IGN : SIG_DFL;
		sigaction(sig, &sa, NULL); /* fails harmlessly for libc's own */
	}
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

/* ---- finding a command ------------------------------------------------------ */

char *cg_find_command(const char *name)
{
	struct stat st;
	if (strchr(name, '/')) {
		if (stat(name, &st) < 0)
			return NULL;
		if (!S_ISREG(st.st_mode) || access(name, X_OK) < 0) {
			errno = EACCES;
			return NULL;
		}
		return xstrdup(name);
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int err = ENOENT;
	for (const char *s = path;; s++) {
		const char *end = strchrnul(s, ':');
		_cleanup_free_ char *full = end == s
						    ? xasprintf("./%s", name)
						    : xasprintf("%.*s/%s", (int)(end - s), s, name);
		if (stat(full, &st) == 0) {
			if (S_ISREG(st.st_mode) && access(full, X_OK) == 0)
				return steal_pointer(&full);
			err = EACCES;
		}
		if (!*end)
			break;
		s = end;
	}
	errno = err;
	return NULL;
}

int cg_spawn_find(const char *name, char **path, struct cg_error *e)
{
	*path = cg_find_command(name);
	if (*path)
		return 0;
	if (errno == EACCES) {
		cg_error_set(e, NULL, 0, "%s: permission denied", name);
		return 126;
	}
	cg_error_set(e, NULL, 0, "%s: command not found", name);
	return 127;
}

int cg_spawn_exit_code(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return -1;
}

/* ---- starting --------------------------------------------------------------- */

/* What the child writes to the failure pipe when it cannot run the
 * command. */
struct child_failure {
	int exec_failed; /* 1: execve itself failed; 0: prepare did */
	int err;
	char msg[600];
};

_noreturn_ static void child_fail(int fd, int exec_failed, int err, const char *msg)
{
	struct child_failure cf = {.exec_failed = exec_failed, .err = err};
	size_t n = strlen(msg);
	if (n >= sizeof cf.msg)
		n = sizeof cf.msg - 1;
	memcpy(cf.msg, msg, n);
	ssize_t w = write(fd, &cf, sizeof cf);
	(void)w;
	_exit(127);
}

_noreturn_ static void child_run(const struct cg_spawn_opts *o, int gate, int fail)
{
	cg_spawn_restore_signals();
	if (gate >= 0) {
		char c;
		ssize_t n;
		while ((n = read(gate, &c, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(127); /* the caller gave up before releasing us */
		close(gate);
	}
	if (o->prepare) {
		struct cg_error e = {0};
		int r = o->prepare(o->data, &e);
		if (r < 0) {
			char buf[sizeof e.msg + sizeof e.file + 16];
			child_fail(fail, 0, -r, cg_error_format(&e, buf, sizeof buf));
		}
	}
	execve(o->path, o->argv, environ);
	int err = errno;
	child_fail(fail, 1, err, strerror(err));
}

int cg_spawn_start(const struct cg_spawn_opts *o, struct cg_spawn *s, struct cg_error *e)
{
	int gate[2] = {-1, -1}, fail[2];
	*s = (struct cg_spawn){.pid = -1, .gate_fd = -1, .fail_fd = -1, .path = o->path};
	cg_spawn_save_signals();
	if (pipe2(fail, O_CLOEXEC) < 0 || (o->gate && pipe2(gate, O_CLOEXEC) < 0)) {
		int err = errno;
		cg_error_set(e, NULL, 0, "pipe: %s", strerror(err));
		if (o->gate && gate[0] < 0) {
			close(fail[0]);
			close(fail[1]);
		}
		return -err;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		cg_error_set(e, NULL, 0, "fork: %s", strerror(err));
		close(fail[0]);
		close(fail[1]);
		if (gate[0] >= 0) {
			close(gate[0]);
			close(gate[1]);
		}
		return -err;
	}
	if (pid == 0) {
		close(fail[0]);
		if (gate[1] >= 0)
			close(gate[1]);
		child_run(o, gate[0], fail[1]);
	}
	close(fail[1]);
	if (gate[0] >= 0)
		close(gate[0]);
	*s = (struct cg_spawn){.pid = pid, .gate_fd = gate[1], .fail_fd = fail[0], .path = o->path};
	return 0;
}

int cg_spawn_release(struct cg_spawn *s)
{
	if (s->gate_fd < 0)
		return 0;
	ssize_t n;
	while ((n = write(s->gate_fd, "g", 1)) < 0 && errno == EINTR)
		;
	int err = n == 1 ? 0 : (errno ? errno : EIO);
	close(s->gate_fd);
	s->gate_fd = -1;
	return -err;
}

int cg_spawn_failure(struct cg_spawn *s, struct cg_error *e)
{
	if (s->fail_fd < 0)
		return 0;
	struct child_failure cf;
	ssize_t n;
	while ((n = read(s->fail_fd, &cf, sizeof cf)) < 0 && errno == EINTR)
		;
	close(s->fail_fd);
	s->fail_fd = -1;
	if (n != (ssize_t)sizeof cf)
		return 0;
	cf.msg[sizeof cf.msg - 1] = 0;
	if (!cf.exec_failed) {
		cg_error_set(e, NULL, 0, "%s", cf.msg);
		return cf.err > 0 ? -cf.err : -EINVAL;
	}
	cg_error_set(e, NULL, 0, "cannot run %s: %s", s->path, cf.msg);
	return cf.err == ENOENT ? 127 : 126;
}

void cg_spawn_done(struct cg_spawn *s)
{
	if (s->gate_fd >= 0)
		close(s->gate_fd);
	if (s->fail_fd >= 0)
		close(s->fail_fd);
	s->gate_fd = s->fail_fd = -1;
}

/* ---- capturing a helper's output ------------------------------------------- */

char *cg_spawn_capture(char *const argv[], char *const env[], size_t *len, int *exit_code)
{
	int out[2];
	*exit_code = 127;
	*len = 0;
	_cleanup_free_ char *path = cg_find_command(argv[0]);
	if (!path || pipe2(out, O_CLOEXEC) < 0)
		return NULL;
	cg_spawn_save_signals();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(out[0]);
		close(out[1]);
		return NULL;
	}
	if (pid == 0) {
		cg_spawn_restore_signals();
		dup2(out[1], 1);
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (devnull >= 0)
			dup2(devnull, 2);
		for (size_t i = 0; env && env[i]; i++)
			putenv(env[i]);
		execv(path, argv);
		_exit(127);
	}
	close(out[1]);
	size_t cap = 1 << 14, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		xgrow((void **)&buf, &cap, n + 4097, 1);
		ssize_t got = read(out[0], buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(out[0]);
	buf[n] = 0;
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*exit_code = cg_spawn_exit_code(status);
	*len = n;
	return buf;
}
