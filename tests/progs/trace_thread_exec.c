/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A thread other than the leader calls execve (its tid becomes the
 * leader's): before, the thread calls getppid 2 times; after the exec the
 * new image calls it 3 times and exits 6. getppid 5, execve 2.
 *
 * The thread waits (spinning, no calls) until pthread_create() has returned
 * in the leader: otherwise the exec may kill the leader between its clone3
 * and the rt_sigprocmask after it, and strace -c, which counts a call when
 * it returns, misses those two (seen under load). */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *self;
static atomic_int created;

static void *worker(void *arg)
{
	(void)arg;
	while (!atomic_load(&created))
		;
	for (int i = 0; i < 2; i++)
		syscall(SYS_getppid);
	char *args[] = {self, "after", NULL};
	execv("/proc/self/exe", args);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "after") == 0) {
		for (int i = 0; i < 3; i++)
			syscall(SYS_getppid);
		return 6;
	}
	self = argv[0];
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 1;
	atomic_store(&created, 1);
	pthread_join(t, NULL); /* never returns: the exec replaces us */
	return 1;
}
