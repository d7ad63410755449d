/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Makes exactly known argument-level calls, once each, for the evidence
 * tests (tests/unit/test_evidence.c, tests/cli/test_evidence.sh): every
 * tracer must report the same facts. Results do not matter (the calls are
 * recorded at entry; some fail without privileges or devices); nothing is
 * changed on the host: namespaces are made in children that exit, the
 * set-id file is a temporary one, opens for writing write nothing.
 *
 *   socket         AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, AF_PACKET
 *   socketpair     AF_UNIX
 *   mmap           PROT_READ|PROT_WRITE|PROT_EXEC (one W+X mapping)
 *   mprotect       PROT_READ|PROT_EXEC
 *   personality    0xffffffff (the query), then PER_LINUX
 *   sched_setscheduler SCHED_FIFO (in a child), SCHED_OTHER
 *   fchmod 04755, chmod 02755, mkdir 02755, openat2 (O_RDONLY)
 *   settimeofday(NULL, NULL) (@clock, changes nothing)
 *   syslog(10)     (SYSLOG_ACTION_SIZE_BUFFER)
 *   open           /dev/kmsg O_RDONLY, /dev/rtc0 O_RDONLY,
 *                  /proc/sys/callgroups-test and /sys/callgroups-test O_WRONLY
 *   child 1: unshare(CLONE_NEWUTS), sethostname("evidence")
 *   child 2: clone(CLONE_NEWNS|CLONE_NEWPID|SIGCHLD)
 *   clone3 CLONE_NEWIPC|CLONE_NEWNET (child exits at once)
 *   setns(fd, CLONE_NEWUTS) on our own UTS namespace
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void reap(pid_t c)
{
	if (c > 0)
		waitpid(c, NULL, 0);
}

int main(void)
{
	static const int families[] = {AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, AF_PACKET};
	for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
		int fd = socket(families[i], SOCK_DGRAM, 0);
		if (fd >= 0)
			close(fd);
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		close(sv[0]);
		close(sv[1]);
	}

	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	void *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q != MAP_FAILED)
		mprotect(q, 4096, PROT_READ | PROT_EXEC);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	if (q != MAP_FAILED)
		munmap(q, 4096);

	syscall(SYS_personality, 0xffffffffUL);
	syscall(SYS_personality, (unsigned long)PER_LINUX);

	struct sched_param sp = {.sched_priority = 0};
	syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp);
	pid_t c = fork();
	if (c == 0) {
		sp.sched_priority = 1;
		syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp);
		_exit(0);
	}
	reap(c);

	char dir[] = "/tmp/cg-evidence-XXXXXX";
	if (mkdtemp(dir)) {
		char file[64], sub[64];
		snprintf(file, sizeof file, "%s/f", dir);
		snprintf(sub, sizeof sub, "%s/d", dir);
		int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd >= 0) {
			fchmod(fd, 04755);
			close(fd);
		}
		chmod(file, 02755);
		syscall(SYS_mkdir, sub, 02755);
		struct open_how how = {.flags = O_RDONLY};
		fd = (int)syscall(SYS_openat2, AT_FDCWD, file, &how, sizeof how);
		if (fd >= 0)
			close(fd);
		rmdir(sub);
		unlink(file);
		rmdir(dir);
	}

	syscall(SYS_settimeofday, NULL, NULL);
	syscall(SYS_syslog, 10, NULL, 0);

	static const struct {
		const char *path;
		int flags;
	} opens[] = {
		{"/dev/kmsg", O_RDONLY},
		{"/dev/rtc0", O_RDONLY},
		{"/proc/sys/callgroups-test", O_WRONLY},
		{"/sys/callgroups-test", O_WRONLY},
	};
	for (size_t i = 0; i < sizeof opens / sizeof *opens; i++) {
		int fd = open(opens[i].path, opens[i].flags | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	}

	c = fork();
	if (c == 0) {
		if (syscall(SYS_unshare, CLONE_NEWUTS) == 0)
			syscall(SYS_sethostname, "evidence", 8);
		_exit(0);
	}
	reap(c);

	c = (pid_t)syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);
	if (c == 0)
		_exit(0);
	reap(c);

	struct clone_args ca = {.flags = CLONE_NEWIPC | CLONE_NEWNET, .exit_signal = SIGCHLD};
	c = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	if (c == 0)
		_exit(0);
	reap(c);

	int ns = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (ns >= 0) {
		syscall(SYS_setns, ns, CLONE_NEWUTS);
		close(ns);
	}
	return 0;
}
