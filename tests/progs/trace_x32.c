/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* x32 calls from a 64-bit program: getpid with the x32 bit (0x40000000 |
 * 39) 3 times. The kernel sees (and traces) them as x32 calls even when x32
 * support is off, then fails them with ENOSYS: exits 0 when they worked,
 * 77 when they failed with ENOSYS. */
#include <errno.h>
#include <unistd.h>

static long x32_call(long nr)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
	return ret;
}

int main(void)
{
	long r = 0;
	for (int i = 0; i < 3; i++)
		r = x32_call(0x40000000L | 39);
	if (r == -ENOSYS)
		return 77;
	return r == getpid() ? 0 : 1;
}
