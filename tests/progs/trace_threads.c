/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 4 threads (clone3 or clone, as libc does) call getppid 100 times each;
 * the main thread calls getuid 7 times. Exit status 0. */
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { THREADS = 4, CALLS = 100 };

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < CALLS; i++)
		syscall(SYS_getppid);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			return 1;
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 7; i++)
		syscall(SYS_getuid);
	return 0;
}
