/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small long-running service for the harden end-to-end tests, linked
 * statically so the same binary runs in every Debian root. It polls DIR for
 * requests (a file "req.NAME" holding one word) and answers each in
 * "NAME.out" (written to a temporary name and renamed):
 *   job        sums a table in a fresh mapping, writes "job ok sum=N": the
 *              service's everyday work
 *   extra      an extra code path: chroot("/") (harmless for a root
 *              service), a call of @privileged the job never makes and
 *              that @system-service does not hold
 *   forbidden  umount2 of a path that does not exist (ENOENT, harmless), a
 *              call of @mount no recommendation for this service allows
 * Usage: hardend DIR      runs until SIGTERM */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int answer(const char *dir, const char *name, const char *text)
{
	char tmp[512], out[512];
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
	snprintf(out, sizeof out, "%s/%s.out", dir, name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	if (n != (ssize_t)strlen(text))
		return -1;
	return rename(tmp, out);
}

static void handle(const char *dir, const char *name, const char *kind)
{
	char text[256];
	if (strcmp(kind, "job") == 0) {
		size_t n = 1 << 16;
		unsigned *t = mmap(NULL, n * sizeof(*t), PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		unsigned long sum = 0;
		if (t == MAP_FAILED) {
			snprintf(text, sizeof text, "job failed: mmap: %s\n", strerror(errno));
		} else {
			for (size_t i = 0; i < n; i++)
				t[i] = (unsigned)(i * 2654435761u);
			for (size_t i = 0; i < n; i++)
				sum += t[i] & 0xff;
			munmap(t, n * sizeof(*t));
			snprintf(text, sizeof text, "job ok sum=%lu\n", sum);
		}
	} else if (strcmp(kind, "extra") == 0) {
		int r = chroot("/");
		snprintf(text, sizeof text, r == 0 ? "extra ok chroot=/\n" : "extra failed: %d\n",
			 r == 0 ? 0 : errno);
	} else if (strcmp(kind, "forbidden") == 0) {
		int r = umount2("/nonexistent-hardend", 0);
		snprintf(text, sizeof text, "forbidden ran: %d %s\n", r, strerror(errno));
	} else {
		snprintf(text, sizeof text, "unknown request %s\n", kind);
	}
	answer(dir, name, text);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: hardend DIR\n");
		return 2;
	}
	const char *dir = argv[1];
	struct sigaction sa = {.sa_handler = on_term};
	sigaction(SIGTERM, &sa, NULL);
	mkdir(dir, 0755);
	while (!stop) {
		DIR *d = opendir(dir);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (strncmp(de->d_name, "req.", 4) != 0)
				continue;
			char path[512], kind[32] = "";
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			FILE *f = fopen(path, "re");
			if (!f)
				continue;
			if (!fgets(kind, sizeof kind, f))
				kind[0] = 0;
			fclose(f);
			kind[strcspn(kind, "\n")] = 0;
			unlink(path);
			handle(dir, de->d_name + 4, kind);
		}
		if (d)
			closedir(d);
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return 0;
}
