/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Counts the SIGINTs it gets: writes "ready", then waits until 1 s after
 * the first SIGINT (at most 20 s) and exits with the count (0 if none). */
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t count;

static void on_int(int sig)
{
	(void)sig;
	count++;
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	int after = 0;
	for (int i = 0; i < 400 && after < 20; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
		if (count)
			after++;
	}
	return count;
}
