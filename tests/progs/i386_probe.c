/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* i386_probe PROG32: can this kernel run i386 code?
 *
 * The i386 tests need both ways in: a 32-bit program (PROG32, one that
 * exits 0) must execute, and `int $0x80` getpid from a 64-bit program must
 * return the pid. Each is tried in a child, so that a kernel without i386
 * emulation (ENOEXEC on exec; SIGSEGV, or ENOSYS, on int 0x80) hurts only
 * the child. Exits 0 when both work; 1 when the kernel cannot run i386
 * code, after printing one line "this kernel cannot run i386 code: WHY" that
 * the tests show as their skip reason; 2 when the probe itself could not
 * tell (PROG32 missing, fork failing): the tests then run and fail on
 * their own. Built without sanitizers (a sanitizer's SIGSEGV handler would
 * turn the death it looks for into an exit status). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long int80_getpid(void)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "r8", "r9", "r10", "r11", "memory");
	return (long)(int)r; /* a 32-bit result */
}

/* How a child ended, as "exits with status N" / "dies of SIGX". */
static void describe(int status, char *buf, size_t size)
{
	if (WIFSIGNALED(status))
		snprintf(buf, size, "dies of SIG%s", sigabbrev_np(WTERMSIG(status)) ?: "?");
	else
		snprintf(buf, size, "exits with status %d", WEXITSTATUS(status));
}

/* Runs prog in a child. Returns 0 when it exits 0, 1 when the kernel
 * refused or broke it, 2 when the probe could not tell; why says what
 * happened unless 0 is returned. */
static int try_exec(const char *prog, char *why, size_t size)
{
	/* ENOEXEC also means "not a program at all": make sure it is one. */
	char ident[5] = "";
	int fd = open(prog, O_RDONLY | O_CLOEXEC);
	ssize_t got = fd < 0 ? -1 : read(fd, ident, sizeof ident);
	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)sizeof ident || memcmp(ident, "\177ELF\1", sizeof ident) != 0) {
		snprintf(why, size, "%s is not a 32-bit ELF program", prog);
		return 2;
	}
	int p[2];
	pid_t pid = -1;
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(why, size, "%s: %s", pid < 0 ? "fork" : "pipe", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		close(p[0]);
		execl(prog, prog, (char *)NULL);
		int err = errno;
		(void)!write(p[1], &err, sizeof err);
		_exit(127);
	}
	close(p[1]);
	int err = 0, status;
	ssize_t n = read(p[0], &err, sizeof err);
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid) {
		snprintf(why, size, "waitpid: %s", strerror(errno));
		return 2;
	}
	if (n == (ssize_t)sizeof err) {
		if (err != ENOEXEC) { /* not there, not executable: not the kernel's doing */
			snprintf(why, size, "cannot execute %s: %s", prog, strerror(err));
			return 2;
		}
		snprintf(why, size, "executing a 32-bit program fails with ENOEXEC (%s)",
			 strerror(err));
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	char how[64];
	describe(status, how, sizeof how);
	snprintf(why, size, "a 32-bit program that should exit 0 %s", how);
	return 1;
}

/* int 0x80 getpid in a child; returns as try_exec() does. */
static int try_int80(char *why, size_t size)
{
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, size, "fork: %s", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		long r = int80_getpid();
		_exit(r == (long)getpid() ? 0 : r == -ENOSYS ? 3 : 4);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid) {
		snprintf(why, size, "waitpid: %s", strerror(errno));
		return 2;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
		snprintf(why, size, "int 0x80 getpid from a 64-bit program fails with ENOSYS");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 4) {
		snprintf(why, size, "int 0x80 getpid from a 64-bit program returns another value");
	} else {
		char how[64];
		describe(status, how, sizeof how);
		snprintf(why, size, "a 64-bit program making an int 0x80 getpid %s", how);
	}
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: i386_probe PROG32\n");
		return 2;
	}
	char exec_why[256] = "", int80_why[256] = "";
	int a = try_exec(argv[1], exec_why, sizeof exec_why);
	int b = try_int80(int80_why, sizeof int80_why);
	if (a == 2 || b == 2) {
		fprintf(stderr, "i386_probe: cannot tell whether this kernel runs i386 code: %s\n",
			a == 2 ? exec_why : int80_why);
		return 2;
	}
	if (a == 0 && b == 0)
		return 0;
	printf("this kernel cannot run i386 code: %s%s%s\n", exec_why,
	       exec_why[0] && int80_why[0] ? ", and " : "", int80_why);
	return 1;
}
