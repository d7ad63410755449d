/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A 64-bit program making i386 calls with `int $0x80`: getppid (i386 nr 64)
 * 4 times, plus 2 native getppid. Exits 0, or 77 when the kernel has no
 * i386 emulation (the call fails with ENOSYS or the program gets SIGSEGV,
 * which we avoid by checking /proc/sys/abi or the first result). */
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
