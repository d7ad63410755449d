/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A syscall-heavy loop for benchmarks: getppid N times (argv[1], default
 * 200000). */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}
