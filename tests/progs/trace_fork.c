/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fork: the child calls getppid 10 times and exits 0; then vfork: the child
 * calls getpid 3 times and _exit(4); the parent reaps both, calls getuid 5
 * times and exits with the vfork child's status (4). */
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int status = 0;
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		for (int i = 0; i < 10; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	pid = vfork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			syscall(SYS_getpid);
		_exit(4);
	}
	waitpid(pid, &status, 0);
	for (int i = 0; i < 5; i++)
		syscall(SYS_getuid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
