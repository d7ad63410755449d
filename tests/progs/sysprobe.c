/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysprobe: was this system call allowed? (bubblewrap's trick)
 *
 *   sysprobe [-a x86-64|x86|x32] [-f ERRNO]... NAME=NR|NR...
 *
 * Calls each system call number NR of the given ABI (x86-64 natively, x86
 * through int 0x80, x32 with the 0x40000000 bit; for x32 give NR without
 * the bit) with every argument -1: a bad fd, a bad pointer, a bad length.
 * The caller must only name calls that are harmless that way (the tests
 * keep a vetted list). Prints one line per call:
 *   NAME allowed EBADF     the call reached the kernel and failed there
 *   NAME allowed 0         ...or succeeded (harmless with these arguments)
 *   NAME filtered EPERM    it failed with one of the -f errnos (the filter's)
 *   NAME nosys ENOSYS      the kernel (or a filter) has no such call
 * A call the filter kills ends the program with SIGSYS; lines already
 * printed stay printed (one write per line). Exit status 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define X32_BIT 0x40000000L

static long call_native(long nr)
{
	long r;
	register long r10 __asm__("r10") = -1;
	register long r8 __asm__("r8") = -1;
	register long r9 __asm__("r9") = -1;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(-1L), "S"(-1L), "d"(-1L), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

static long call_int80(long nr)
{
	long r;
	/* 32-bit arguments in ebx, ecx, edx, esi, edi; the kernel may
	 * clobber r8-r11 on this path. */
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(0xffffffffL), "c"(0xffffffffL), "d"(0xffffffffL),
			   "S"(0xffffffffL), "D"(0xffffffffL)
			 : "r8", "r9", "r10", "r11", "memory");
	/* The result is a 32-bit value: sign-extend it. */
	return (long)(int)r;
}

int main(int argc, char **argv)
{
	const char *abi = "x86-64";
	int filter_errnos[16], nfe = 0;
	int opt;
	while ((opt = getopt(argc, argv, "a:f:")) != -1) {
		if (opt == 'a') {
			abi = optarg;
		} else if (opt == 'f' && nfe < 16) {
			filter_errnos[nfe++] = atoi(optarg);
		} else {
			fprintf(stderr,
				"usage: sysprobe [-a x86-64|x86|x32] [-f ERRNO]... NAME=NR...\n");
			return 2;
		}
	}
	int mode = strcmp(abi, "x86") == 0 ? 1 : strcmp(abi, "x32") == 0 ? 2 : 0;
	for (int i = optind; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		long nr = strtol(eq ? eq + 1 : argv[i], NULL, 10);
		int namelen = eq ? (int)(eq - argv[i]) : (int)strlen(argv[i]);
		long r = mode == 1 ? call_int80(nr) : call_native(mode == 2 ? nr | X32_BIT : nr);
		const char *verdict = "allowed";
		char val[32];
		if (r < 0 && r > -4096) {
			int err = (int)-r;
			const char *n = strerrorname_np(err);
			snprintf(val, sizeof val, "%s", n ? n : "?");
			if (err == ENOSYS)
				verdict = "nosys";
			for (int k = 0; k < nfe; k++)
				if (err == filter_errnos[k])
					verdict = "filtered";
		} else {
			snprintf(val, sizeof val, "%ld", r);
		}
		char line[256];
		int len =
			snprintf(line, sizeof line, "%.*s %s %s\n", namelen, argv[i], verdict, val);
		if (write(1, line, (size_t)len) < 0)
			return 3;
	}
	return 0;
}
