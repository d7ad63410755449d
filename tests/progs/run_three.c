/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Makes three system calls outside @basic-io @file-system @process @signal,
 * each harmless: fchown(-1) twice (@chown), mlock of nothing (@memlock) and
 * sethostname with a too long length (@privileged). Prints what each gave,
 * one line each, and exits 7, so a test can see that --complain changes
 * neither the output nor the status. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *res(int r)
{
	return r == 0 ? "0" : strerrorname_np(errno);
}

int main(void)
{
	printf("fchown %s\n", res(fchown(-1, 0, 0)));
	printf("fchown %s\n", res(fchown(-1, 0, 0)));
	printf("mlock %s\n", res(mlock(NULL, 0)));
	static char name[8] = "x";
	volatile size_t too_long = 100000; /* > HOST_NAME_MAX: EINVAL, nothing set */
	printf("sethostname %s\n", res(sethostname(name, too_long)));
	return 7;
}
