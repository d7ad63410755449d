/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE
/* Makes the one call a hardening option refuses and says how it went:
 * "NAME: ok" (exit 0) or "NAME: ERRNO" (exit 1), the errno by name. Each
 * case needs its option relaxed:
 *   socket inet|inet6|unix|netlink|packet   RestrictAddressFamilies=
 *   unshare user|net|mnt|uts|ipc|pid|cgroup RestrictNamespaces= (as root)
 *   clone3                                  RestrictNamespaces= (252 on)
 *   wx                                      MemoryDenyWriteExecute= (a JIT's
 *                                           writable+executable mapping)
 *   mprotect-exec                           MemoryDenyWriteExecute= (RW then RX)
 *   personality                             LockPersonality=
 *   realtime                                RestrictRealtime= (SCHED_FIFO)
 *   suid DIR                                RestrictSUIDSGID= (a new file
 *                                           in DIR, then chmod 04755)
 *   clock                                   ProtectClock= (adjtimex read-only)
 *   hostname                                ProtectHostname= (the same name)
 *   syslog                                  ProtectKernelLogs= (buffer size)
 *   sysctl                                  ProtectKernelTunables= (_sysctl:
 *                                           ENOSYS on kernels without it)
 * Made to be run under `callgroups run` and real systemd alike. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <unistd.h>

static int report(const char *what, int r)
{
	printf("%s: %s\n", what, r == 0 ? "ok" : strerrorname_np(errno));
	fflush(stdout);
	return r == 0 ? 0 : 1;
}

static int do_socket(const char *kind)
{
	static const struct {
		const char *name;
		int family, type, proto;
	} fam[] = {
		{"inet", AF_INET, SOCK_DGRAM, 0},     {"inet6", AF_INET6, SOCK_DGRAM, 0},
		{"unix", AF_UNIX, SOCK_DGRAM, 0},     {"netlink", AF_NETLINK, SOCK_RAW, 0},
		{"packet", AF_PACKET, SOCK_DGRAM, 0},
	};
	for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++)
		if (strcmp(kind, fam[i].name) == 0) {
			int fd = socket(fam[i].family, fam[i].type, fam[i].proto);
			if (fd >= 0)
				close(fd);
			return report("socket", fd < 0 ? -1 : 0);
		}
	fprintf(stderr, "optprobe: unknown family %s\n", kind);
	return 2;
}

static int do_unshare(const char *kind)
{
	static const struct {
		const char *name;
		int flag;
	} ns[] = {
		{"user", CLONE_NEWUSER},     {"net", CLONE_NEWNET}, {"mnt", CLONE_NEWNS},
		{"uts", CLONE_NEWUTS},	     {"ipc", CLONE_NEWIPC}, {"pid", CLONE_NEWPID},
		{"cgroup", CLONE_NEWCGROUP},
	};
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
		if (strcmp(kind, ns[i].name) == 0)
			return report("unshare", unshare(ns[i].flag));
	fprintf(stderr, "optprobe: unknown namespace %s\n", kind);
	return 2;
}

/* clone3() without flags: a child that exits at once. */
static int do_clone3(void)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	} args = {.exit_signal = SIGCHLD};
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return report("clone3", pid < 0 ? -1 : 0);
}

static int do_suid(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/optprobe-suid.XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("optprobe: mkstemp");
		return 2;
	}
	close(fd);
	int r = chmod(path, 04755);
	int ret = report("chmod", r);
	unlink(path);
	return ret;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";
	if (strcmp(what, "socket") == 0)
		return do_socket(arg);
	if (strcmp(what, "unshare") == 0)
		return do_unshare(arg);
	if (strcmp(what, "clone3") == 0)
		return do_clone3();
	if (strcmp(what, "wx") == 0) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return report("mmap", p == MAP_FAILED ? -1 : 0);
	}
	if (strcmp(what, "mprotect-exec") == 0) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);
		if (p == MAP_FAILED)
			return report("mmap", -1);
		return report("mprotect", mprotect(p, 4096, PROT_READ | PROT_EXEC));
	}
	if (strcmp(what, "personality") == 0) {
		int r = personality(PER_LINUX32);
		if (r != -1)
			personality(PER_LINUX);
		return report("personality", r == -1 ? -1 : 0);
	}
	if (strcmp(what, "realtime") == 0) {
		struct sched_param sp = {.sched_priority = 1};
		int r = sched_setscheduler(0, SCHED_FIFO, &sp);
		return report("sched_setscheduler", r);
	}
	if (strcmp(what, "suid") == 0)
		return do_suid(*arg ? arg : "/tmp");
	if (strcmp(what, "clock") == 0) {
		struct timex tx = {.modes = 0};
		return report("adjtimex", adjtimex(&tx) < 0 ? -1 : 0);
	}
	if (strcmp(what, "hostname") == 0) {
		char name[256] = "";
		gethostname(name, sizeof name - 1);
		return report("sethostname", sethostname(name, strlen(name)));
	}
	if (strcmp(what, "syslog") == 0)
		return report("syslog", syscall(SYS_syslog, 10, NULL, 0) < 0 ? -1 : 0);
	if (strcmp(what, "sysctl") == 0)
		return report("_sysctl", syscall(SYS__sysctl, NULL) < 0 ? -1 : 0);
	fprintf(stderr, "usage: optprobe socket|unshare|clone3|wx|mprotect-exec|personality|"
			"realtime|suid|clock|hostname|syslog|sysctl [ARG]\n");
	return 2;
}
