// SPDX-License-Identifier: LGPL-2.1-or-later
/* Installs, from one thread, a seccomp filter for the whole thread group
 * (SECCOMP_FILTER_FLAG_TSYNC) that answers getppid with EPERM, while
 * another thread keeps calling getppid: that thread goes on until a call
 * is refused, then makes 3 more; the installing thread makes 2 after the
 * install. So exactly 6 getppid are refused, however many passed before.
 * Exit 0 when each call after the first refusal got EPERM, 1 otherwise,
 * 125 when the filter cannot be installed. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int started;

static void *spin(void *arg)
{
	(void)arg;
	started = 1;
	while (syscall(SYS_getppid) != -1)
		;
	int bad = errno != EPERM;
	for (int i = 0; i < 3; i++)
		bad |= syscall(SYS_getppid) != -1 || errno != EPERM;
	return (void *)(long)bad;
}

int main(void)
{
	struct sock_filter insn[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(insn) / sizeof(insn[0]), .filter = insn};
	pthread_t th;
	if (pthread_create(&th, NULL, spin, NULL) != 0)
		return 125;
	while (!started)
		;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0) {
		fprintf(stderr, "tsync_refuse: cannot install the filter: %s\n", strerror(errno));
		return 125;
	}
	int bad = 0;
	for (int i = 0; i < 2; i++)
		bad |= syscall(SYS_getppid) != -1 || errno != EPERM;
	void *r;
	pthread_join(th, &r);
	return bad || r ? 1 : 0;
}
