/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A program to attach to. Writes its pid and "ready" to stdout, waits for
 * SIGUSR1, calls getppid N times (argv[1], default 1000), writes "done",
 * waits for SIGUSR2, calls getuid once and exits 5. Threads: argv[2] more
 * threads (default 0) that each wait the same way and call getppid N times
 * too. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long n = 1000;
static sigset_t usr1;

static void calls(void)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static void *worker(void *arg)
{
	pthread_barrier_t *b = arg;
	pthread_barrier_wait(b);
	calls();
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 2 ? atoi(argv[2]) : 0;
	n = argc > 1 ? atol(argv[1]) : 1000;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_barrier_t b;
	pthread_barrier_init(&b, NULL, (unsigned)threads + 1);
	pthread_t *t = calloc((size_t)threads + 1, sizeof(*t));
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, &b);
	printf("%d ready\n", (int)getpid());
	fflush(stdout);
	int sig;
	sigwait(&usr1, &sig);
	if (threads)
		pthread_barrier_wait(&b);
	calls();
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("done\n");
	fflush(stdout);
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigwait(&usr2, &sig);
	syscall(SYS_getuid);
	free(t);
	return 5;
}
