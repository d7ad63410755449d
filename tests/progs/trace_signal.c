/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A SIGUSR1 handler that calls getppid; the program sends itself SIGUSR1
 * 5 times with kill: getppid 5, kill 5, rt_sigreturn 5. Exit status 0
 * when the handler ran 5 times. */
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t seen;

static void on_usr1(int sig)
{
	(void)sig;
	syscall(SYS_getppid);
	seen++;
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	pid_t me = (pid_t)syscall(SYS_getpid);
	for (int i = 0; i < 5; i++)
		syscall(SYS_kill, me, SIGUSR1);
	return seen == 5 ? 0 : 1;
}
