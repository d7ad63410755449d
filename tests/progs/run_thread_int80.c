/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A second thread makes an i386 call (int 0x80 getpid) and then says so;
 * the main thread waits for it (at most a second), prints "main" and exits
 * 3. Under SystemCallArchitectures=native only the calling thread dies
 * (libseccomp's default bad-arch action, which systemd keeps, kills the
 * thread), so the program still prints "main" and exits 3. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static volatile int done;

static void *thread(void *arg)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "r8", "r9", "r10", "r11", "memory");
	printf("thread: getpid %ld\n", r);
	fflush(stdout);
	done = 1;
	return arg;
}

int main(void)
{
	pthread_t th;
	if (pthread_create(&th, NULL, thread, NULL) != 0)
		return 1;
	for (int i = 0; i < 100 && !done; i++) {
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
	}
	printf("main\n");
	return 3;
}
