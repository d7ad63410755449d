/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Prints the kernel's seccomp audit records (AUDIT_SECCOMP, type 1326) as
 * they happen, read from the audit netlink multicast group, one line each in
 * audit.log's form:
 *
 *   type=SECCOMP msg=audit(1795400055.802:596224): auid=... syscall=41 ...
 *
 * Unlike dmesg this loses nothing to printk's rate limit (10 records per 5 s
 * when no auditd runs) or to a ring buffer that others fill, and needs no
 * auditd. Needs CAP_AUDIT_READ (root). Runs until SIGTERM/SIGINT; prints
 * "ready" on stderr once subscribed, so a caller knows nothing is missed
 * from then on. Used by tests/e2e/run.sh.
 *
 * Usage: auditlog [EXE-PREFIX...]   only records whose exe="..." starts so */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static bool wanted(const char *text, int nprefix, char **prefix)
{
	if (nprefix == 0)
		return true;
	const char *exe = strstr(text, " exe=\"");
	if (!exe)
		return false;
	exe += strlen(" exe=\"");
	for (int i = 0; i < nprefix; i++)
		if (strncmp(exe, prefix[i], strlen(prefix[i])) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0) {
		fprintf(stderr, "auditlog: socket: %s\n", strerror(errno));
		return 1;
	}
	int size = 16 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	struct sockaddr_nl sn = {.nl_family = AF_NETLINK,
				 .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1)};
	if (bind(fd, (struct sockaddr *)&sn, sizeof(sn)) < 0) {
		fprintf(stderr, "auditlog: bind to the audit multicast group: %s\n",
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "ready\n");

	static char buf[1 << 16];
	while (!stop) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) { /* overrun: say so, go on */
				fprintf(stderr,
					"auditlog: records lost (receive buffer overrun)\n");
				continue;
			}
			fprintf(stderr, "auditlog: recv: %s\n", strerror(errno));
			return 1;
		}
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		/* The kernel sends one record per datagram; its text is not
		 * always NUL-terminated, nor is nlmsg_len always exact. */
		if ((size_t)n < NLMSG_HDRLEN || h->nlmsg_type != AUDIT_SECCOMP)
			continue;
		size_t len = (size_t)n - NLMSG_HDRLEN;
		if (h->nlmsg_len >= NLMSG_HDRLEN && h->nlmsg_len - NLMSG_HDRLEN < len)
			len = h->nlmsg_len - NLMSG_HDRLEN;
		char *text = (char *)NLMSG_DATA(h);
		text[len] = '\0';
		len = strcspn(text, "\n");
		text[len] = '\0';
		if (!wanted(text, argc - 1, argv + 1))
			continue;
		printf("type=SECCOMP msg=%.*s\n", (int)len, text);
		fflush(stdout);
	}
	return 0;
}
