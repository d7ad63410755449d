// SPDX-License-Identifier: LGPL-2.1-or-later
/* Makes calls that refuse_exec's filter refuses: getpgid(0) N times (argv[1],
 * default 5) and keyctl once; with "fork" (argv[2]), a child forked
 * afterwards makes the same calls. Exit 1 when a call was not refused with
 * EPERM (so the test knows the filter was there). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int calls(long n)
{
	int bad = 0;
	for (long i = 0; i < n; i++)
		bad |= syscall(SYS_getpgid, 0L) != -1 || errno != EPERM;
	/* KEYCTL_GET_KEYRING_ID (0) of the session keyring (-3). */
	bad |= syscall(SYS_keyctl, 0L, -3L, 0L) != -1 || errno != EPERM;
	return bad;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 5;
	int bad = calls(n);
	if (argc > 2 && strcmp(argv[2], "fork") == 0) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(calls(n));
		int st;
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	}
	return bad;
}
