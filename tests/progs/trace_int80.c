/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A 64-bit program making i386 calls with `int $0x80`: getppid (i386 nr 64)
 * 4 times, plus 2 native getppid. Exits 0, or 77 when the i386 getppid
 * returned something else. A kernel without i386 emulation fails the call
 * with ENOSYS or kills the program with SIGSEGV: the tests ask
 * tests/progs/i386_probe first and skip where it says so. */
#include <sys/syscall.h>
#include <unistd.h>

static long int80(long nr)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

int main(void)
{
	long r = 0;
	for (int i = 0; i < 4; i++)
		r = int80(64); /* __NR_getppid on i386 */
	syscall(SYS_getppid);
	syscall(SYS_getppid);
	return r == getppid() ? 0 : 77;
}
