/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small batch job for the end-to-end tests, linked statically so the same
 * binary runs in every Debian root: it builds a lookup table in an
 * anonymous mapping and makes it read-only (mprotect), has a child process
 * sum part of it and send the sum through a pipe (fork, poll, wait), checks
 * the answer over a socketpair, handles a signal, and writes the result to
 * a file with a rename, so success is visible from outside.
 *
 * Usage: worker OUTFILE     exit 0 and OUTFILE holds "sum=... ok" on success
 * Its calls fall in @basic-io @file-system @process @signal @network-io
 * @io-event @ipc, plus mprotect, which systemd moved into @default after 247. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 4096

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static int fail(const char *what)
{
	fprintf(stderr, "worker: %s: %s\n", what, strerror(errno));
	return 1;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: worker OUTFILE\n");
		return 2;
	}
	struct sigaction sa = {.sa_handler = on_usr1};
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		return fail("sigaction");

	/* The table: filled once, then sealed read-only. */
	uint64_t *table = mmap(NULL, N * sizeof(*table), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (table == MAP_FAILED)
		return fail("mmap");
	for (uint64_t i = 0; i < N; i++)
		table[i] = i * i;
	if (mprotect(table, N * sizeof(*table), PROT_READ) < 0)
		return fail("mprotect");

	int pfd[2];
	if (pipe(pfd) < 0)
		return fail("pipe");
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		uint64_t sum = 0;
		for (int i = 0; i < N; i += 2)
			sum += table[i];
		_exit(write_all(pfd[1], &sum, sizeof(sum)) == 0 ? 0 : 1);
	}
	close(pfd[1]);
	struct pollfd p = {.fd = pfd[0], .events = POLLIN};
	if (poll(&p, 1, 10000) != 1)
		return fail("poll");
	uint64_t even = 0;
	if (read_all(pfd[0], &even, sizeof(even)) < 0)
		return fail("read pipe");
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fail("child");

	/* The odd half, checked by a peer over a socketpair. */
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return fail("socketpair");
	uint64_t odd = 0;
	for (int i = 1; i < N; i += 2)
		odd += table[i];
	if (write_all(sv[0], &odd, sizeof(odd)) < 0)
		return fail("send");
	uint64_t back = 0;
	if (read_all(sv[1], &back, sizeof(back)) < 0 || back != odd)
		return fail("recv");

	if (kill(getpid(), SIGUSR1) < 0 || !got_usr1)
		return fail("signal");

	uint64_t want = 0;
	for (uint64_t i = 0; i < N; i++)
		want += i * i;
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail("open");
	char line[128];
	int len = snprintf(line, sizeof(line), "sum=%llu %s\n", (unsigned long long)(even + odd),
			   even + odd == want ? "ok" : "WRONG");
	if (write_all(fd, line, (size_t)len) < 0 || close(fd) < 0)
		return fail("write");
	if (rename(tmp, argv[1]) < 0)
		return fail("rename");
	return even + odd == want ? 0 : 1;
}
