/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A blocking call interrupted by a signal handler: pause() is cut short,
 * and rt_sigreturn returns pause's -EINTR. strace counts one call and one
 * error for each. The eBPF backend once counted that error for a call
 * numbered -1 of x32 (orig_ax is -1 after sigreturn). */
#include <signal.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	pause();
	return 0;
}
