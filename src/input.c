/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Readers of strace output, of name lists and of callgroups' JSON profiles
 * (formats: see input.h): the format's detection, the public entry points
 * and the reading of files. The readers themselves are input_table.c
 * (strace -c tables), input_log.c (strace logs, and -C: a log then tables),
 * input_list.c (lists) and input_json.c (JSON profiles). */
#include "input.h"

#include "evidence.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "input_readers.h"
#include "names.h"

/* ---- errors ------------------------------------------------------------------ */

static bool binary(const char *text, size_t len)
{
	size_t n = len < 4096 ? len : 4096;
	return memchr(text, 0, n) != NULL;
}

/* ---- detection and the public API ------------------------------------------ */

/* The first line that is not blank, or NULL. */
static const char *first_line(const char *text, const char *end, const char **le)
{
	const char *next;
	for (const char *l = text; l < end; l = next) {
		*le = chomp(l, line_end(l, end, &next));
		if (!blank(l, *le))
			return l;
	}
	return NULL;
}

/* The first table header or heading at or after l. */
static const char *find_table(const char *l, const char *end)
{
	const char *next;
	for (; l < end; l = next) {
		const char *le = chomp(l, line_end(l, end, &next));
		if (input_table_start(l, le, end))
			return l;
	}
	return NULL;
}

enum cg_input_format cg_input_detect(const char *text, size_t len)
{
	const char *end = text + len, *le;
	if (binary(text, len))
		return CG_INPUT_AUTO;
	/* First: a JSON profile is told by its version member alone. */
	if (input_json_is_profile(text, len))
		return CG_INPUT_JSON;
	const char *l = first_line(text, end, &le);
	if (!l)
		return CG_INPUT_AUTO;
	if (input_table_start(l, le, end))
		return CG_INPUT_SUMMARY;
	if (input_looks_like_log(l, end))
		return CG_INPUT_LOG;
	if (find_table(l, end))
		return CG_INPUT_SUMMARY;
	struct cg_error e;
	if (input_parse_list(text, len, CG_ABI_X86_64, "", NULL, NULL, &e) == 0)
		return CG_INPUT_LIST;
	return CG_INPUT_AUTO;
}

const char *cg_input_format_name(enum cg_input_format f)
{
	switch (f) {
	case CG_INPUT_SUMMARY:
		return "summary";
	case CG_INPUT_LOG:
		return "log";
	case CG_INPUT_LIST:
		return "list";
	case CG_INPUT_JSON:
		return "json";
	default:
		return "auto";
	}
}

static int unrecognised(const char *text, size_t len, const char *fname, struct cg_error *e)
{
	const char *end = text + len, *le;
	if (binary(text, len)) {
		const char *z = memchr(text, 0, len < 4096 ? len : 4096);
		cg_error_set(e, fname, line_of(text, (size_t)(z - text)),
			     "binary data: expected the text output of strace or a list of "
			     "system call names");
		return -EINVAL;
	}
	const char *l = first_line(text, end, &le);
	if (!l) {
		cg_error_set(e, fname, 0,
			     "empty input: expected a strace -c table, a strace log or a list "
			     "of system call names");
		return -EINVAL;
	}
	/* Text that starts with '{' is JSON or nothing: say what is wrong. */
	if (input_json_explain(text, len, fname, e) < 0)
		return -EINVAL;
	/* The list reader says which word is wrong; else blame the first line. */
	if (input_parse_list(text, len, CG_ABI_X86_64, fname, NULL, NULL, e) == 0) {
		char buf[96];
		cg_error_set(e, fname, line_of(text, (size_t)(l - text)),
			     "unrecognised input '%s': expected a strace -c table, a strace log, "
			     "a list of system call names or a callgroups JSON profile",
			     excerpt(l, le, buf, sizeof buf));
	}
	return -EINVAL;
}

int cg_input_parse(const char *text, size_t len, const struct cg_input_opts *o, const char *fname,
		   struct cg_profile *p, struct cg_input_stats *st, struct cg_error *e)
{
	static const struct cg_input_opts defaults = {0};
	if (!o)
		o = &defaults;
	if ((unsigned)o->native >= CG_ABI_COUNT) {
		cg_error_set(e, fname, 0, "invalid native ABI %d", (int)o->native);
		return -EINVAL;
	}
	enum cg_input_format f = o->format;
	if (f == CG_INPUT_AUTO) {
		f = cg_input_detect(text, len);
		if (f == CG_INPUT_AUTO)
			return unrecognised(text, len, fname, e);
	}
	if (binary(text, len))
		return unrecognised(text, len, fname, e);

	_cleanup_profile_ struct cg_profile *tmp = cg_profile_new();
	struct cg_input_stats s = {0};
	int r;
	const char *end = text + len, *le;
	const char *l = first_line(text, end, &le);
	switch (f) {
	case CG_INPUT_LOG:
		r = input_parse_strace(text, len, o, fname, false, tmp, &s, e);
		break;
	case CG_INPUT_SUMMARY:
		if (!l || input_table_start(l, le, end) || input_looks_like_log(l, end)) {
			r = input_parse_strace(text, len, o, fname, true, tmp, &s, e);
		} else {
			/* The traced program's own output before the table. */
			const char *t = find_table(l, end);
			if (!t) {
				r = input_line_error(
					e, fname, text, l, le,
					"expected a strace -c table ('% time     seconds  "
					"usecs/call     calls    errors syscall')");
				break;
			}
			s.skipped += line_of(text, (size_t)(t - text)) - 1;
			s.lines += line_of(text, (size_t)(t - text)) - 1;
			r = input_parse_strace(t, len - (size_t)(t - text), o, fname, true, tmp, &s,
					       e);
			if (r < 0 && e->line) /* lines counted from t */
				e->line += line_of(text, (size_t)(t - text)) - 1;
		}
		break;
	case CG_INPUT_LIST:
		r = input_parse_list(text, len, o->native, fname, tmp, &s, e);
		break;
	case CG_INPUT_JSON:
		r = input_parse_json(text, len, fname, tmp, &s, e);
		break;
	default:
		cg_error_set(e, fname, 0, "unknown input format %d", (int)f);
		return -EINVAL;
	}
	if (r < 0)
		return r;
	/* An input that carried no argument evidence (a strace -c table without
	 * callgroups' evidence section, a list, a JSON profile without
	 * "evidence") knows none of it. */
	if (!cg_evidence_inputs(cg_profile_evidence(tmp)))
		cg_evidence_input(cg_profile_evidence(tmp), 0);
	cg_profile_merge(p, tmp);
	if (st) {
		st->format = f;
		st->files++;
		st->tables += s.tables;
		st->lines += s.lines;
		st->log_calls += s.log_calls;
		st->skipped += s.skipped;
	}
	return 0;
}

/* ---- files ------------------------------------------------------------------- */

static int read_one(const char *path, const struct cg_input_opts *o, struct cg_profile *p,
		    struct cg_input_stats *st, struct cg_error *e)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *fname = is_stdin ? "<stdin>" : path;
	_cleanup_close_ int fd = -1;
	struct stat sb;
	if (!is_stdin) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int r = -errno;
			cg_error_set(e, path, 0, "cannot open: %s", strerror(errno));
			return r;
		}
	}
	int in = is_stdin ? STDIN_FILENO : fd;
	if (fstat(in, &sb) < 0) {
		int r = -errno;
		cg_error_set(e, fname, 0, "cannot stat: %s", strerror(errno));
		return r;
	}
	if (S_ISDIR(sb.st_mode)) {
		cg_error_set(e, fname, 0,
			     "is a directory: expected a file of strace output or a list of "
			     "system call names");
		return -EISDIR;
	}
	/* A regular file (also as stdin, `< FILE`, when read from its start)
	 * is mapped, not copied. */
	if (S_ISREG(sb.st_mode) && sb.st_size > 0 && (!is_stdin || lseek(in, 0, SEEK_CUR) == 0)) {
		size_t len = (size_t)sb.st_size;
		void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, in, 0);
		if (m != MAP_FAILED) {
			(void)madvise(m, len, MADV_SEQUENTIAL);
			int r = cg_input_parse(m, len, o, fname, p, st, e);
			munmap(m, len);
			if (is_stdin)
				(void)lseek(in, 0, SEEK_END); /* consumed, as a read would */
			return r;
		}
	}
	/* stdin, pipes, /dev/fd/N of a process substitution: read it all. */
	size_t cap = 1 << 16, len = 0;
	_cleanup_free_ char *buf = xmalloc(cap);
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t n = read(in, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;
			cg_error_set(e, fname, 0, "read error: %s", strerror(errno));
			return r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return cg_input_parse(buf, len, o, fname, p, st, e);
}

struct ff_file {
	unsigned long long pid;
	char *path;
};

static int ff_cmp(const void *a, const void *b)
{
	const struct ff_file *x = a, *y = b;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Reads the files PREFIX.PID of a `strace -ff -o PREFIX` set. Returns the
 * number read, or a negative errno. */
static int read_ff_set(const char *prefix, const struct cg_input_opts *o, struct cg_profile *p,
		       struct cg_input_stats *st, struct cg_error *e)
{
	_cleanup_free_ char *dir = NULL;
	const char *base = strrchr(prefix, '/');
	if (base) {
		dir = xstrndup(prefix, (size_t)(base - prefix) + 1);
		base++;
	} else {
		dir = xstrdup("./");
		base = prefix;
	}
	size_t blen = strlen(base);
	if (!blen)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct ff_file *v = NULL;
	size_t n = 0, cap = 0;
	const struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *s = de->d_name;
		if (strncmp(s, base, blen) != 0 || s[blen] != '.' || !is_digit(s[blen + 1]))
			continue;
		const char *q = s + blen + 1;
		unsigned long long pid = 0;
		while (is_digit(*q) && pid < (1ULL << 40))
			pid = pid * 10 + (unsigned long long)(*q++ - '0');
		if (*q)
			continue;
		xgrow((void **)&v, &cap, n + 1, sizeof *v);
		v[n++] = (struct ff_file){.pid = pid, .path = xasprintf("%s%s", dir, s)};
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof *v, ff_cmp);
	int r = 0;
	_cleanup_profile_ struct cg_profile *tmp = cg_profile_new();
	struct cg_input_stats s = {0};
	for (size_t i = 0; i < n && r >= 0; i++)
		r = read_one(v[i].path, o, tmp, &s, e);
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
	if (r < 0)
		return r;
	cg_profile_merge(p, tmp);
	if (st) {
		st->format = s.format;
		st->files += s.files;
		st->tables += s.tables;
		st->lines += s.lines;
		st->log_calls += s.log_calls;
		st->skipped += s.skipped;
	}
	return (int)n;
}

int cg_input_read(const char *path, const struct cg_input_opts *o, struct cg_profile *p,
		  struct cg_input_stats *st, struct cg_error *e)
{
	struct stat sb;
	if (strcmp(path, "-") != 0 && stat(path, &sb) < 0 && errno == ENOENT) {
		int r = read_ff_set(path, o, p, st, e);
		if (r != 0)
			return r < 0 ? r : 0;
		cg_error_set(e, path, 0,
			     "cannot open: No such file or directory (nor is it the prefix of "
			     "a strace -ff set PREFIX.PID)");
		return -ENOENT;
	}
	return read_one(path, o, p, st, e);
}

void cg_input_unknown_names(const struct cg_profile *p, struct cg_set *out)
{
	for (size_t i = 0; i < cg_profile_count(p); i++) {
		const struct cg_profile_entry *x = cg_profile_at(p, i);
		if (!cg_syscall_on_abi(x->abi, cg_name_str(x->name)))
			cg_set_add(out, x->name);
	}
}
