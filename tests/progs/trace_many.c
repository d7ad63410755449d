/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 120 children alive at once (a tracer's table of tasks must grow and
 * shrink): each calls getppid once, waits for the parent to close a pipe,
 * and exits; the parent reaps them all and exits 0. */
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CHILDREN = 120 };

int main(void)
{
	int fd[2];
	if (pipe(fd) < 0)
		return 1;
	for (int i = 0; i < CHILDREN; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			char c;
			close(fd[1]);
			syscall(SYS_getppid);
			if (read(fd[0], &c, 1) != 0)
				_exit(1);
			_exit(0);
		}
	}
	close(fd[1]);
	int bad = 0, status;
	for (int i = 0; i < CHILDREN; i++)
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad++;
	return bad ? 1 : 0;
}
