/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE
/* Calls chown() on a file (default /dev/null) and says how it went: "chown: ok" or
 * "chown: EPERM"; then "after" and exit 0. Killed by a filter that denies
 * chown, it prints neither line about chown. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/null";
	int r = chown(path, getuid(), getgid());
	printf("chown: %s\n", r == 0 ? "ok" : strerrorname_np(errno));
	printf("after\n");
	return 0;
}
