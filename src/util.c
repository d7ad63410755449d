/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

static _noreturn_ void oom(void)
{
	fputs("callgroups: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void xgrow(void **p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return;
	size_t n = *cap ? *cap : 8;
	while (n < need)
		n *= 2;
	*p = xrealloc(*p, n * sz);
	*cap = n;
}

char *xstrdup(const char *s)
{
	char *r = strdup(s);
	if (!r)
		oom();
	return r;
}

char *xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);
	if (!r)
		oom();
	return r;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *r;
	va_start(ap, fmt);
	int n = vasprintf(&r, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return r;
}

void cg_error_set(struct cg_error *e, const char *file, unsigned line, const char *fmt, ...)
{
	if (!e)
		return;
	snprintf(e->file, sizeof e->file, "%s", file ? file : "");
	e->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

const char *cg_error_format(const struct cg_error *e, char *buf, size_t len)
{
	if (e->file[0] && e->line)
		snprintf(buf, len, "%s:%u: %s", e->file, e->line, e->msg);
	else if (e->file[0])
		snprintf(buf, len, "%s: %s", e->file, e->msg);
	else
		snprintf(buf, len, "%s", e->msg);
	return buf;
}

int cg_read_file(const char *path, char **out, size_t *len, struct cg_error *e)
{
	bool is_stdin = strcmp(path, "-") == 0;
	_cleanup_fclose_ FILE *f = is_stdin ? NULL : fopen(path, "re");
	FILE *in = is_stdin ? stdin : f;
	if (!in) {
		int r = -errno;
		cg_error_set(e, path, 0, "cannot open: %s", strerror(errno));
		return r;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (cap - n < 4096) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, in);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(in)) {
		int r = -errno ? -errno : -EIO;
		cg_error_set(e, is_stdin ? "<stdin>" : path, 0, "read error: %s",
			     strerror(errno ? errno : EIO));
		free(buf);
		return r;
	}
	buf[n] = 0;
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

/* Follows path through symlinks to the name that is really written: the
 * existing target, or for a dangling link the name it points to. Returns
 * a new string. */
static char *resolve_output(const char *path)
{
	char *real = realpath(path, NULL);
	if (real)
		return real;
	char *cur = xstrdup(path);
	for (int hops = 0; hops < 40; hops++) {
		struct stat st;
		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		char target[4096];
		ssize_t n = readlink(cur, target, sizeof target - 1);
		if (n < 0)
			return cur;
		target[n] = 0;
		char *next;
		const char *slash = strrchr(cur, '/');
		if (target[0] == '/' || !slash)
			next = xstrdup(target);
		else
			next = xasprintf("%.*s/%s", (int)(slash - cur), cur, target);
		free(cur);
		cur = next;
	}
	return cur; /* a loop: open() will say ELOOP */
}

/* /dev/stdout, /dev/fd/N, /proc/self/fd/N: a descriptor the caller holds
 * open, written through whatever it is (a file opened for appending by
 * the shell stays that file). */
static bool is_open_descriptor(const char *path)
{
	return strncmp(path, "/dev/std", 8) == 0 || strncmp(path, "/dev/fd/", 8) == 0 ||
	       strncmp(path, "/proc/self/fd/", 14) == 0;
}

/* The directory part of path ("." when it has none). Returns a new string. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static int write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)w;
	}
	return 0;
}

int cg_output_check(const char *path, struct cg_error *e)
{
	if (strcmp(path, "-") == 0)
		return 0;
	_cleanup_free_ char *real = resolve_output(path);
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			cg_error_set(e, path, 0, "cannot write: is a directory");
			return -EISDIR;
		}
		if (access(path, W_OK) < 0) {
			int r = -errno;
			cg_error_set(e, path, 0, "cannot write: %s", strerror(errno));
			return r;
		}
		if (!S_ISREG(st.st_mode) || is_open_descriptor(path))
			return 0; /* written straight through */
	} else if (errno != ENOENT) {
		int r = -errno;
		cg_error_set(e, path, 0, "cannot write: %s", strerror(errno));
		return r;
	}
	/* A regular file is replaced by rename: the directory must take a
	 * new entry. */
	_cleanup_free_ char *dir = dir_of(real);
	if (access(dir, W_OK | X_OK) < 0) {
		int r = -errno;
		cg_error_set(e, path, 0, "cannot write into %s: %s", dir, strerror(errno));
		return r;
	}
	return 0;
}

int cg_write_file_atomic(const char *path, const char *data, size_t len, struct cg_error *e)
{
	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			cg_error_set(e, "<stdout>", 0, "write error: %s", strerror(errno));
			return -EIO;
		}
		return 0;
	}
	struct stat st;
	bool exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		cg_error_set(e, path, 0, "cannot write: is a directory");
		return -EISDIR;
	}
	if (exists && (!S_ISREG(st.st_mode) || is_open_descriptor(path))) {
		/* A FIFO, a terminal, /dev/null, our own stdout: write
		 * straight into it. */
		int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY | (S_ISREG(st.st_mode) ? O_APPEND : 0);
		_cleanup_close_ int fd = open(path, flags);
		int r = fd < 0 ? -errno : write_all(fd, data, len);
		if (r < 0)
			cg_error_set(e, path, 0, "write error: %s", strerror(-r));
		return r;
	}
	_cleanup_free_ char *real = resolve_output(path);
	_cleanup_free_ char *tmp = xasprintf("%s.XXXXXX", real);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int r = -errno;
		cg_error_set(e, path, 0, "cannot create temporary file: %s", strerror(errno));
		return r;
	}
	int r = write_all(fd, data, len);
	if (r < 0) {
		cg_error_set(e, path, 0, "write error: %s", strerror(-r));
		close(fd);
		unlink(tmp);
		return r;
	}
	/* mkostemp makes the file 0600: a replaced file keeps its mode and
	 * owner, a new one gets the umask-derived mode like any file the
	 * user creates. */
	mode_t mode;
	if (exists) {
		mode = st.st_mode & 07777;
		if (fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM) {
			r = -errno;
			cg_error_set(e, path, 0, "cannot keep the owner: %s", strerror(errno));
			close(fd);
			unlink(tmp);
			return r;
		}
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	if (fchmod(fd, mode) < 0 || close(fd) < 0) {
		r = -errno;
		cg_error_set(e, path, 0, "cannot finish file: %s", strerror(errno));
		unlink(tmp);
		return r;
	}
	if (rename(tmp, real) < 0) {
		r = -errno;
		cg_error_set(e, path, 0, "cannot rename into place: %s", strerror(errno));
		unlink(tmp);
		return r;
	}
	return 0;
}

int cg_strcmp_p(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}
