// SPDX-License-Identifier: LGPL-2.1-or-later
/* Installs a seccomp filter that gives one system call one action, then
 * makes that call, so the kernel writes the audit record (type=1326) that
 * `callgroups explain-crash` reads.
 *   crash_seccomp ACTION CALL
 * ACTION: kill-process, kill-thread, log, errno, trap. CALL: fchown,
 * getppid, chown, mprotect, or x32-getppid (getppid with the x32 bit; the
 * filter sees the number before the kernel decides whether x32 exists).
 * Built with -m32 too (tests/progs/m32/), for records of i386 calls. Raw
 * BPF, no libseccomp, so
 * the exact call and action are what the test states. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef __i386__
#define MY_AUDIT_ARCH AUDIT_ARCH_I386
#else
#define MY_AUDIT_ARCH AUDIT_ARCH_X86_64
#endif

static unsigned action(const char *s)
{
	if (!strcmp(s, "kill-process"))
		return SECCOMP_RET_KILL_PROCESS;
	if (!strcmp(s, "kill-thread"))
		return SECCOMP_RET_KILL_THREAD;
	if (!strcmp(s, "log"))
		return SECCOMP_RET_LOG;
	if (!strcmp(s, "errno"))
		return SECCOMP_RET_ERRNO | EPERM;
	if (!strcmp(s, "trap"))
		return SECCOMP_RET_TRAP;
	return 0xffffffffu;
}

int main(int argc, char **argv)
{
	if (argc != 3 || action(argv[1]) == 0xffffffffu) {
		fprintf(stderr, "usage: crash_seccomp kill-process|kill-thread|log|errno|trap "
				"fchown|getppid|chown|mprotect|x32-getppid\n");
		return 2;
	}
	long nr;
	if (!strcmp(argv[2], "fchown"))
		nr = SYS_fchown;
	else if (!strcmp(argv[2], "getppid"))
		nr = SYS_getppid;
	else if (!strcmp(argv[2], "chown"))
		nr = SYS_chown;
	else if (!strcmp(argv[2], "mprotect"))
		nr = SYS_mprotect;
#ifdef __x86_64__
	else if (!strcmp(argv[2], "x32-getppid"))
		nr = 0x40000000 | 110; /* x32 shares x86-64's numbers plus this bit */
#endif
	else
		return 2;
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MY_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action(argv[1])),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fp = {.len = sizeof prog / sizeof prog[0], .filter = prog};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) < 0) {
		perror("seccomp");
		return 3;
	}
	long r;
	if (nr == SYS_fchown)
		r = syscall(nr, -1, -1, -1);
	else if (nr == SYS_chown)
		r = syscall(nr, "/nonexistent-callgroups", -1, -1);
	else if (nr == SYS_mprotect)
		r = syscall(nr, 0, 0, 0);
	else
		r = syscall(nr);
	printf("%s returned %ld (%s)\n", argv[2], r, r < 0 ? strerror(errno) : "ok");
	return 0;
}
