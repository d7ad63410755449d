/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A 32-bit program: getppid 7 times, getuid32 2 times (i386 numbers). */
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 7; i++)
		syscall(SYS_getppid);
	for (int i = 0; i < 2; i++)
		syscall(SYS_getuid32);
	return 0;
}
