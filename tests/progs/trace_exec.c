/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An exec chain: stage 0 calls getppid once and execs stage 1 (itself),
 * which calls it twice and execs stage 2, which calls it 3 times and exits
 * 0: getppid 6 times and execve 3 times (the first by the tracer's child). */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int stage = argc > 1 ? atoi(argv[1]) : 0;
	for (int i = 0; i <= stage; i++)
		syscall(SYS_getppid);
	if (stage == 2)
		return 0;
	char next[2] = {(char)('1' + stage), 0};
	char *args[] = {argv[0], next, NULL};
	execv("/proc/self/exe", args);
	return 1;
}
