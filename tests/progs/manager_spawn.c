/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Plays a service manager starting a process of a unit, for the tests that
 * tell the manager's calls apart from the unit's (trace_common.h,
 * cg_trace_opts.manager), with calls known exactly:
 *
 *   manager_spawn CGROUP attach|into N PROG [ARG...]
 *     forks a child (outside CGROUP, which then writes its pid into
 *     CGROUP/cgroup.procs, as systemd up to 254 does; or born in CGROUP by
 *     clone3(CLONE_INTO_CGROUP), as systemd 255 and later spawn), which
 *     calls getpriority() N times, forks a helper that calls getpriority()
 *     once and exits without exec (PAM's session process), waits for it,
 *     and executes PROG. The parent waits and exits with the child's
 *     status (126 when the child could not be started or placed).
 *
 *   manager_spawn exec N PROG [ARG...]
 *     calls sched_getscheduler() N times and executes PROG: run under the
 *     name systemd-executor, the executor's stage of 255 and later. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void calls(long nr, long n)
{
	for (long i = 0; i < n; i++)
		syscall(nr, 0, 0);
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The child's part: the manager's own calls, then the unit's command. */
static void child(long n, char **argv)
{
	calls(SYS_getpriority, n);
	pid_t helper = fork();
	if (helper == 0) {
		calls(SYS_getpriority, 1);
		_exit(0);
	}
	if (helper > 0)
		waitpid(helper, NULL, 0);
	execv(argv[0], argv);
	perror(argv[0]);
	_exit(127);
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "exec") == 0) {
		calls(SYS_sched_getscheduler, atol(argv[2]));
		execv(argv[3], argv + 3);
		perror(argv[3]);
		return 127;
	}
	if (argc < 5 || (strcmp(argv[2], "attach") != 0 && strcmp(argv[2], "into") != 0)) {
		fprintf(stderr, "usage: manager_spawn CGROUP attach|into N PROG [ARG...]\n"
				"       manager_spawn exec N PROG [ARG...]\n");
		return 2;
	}
	long n = atol(argv[3]);
	pid_t pid;
	if (strcmp(argv[2], "into") == 0) {
		int fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[1]);
			return 126;
		}
		struct clone_args ca = {.exit_signal = SIGCHLD,
					.flags = CLONE_INTO_CGROUP,
					.cgroup = (unsigned long long)fd};
		pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid == 0)
			child(n, argv + 4);
		close(fd);
	} else {
		pid = fork();
		if (pid == 0) {
			/* Outside the cgroup until it places itself. */
			char procs[4096];
			snprintf(procs, sizeof(procs), "%s/cgroup.procs", argv[1]);
			FILE *f = fopen(procs, "we");
			if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) {
				perror(procs);
				_exit(126);
			}
			child(n, argv + 4);
		}
	}
	if (pid < 0) {
		perror("fork");
		return 126;
	}
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return 126;
	return exit_code(status);
}
