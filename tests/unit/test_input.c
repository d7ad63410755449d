/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The input readers: every real strace output under tests/fixtures/strace
 * (strace 5.10, 6.1, 6.13) and tests/fixtures/input (strace 6.1, recorded by
 * tests/fixtures/input/gen.sh), plus hand-made edge cases. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "input.h"
#include "summary.h"

static const char *const versions[] = {"5.10", "6.1", "6.13"};

/* Reads a source-tree file into a fresh profile; fails the test on error. */
static struct cg_profile *read_rel(const char *rel, const struct cg_input_opts *o,
				   struct cg_input_stats *st)
{
	struct cg_profile *p = cg_profile_new();
	struct cg_error e = {0};
	char buf[1024];
	if (cg_input_read(srcpath(rel), o, p, st, &e) < 0)
		fail_msg("%s: %s", rel, cg_error_format(&e, buf, sizeof buf));
	return p;
}

static struct cg_profile *parse_ok(const char *text, const struct cg_input_opts *o)
{
	struct cg_profile *p = cg_profile_new();
	struct cg_error e = {0};
	char buf[1024];
	if (cg_input_parse(text, strlen(text), o, "t", p, NULL, &e) < 0)
		fail_msg("%s", cg_error_format(&e, buf, sizeof buf));
	return p;
}

/* Parses text that must be rejected; returns the error. */
static struct cg_error parse_bad(const char *text, size_t len, const struct cg_input_opts *o)
{
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	struct cg_error e = {0};
	int r = cg_input_parse(text, len, o, "bad.txt", p, NULL, &e);
	assert_int_equal(r, -EINVAL);
	assert_int_equal(cg_profile_count(p), 0); /* left unchanged */
	assert_string_equal(e.file, "bad.txt");
	return e;
}

static uint64_t calls_of(const struct cg_profile *p, enum cg_abi abi, const char *name)
{
	const struct cg_profile_entry *x = cg_profile_find(p, abi, cg_intern(name));
	return x ? x->calls : UINT64_MAX;
}

static uint64_t errors_of(const struct cg_profile *p, enum cg_abi abi, const char *name)
{
	const struct cg_profile_entry *x = cg_profile_find(p, abi, cg_intern(name));
	return x ? x->errors : UINT64_MAX;
}

static bool ignored(const char *name, const char *const *ignore)
{
	for (; ignore && *ignore; ignore++)
		if (strcmp(name, *ignore) == 0)
			return true;
	return false;
}

/* a and b have the same entries with the same counts, except that b may
 * also have the names in b_extra (a NULL-terminated list). */
static void assert_same_profile(const struct cg_profile *a, const struct cg_profile *b,
				const char *const *b_extra, const char *what)
{
	size_t extra = 0;
	for (size_t i = 0; i < cg_profile_count(b); i++) {
		const struct cg_profile_entry *y = cg_profile_at(b, i);
		const struct cg_profile_entry *x = cg_profile_find(a, y->abi, y->name);
		if (!x) {
			if (!ignored(cg_name_str(y->name), b_extra))
				fail_msg("%s: %s/%s only in the second", what, cg_abi_name(y->abi),
					 cg_name_str(y->name));
			extra++;
			continue;
		}
		if (x->calls != y->calls || x->errors != y->errors)
			fail_msg("%s: %s/%s %llu/%llu vs %llu/%llu", what, cg_abi_name(y->abi),
				 cg_name_str(y->name), (unsigned long long)x->calls,
				 (unsigned long long)x->errors, (unsigned long long)y->calls,
				 (unsigned long long)y->errors);
	}
	if (cg_profile_count(a) + extra != cg_profile_count(b))
		fail_msg("%s: %zu entries vs %zu", what, cg_profile_count(a), cg_profile_count(b));
}

static const char *const never_return[] = {"exit", "exit_group", NULL};

static size_t offset_of(const char *t, const char *needle);

/* ---- the shared fixtures ------------------------------------------------ */

static void test_detect_fixtures(void **state)
{
	static const struct {
		const char *suffix;
		enum cg_input_format f;
	} kinds[] = {
		{"f-c.txt", CG_INPUT_SUMMARY},	       {"f-c-w.txt", CG_INPUT_SUMMARY},
		{"f-c-S-calls.txt", CG_INPUT_SUMMARY}, {"f-c-de_DE.txt", CG_INPUT_SUMMARY},
		{"f-c-m32.txt", CG_INPUT_SUMMARY},     {"f-C.txt", CG_INPUT_LOG},
		{"f-log.txt", CG_INPUT_LOG},	       {"f-tt-T-log.txt", CG_INPUT_LOG},
	};
	unsigned n = 0;
	for (size_t v = 0; v < ELEMENTSOF(versions); v++)
		for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
			char rel[256];
			snprintf(rel, sizeof rel, "tests/fixtures/strace/strace-%s-%s", versions[v],
				 kinds[k].suffix);
			if (access(srcpath(rel), R_OK) != 0)
				continue; /* 6.1 has no -C and no -tt -T log */
			size_t len;
			_cleanup_free_ char *t = slurp(rel, &len);
			assert_int_equal(cg_input_detect(t, len), kinds[k].f);
			struct cg_input_stats st = {0};
			_cleanup_profile_ struct cg_profile *p = read_rel(rel, NULL, &st);
			assert_true(cg_profile_count(p) > 20);
			assert_int_equal(st.files, 1);
			n++;
		}
	assert_int_equal(n, 22); /* every fixture in tests/fixtures/strace */
}

/* Per version: the -c table and its -w, -S calls and de_DE variants give
 * the same profile; -C the same plus the calls that never return; the logs
 * the same counts for every name of the table plus those. */
static void test_fixture_versions_agree(void **state)
{
	for (size_t v = 0; v < ELEMENTSOF(versions); v++) {
		char rel[256];
		snprintf(rel, sizeof rel, "tests/fixtures/strace/strace-%s-f-c.txt", versions[v]);
		struct cg_input_stats st = {0};
		_cleanup_profile_ struct cg_profile *c = read_rel(rel, NULL, &st);
		assert_int_equal(st.tables, 1);
		assert_int_equal(cg_profile_total_calls(c), 60);
		assert_int_equal(cg_profile_total_errors(c), 4);
		assert_int_equal(calls_of(c, CG_ABI_X86_64, "openat"), 6);
		assert_int_equal(errors_of(c, CG_ABI_X86_64, "openat"), 3);
		assert_int_equal(calls_of(c, CG_ABI_X86_64, "getppid"), 5);
		assert_int_equal(cg_profile_abis(c), 1u << CG_ABI_X86_64);
		static const char *const same[] = {"f-c-w.txt", "f-c-S-calls.txt", "f-c-de_DE.txt"};
		for (size_t i = 0; i < ELEMENTSOF(same); i++) {
			snprintf(rel, sizeof rel, "tests/fixtures/strace/strace-%s-%s", versions[v],
				 same[i]);
			_cleanup_profile_ struct cg_profile *x = read_rel(rel, NULL, NULL);
			assert_same_profile(c, x, NULL, rel);
		}
		static const char *const logs[] = {"f-C.txt", "f-log.txt", "f-tt-T-log.txt"};
		for (size_t i = 0; i < ELEMENTSOF(logs); i++) {
			snprintf(rel, sizeof rel, "tests/fixtures/strace/strace-%s-%s", versions[v],
				 logs[i]);
			if (access(srcpath(rel), R_OK) != 0)
				continue;
			_cleanup_profile_ struct cg_profile *x = read_rel(rel, NULL, NULL);
			assert_same_profile(c, x, never_return, rel);
			assert_int_equal(calls_of(x, CG_ABI_X86_64, "exit_group"), 2);
			assert_int_equal(calls_of(x, CG_ABI_X86_64, "exit"), 1);
		}
	}
}

static void test_fixture_m32_tables(void **state)
{
	for (size_t v = 0; v < ELEMENTSOF(versions); v++) {
		char rel[256];
		snprintf(rel, sizeof rel, "tests/fixtures/strace/strace-%s-f-c-m32.txt",
			 versions[v]);
		struct cg_input_stats st = {0};
		_cleanup_profile_ struct cg_profile *p = read_rel(rel, NULL, &st);
		assert_int_equal(st.tables, 2);
		/* The 64-bit table holds the execve of the 32-bit program only. */
		_cleanup_set_ struct cg_set *n64 = cg_set_new();
		cg_profile_names_abi(p, CG_ABI_X86_64, n64);
		assert_int_equal(cg_set_size(n64), 1);
		assert_int_equal(calls_of(p, CG_ABI_X86_64, "execve"), 1);
		assert_int_equal(calls_of(p, CG_ABI_I386, "mmap2"), 8);
		assert_int_equal(calls_of(p, CG_ABI_I386, "ugetrlimit"), 1);
		assert_int_equal(calls_of(p, CG_ABI_I386, "set_thread_area"), 1);
		assert_int_equal(errors_of(p, CG_ABI_I386, "openat"), 3);
		assert_int_equal(calls_of(p, CG_ABI_X86_64, "mmap2"), UINT64_MAX);
		assert_int_equal(cg_profile_total_calls(p), 58);
		_cleanup_set_ struct cg_set *unknown = cg_set_new();
		cg_input_unknown_names(p, unknown);
		assert_true(cg_set_empty(unknown));
	}
}

/* ---- fixtures recorded here (tests/fixtures/input/gen.sh) ------------------ */

static void test_recorded_variants_agree(void **state)
{
	_cleanup_profile_ struct cg_profile *c =
		read_rel("tests/fixtures/input/w64-f-c.txt", NULL, NULL);
	assert_int_equal(cg_profile_total_calls(c), 60);
	static const char *const tables[] = {"w64-c-U-name-calls-errors.txt",
					     "w64-c-U-calls-name-max.txt", "w64-c-U-all.txt"};
	for (size_t i = 0; i < ELEMENTSOF(tables); i++) {
		char rel[256];
		snprintf(rel, sizeof rel, "tests/fixtures/input/%s", tables[i]);
		struct cg_input_stats st = {0};
		_cleanup_profile_ struct cg_profile *x = read_rel(rel, NULL, &st);
		assert_int_equal(st.format, CG_INPUT_SUMMARY);
		assert_same_profile(c, x, NULL, rel);
	}
	static const char *const logs[] = {
		"w64-f-C.txt",	      "w64-f-tt-T.log",		"w64-f-r.log",
		"w64-f-t.log",	      "w64-f-ttt-T.log",	"w64-f-tt-T-stderr.log",
		"w64-f-n-i-tt-Y.log", "w64-f-n-i-Y-stderr.log", "ff/w64"};
	for (size_t i = 0; i < ELEMENTSOF(logs); i++) {
		char rel[256];
		snprintf(rel, sizeof rel, "tests/fixtures/input/%s", logs[i]);
		struct cg_input_stats st = {0};
		_cleanup_profile_ struct cg_profile *x = read_rel(rel, NULL, &st);
		assert_same_profile(c, x, never_return, rel);
		assert_int_equal(calls_of(x, CG_ABI_X86_64, "exit_group"), 2);
		if (strcmp(logs[i], "ff/w64") == 0)
			assert_int_equal(st.files, 3); /* ff/w64.PID, three pids */
	}
}

static void test_recorded_tables(void **state)
{
	struct cg_input_stats st = {0};
	/* -U errors,calls,name after ls's own complaint on stderr. */
	_cleanup_profile_ struct cg_profile *p =
		read_rel("tests/fixtures/input/ls-c-U-errors-first-stderr.txt", NULL, &st);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "openat"), 39);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "openat"), 19);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "mmap"), 30);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "mmap"), 0);
	assert_int_equal(cg_profile_total_calls(p), 148);
	assert_int_equal(cg_profile_total_errors(p), 26);

	_cleanup_profile_ struct cg_profile *ls =
		read_rel("tests/fixtures/input/ls-f-c-S-calls.txt", NULL, NULL);
	assert_true(calls_of(ls, CG_ABI_X86_64, "getdents64") >= 2);
	_cleanup_profile_ struct cg_profile *t =
		read_rel("tests/fixtures/input/true-f-c-w.txt", NULL, NULL);
	assert_int_equal(calls_of(t, CG_ABI_X86_64, "execve"), 1);
	/* -U without calls: the names, counts unknown (0). */
	static const char *const nocalls[] = {"tests/fixtures/input/true-c-U-name.txt",
					      "tests/fixtures/input/true-c-U-errors-name.txt"};
	for (size_t i = 0; i < ELEMENTSOF(nocalls); i++) {
		_cleanup_profile_ struct cg_profile *x = read_rel(nocalls[i], NULL, NULL);
		_cleanup_set_ struct cg_set *a = cg_set_new(), *b = cg_set_new();
		cg_profile_names(t, a);
		cg_profile_names(x, b);
		assert_true(cg_set_equal(a, b));
		assert_int_equal(cg_profile_total_calls(x), 0);
		assert_int_equal(cg_profile_total_errors(x), i ? cg_profile_total_errors(t) : 0);
	}
	/* -k: the stack frames are skipped, not read as calls. */
	st = (struct cg_input_stats){0};
	_cleanup_profile_ struct cg_profile *k =
		read_rel("tests/fixtures/input/true-f-k.log", NULL, &st);
	assert_int_equal(calls_of(k, CG_ABI_X86_64, "execve"), 1);
	assert_true(st.skipped > 100);
	assert_same_profile(t, k, never_return, "true -k");
}

/* One -C run of several processes at once: its log and its table agree. */
static void test_recorded_log_equals_table(void **state)
{
	size_t len;
	_cleanup_free_ char *t = slurp("tests/fixtures/input/sh-f-C.txt", &len);
	size_t at = offset_of(t, "% time     seconds");
	struct cg_input_stats st = {0};
	_cleanup_profile_ struct cg_profile *log = cg_profile_new();
	struct cg_error e = {0};
	assert_int_equal(cg_input_parse(t, at, NULL, "log", log, &st, &e), 0);
	assert_int_equal(st.tables, 0);
	_cleanup_profile_ struct cg_profile *tab = parse_ok(t + at, NULL);
	assert_int_equal(cg_profile_total_calls(tab), 1768);
	assert_int_equal(cg_profile_total_errors(tab), 290);
	assert_same_profile(tab, log, never_return, "sh -C log vs table");
	_cleanup_profile_ struct cg_profile *both = parse_ok(t, NULL);
	assert_same_profile(tab, both, never_return, "sh -C");
	/* And split between threads. */
	for (unsigned n = 2; n <= 5; n++) {
		struct cg_input_opts o = {.threads = n};
		_cleanup_profile_ struct cg_profile *x = cg_profile_new();
		assert_int_equal(cg_input_parse(t, at, &o, "log", x, NULL, &e), 0);
		assert_same_profile(log, x, NULL, "sh -C log, threads");
	}
}

/* A 32-bit program: strace's stderr carries the personality line, so the
 * log gives the same (ABI, name) pairs as the -c tables; the -o log does not,
 * and needs native = i386. */
static void test_recorded_m32(void **state)
{
	_cleanup_profile_ struct cg_profile *c =
		read_rel("tests/fixtures/input/w32-f-c.txt", NULL, NULL);
	assert_int_equal(calls_of(c, CG_ABI_X86_64, "execve"), 1);
	assert_int_equal(calls_of(c, CG_ABI_I386, "mmap2"), 8);
	_cleanup_profile_ struct cg_profile *l =
		read_rel("tests/fixtures/input/w32-f-stderr.log", NULL, NULL);
	assert_same_profile(c, l, never_return, "w32 stderr log");
	assert_int_equal(calls_of(l, CG_ABI_I386, "exit_group"), 2);

	_cleanup_profile_ struct cg_profile *cc =
		read_rel("tests/fixtures/input/w32-f-C.txt", NULL, NULL);
	assert_same_profile(c, cc, never_return, "w32 -C");

	struct cg_input_opts o = {.native = CG_ABI_I386};
	_cleanup_profile_ struct cg_profile *ol =
		read_rel("tests/fixtures/input/w32-f.log", &o, NULL);
	assert_int_equal(calls_of(ol, CG_ABI_I386, "mmap2"), 8);
	assert_int_equal(calls_of(ol, CG_ABI_I386, "execve"), 1); /* unmarked: native */
	_cleanup_profile_ struct cg_profile *ol64 =
		read_rel("tests/fixtures/input/w32-f.log", NULL, NULL);
	_cleanup_set_ struct cg_set *unknown = cg_set_new();
	cg_input_unknown_names(ol64, unknown);
	assert_true(cg_set_has(unknown, cg_intern("mmap2")));
	assert_true(cg_set_has(unknown, cg_intern("ugetrlimit")));
	assert_false(cg_set_has(unknown, cg_intern("openat")));
}

/* ---- hand-made edge cases -------------------------------------------------- */

static void test_list(void **state)
{
	_cleanup_profile_ struct cg_profile *p = parse_ok("read\nwrite\nchown\n", NULL);
	assert_int_equal(cg_profile_count(p), 3);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "chown"), 0); /* seen, count unknown */
	assert_int_equal(cg_input_detect("read write", 10), CG_INPUT_LIST);

	_cleanup_profile_ struct cg_profile *q =
		parse_ok("# comment\nread, write  openat,close\r\nfrobnicate\n", NULL);
	assert_int_equal(cg_profile_count(q), 5);
	_cleanup_set_ struct cg_set *unknown = cg_set_new();
	cg_input_unknown_names(q, unknown);
	assert_int_equal(cg_set_size(unknown), 1);
	assert_true(cg_set_has(unknown, cg_intern("frobnicate")));

	struct cg_input_opts o = {.native = CG_ABI_I386};
	_cleanup_profile_ struct cg_profile *r = parse_ok("mmap2 socketcall", &o);
	assert_int_equal(calls_of(r, CG_ABI_I386, "mmap2"), 0);

	/* Words nothing knows are kept, however many: the report names each
	 * as unknown. Whether input is taken does not depend on their share. */
	const char *prose = "the quick brown fox\njumps over read\n";
	_cleanup_profile_ struct cg_profile *pr = parse_ok(prose, NULL);
	assert_int_equal(cg_profile_count(pr), 7);
	_cleanup_set_ struct cg_set *unk = cg_set_new();
	cg_input_unknown_names(pr, unk);
	assert_int_equal(cg_set_size(unk), 6);
	struct cg_error e;
	/* A word that cannot be a name, with its line. */
	const char *t = "read\nwrite\nopen-at\n";
	e = parse_bad(t, strlen(t), NULL);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.msg, "open-at"));
}

static void test_garbage(void **state)
{
	const char *passwd = "root:x:0:0:root:/root:/bin/bash\n"
			     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
	assert_int_equal(cg_input_detect(passwd, strlen(passwd)), CG_INPUT_AUTO);
	struct cg_error e = parse_bad(passwd, strlen(passwd), NULL);
	assert_int_equal(e.line, 1);
	assert_non_null(strstr(e.msg, "expected"));
	char buf[1024];
	assert_non_null(strstr(cg_error_format(&e, buf, sizeof buf), "bad.txt:1:"));

	static const char elf[] = "\x7f"
				  "ELF\2\1\1\0\0\0\0\0\0\0\0\0\3\0>\0read\n";
	assert_int_equal(cg_input_detect(elf, sizeof elf - 1), CG_INPUT_AUTO);
	e = parse_bad(elf, sizeof elf - 1, NULL);
	assert_non_null(strstr(e.msg, "binary"));
	/* Binary even when the format is forced. */
	struct cg_input_opts ol = {.format = CG_INPUT_LIST};
	parse_bad(elf, sizeof elf - 1, &ol);

	/* A C source file: calls, but no strace results. */
	const char *src = "#include <stdio.h>\nint main(void) { return read(0, 0, 0); }\n";
	parse_bad(src, strlen(src), NULL);

	/* A log with a foreign line: the line is named. */
	const char *log = "12 openat(AT_FDCWD, \"/x\", O_RDONLY) = 3\n"
			  "12 read(3, \"\", 64) = 0\n"
			  "12 close(3) = 0\n"
			  "Segmentation fault\n"
			  "12 close(4) = -1 EBADF (Bad file descriptor)\n";
	e = parse_bad(log, strlen(log), NULL);
	assert_int_equal(e.line, 4);
	assert_non_null(strstr(e.msg, "Segmentation fault"));

	/* A malformed table row. */
	const char *tab = "% time     seconds  usecs/call     calls    errors syscall\n"
			  "------ ----------- ----------- --------- --------- ----------------\n"
			  "  0.00    0.000000           0         2           read\n"
			  "  0.00    0.000000           0       x3           close\n"
			  "------ ----------- ----------- --------- --------- ----------------\n"
			  "100.00    0.000000           0         5           total\n";
	e = parse_bad(tab, strlen(tab), NULL);
	assert_int_equal(e.line, 4);
	assert_non_null(strstr(e.msg, "calls"));
	/* Forced formats that do not fit. */
	struct cg_input_opts os = {.format = CG_INPUT_SUMMARY};
	parse_bad(log, 80, &os);
	struct cg_input_opts og = {.format = CG_INPUT_LOG};
	parse_bad("read write\n", 11, &og);
}

static void test_empty(void **state)
{
	struct cg_error e = parse_bad("", 0, NULL);
	assert_non_null(strstr(e.msg, "empty"));
	e = parse_bad("\n \r\n\t\n", 6, NULL);
	assert_non_null(strstr(e.msg, "empty"));
	assert_int_equal(cg_input_detect("", 0), CG_INPUT_AUTO);
	/* An explicitly empty list is fine. */
	struct cg_input_opts o = {.format = CG_INPUT_LIST};
	_cleanup_profile_ struct cg_profile *p = parse_ok("\n", &o);
	assert_int_equal(cg_profile_count(p), 0);
}

static char *to_crlf(const char *t)
{
	size_t n = strlen(t), m = 0;
	char *o = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '\n')
			o[m++] = '\r';
		o[m++] = t[i];
	}
	o[m] = 0;
	return o;
}

static void test_crlf(void **state)
{
	static const char *const rel[] = {"tests/fixtures/strace/strace-6.13-f-c.txt",
					  "tests/fixtures/strace/strace-6.13-f-C.txt",
					  "tests/fixtures/strace/strace-6.13-f-tt-T-log.txt",
					  "tests/fixtures/input/w64-c-U-calls-name-max.txt"};
	for (size_t i = 0; i < ELEMENTSOF(rel); i++) {
		_cleanup_free_ char *t = slurp(rel[i], NULL);
		_cleanup_free_ char *c = to_crlf(t);
		_cleanup_profile_ struct cg_profile *a = parse_ok(t, NULL);
		_cleanup_profile_ struct cg_profile *b = parse_ok(c, NULL);
		assert_same_profile(a, b, NULL, rel[i]);
		assert_true(cg_profile_count(a) > 20);
	}
	_cleanup_profile_ struct cg_profile *l = parse_ok("read\r\nwrite\r\n", NULL);
	assert_int_equal(cg_profile_count(l), 2);
}

/* Where needle starts in t; fails the test when it is not there. */
__attribute__((noinline)) static size_t offset_of(const char *t, const char *needle)
{
	const char *x = strstr(t, needle);
	if (!x)
		fail_msg("'%s' not found", needle);
	return (size_t)(x - t);
}

static void test_truncated(void **state)
{
	size_t len;
	_cleanup_free_ char *t = slurp("tests/fixtures/strace/strace-6.1-f-c.txt", &len);
	/* Cut inside the rows: rows would be missing, so it is an error. */
	struct cg_error e = parse_bad(t, offset_of(t, "getppid") + 3, NULL);
	assert_non_null(strstr(e.msg, "truncated"));
	assert_int_equal(e.line, 1);
	/* Cut after the closing dashes: every row is there. */
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	assert_int_equal(cg_input_parse(t, offset_of(t, "100.00"), NULL, "t", p, NULL, &e), 0);
	assert_int_equal(cg_profile_total_calls(p), 60);

	/* A log cut in the middle of a line: the call was made, it counts. */
	_cleanup_free_ char *l = slurp("tests/fixtures/strace/strace-6.1-f-log.txt", &len);
	size_t last = offset_of(l, "16522 read(3, \"vm");
	_cleanup_profile_ struct cg_profile *q = cg_profile_new();
	assert_int_equal(cg_input_parse(l, last + 12, NULL, "t", q, NULL, &e), 0);
	assert_int_equal(calls_of(q, CG_ABI_X86_64, "read"), 2);
	assert_int_equal(calls_of(q, CG_ABI_X86_64, "close"), 2);
	/* A heading without its table. */
	const char *h = "System call usage summary for 32 bit mode:\n";
	e = parse_bad(h, strlen(h), NULL);
	assert_int_equal(e.line, 1);
}

static void test_log_lines(void **state)
{
	const char *log =
		"[pid  10] 12:00:00.000001 openat(AT_FDCWD, \"/a\", O_RDONLY <unfinished ...>\n"
		"[pid  11] 12:00:00.000002 getpid() = 11 <0.000001>\n"
		"[pid  10] 12:00:00.000003 <... openat resumed>) = -1 ENOENT (No such file) "
		"<0.000009>\n"
		"[pid  11] 12:00:00.000004 read(0,  <unfinished ...>\n"
		"[pid  11] 12:00:00.000005 <... read resumed>\"\", 1) = ? ERESTARTSYS (To be "
		"restarted if SA_RESTART is set)\n"
		"[pid  11] 12:00:00.000006 --- SIGINT {si_signo=SIGINT, si_code=SI_USER} ---\n"
		"[pid  11] 12:00:00.000007 restart_syscall(<... resuming interrupted read ...>) "
		"= 0\n"
		"[pid  10] 12:00:00.000008 lseek(3, -4096, SEEK_END) = 123\n"
		"[pid  10] 12:00:00.000009 ioctl(3, TCGETS, 0x7ff) = -4096\n"
		"[pid  10] 12:00:00.000010 close(3) = -1 (errno 9)\n"
		"[pid  10] 12:00:00.000011 frob_nicate(1) = 0\n"
		"[pid  11] 12:00:00.000012 exit_group(0) = ?\n"
		"[pid  11] 12:00:00.000013 +++ exited with 0 +++\n"
		"[pid  10] 12:00:00.000014 write(1, \"x = 1\", 5) = 5\n"
		"[pid  10] 12:00:00.000015 +++ killed by SIGKILL +++\n";
	struct cg_input_stats st = {0};
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	struct cg_error e = {0};
	assert_int_equal(cg_input_parse(log, strlen(log), NULL, "t", p, &st, &e), 0);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "openat"), 1);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "openat"), 1);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "read"), 1);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "read"), 1);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "restart_syscall"), 1);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "lseek"), 0);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "ioctl"), 0);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "close"), 1);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "write"), 0);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "exit_group"), 1);
	assert_int_equal(cg_profile_total_calls(p), 10);
	assert_int_equal(st.log_calls, 10);
	assert_int_equal(st.skipped, 3);
	_cleanup_set_ struct cg_set *unknown = cg_set_new();
	cg_input_unknown_names(p, unknown);
	assert_int_equal(cg_set_size(unknown), 1);
	assert_true(cg_set_has(unknown, cg_intern("frob_nicate")));
}

static void test_personality(void **state)
{
	/* strace's stderr: the line names the pid, the next lines may be
	 * unprefixed; new pids start in the ABI of the line before. */
	const char *log = "execve(\"./a\", [\"./a\"], 0x7ff /* 1 var */) = 0\n"
			  "[ Process PID=20 runs in 32 bit mode. ]\n"
			  "brk(NULL) = 0x5800\n"
			  "clone(child_stack=NULL, flags=SIGCHLD) = 21\n"
			  "[pid 21] mmap2(NULL, 8192, PROT_READ, MAP_PRIVATE, -1, 0) = 0xf7f1\n"
			  "[ Process PID=21 runs in 64 bit mode. ]\n"
			  "[pid 21] mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, -1, 0) = 0x7ff\n"
			  "[pid 20] brk(NULL) = 0x5800\n"
			  "[ Process PID=22 runs in x32 mode. ]\n"
			  "[pid 22] read(0, \"\", 1) = 0\n";
	_cleanup_profile_ struct cg_profile *p = parse_ok(log, NULL);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "execve"), 1);
	assert_int_equal(calls_of(p, CG_ABI_I386, "brk"), 2);
	assert_int_equal(calls_of(p, CG_ABI_I386, "clone"), 1);
	assert_int_equal(calls_of(p, CG_ABI_I386, "mmap2"), 1);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "mmap"), 1);
	assert_int_equal(calls_of(p, CG_ABI_X32, "read"), 1);
	assert_int_equal(cg_profile_count(p), 6);
	/* Forcing several threads: one is used, the ABIs come out the same. */
	struct cg_input_opts o = {.threads = 4};
	_cleanup_profile_ struct cg_profile *q = parse_ok(log, &o);
	assert_same_profile(p, q, NULL, "threads");
}

static void test_tables_synthetic(void **state)
{
	/* Every -U column (newer strace adds the wall-* ones), name in the
	 * middle, errors blank when 0, comma decimals, an x32 table, no total. */
	const char *t =
		"syscall              calls  shortest   longest wall-total wall-min wall-max "
		"wall-avg    errors  usecs/call     seconds % time\n"
		"---------------- --------- -------- -------- ---------- -------- -------- "
		"-------- --------- ----------- ----------- ------\n"
		"openat                  34 0,000000 0,000006   0,000200 0,000001 0,000010 "
		"       5        13           3    0,000116  31,27\n"
		"mmap                    30 0,000000 0,000011   0,000100 0,000001 0,000010 "
		"       3                     2    0,000076  20,49\n"
		"---------------- --------- -------- -------- ---------- -------- -------- "
		"-------- --------- ----------- ----------- ------\n"
		"total                   64 0,000000 0,000011   0,000300 0,000001 0,000010 "
		"       4        13           2    0,000192 100,00\n"
		"System call usage summary for x32 mode:\n"
		"% time     seconds  usecs/call     calls    errors syscall\n"
		"------ ----------- ----------- --------- --------- ----------------\n"
		"  0.00    0.000000           0         7         1 read\n"
		"------ ----------- ----------- --------- --------- ----------------\n";
	struct cg_input_stats st = {0};
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	struct cg_error e = {0};
	char buf[1024];
	if (cg_input_parse(t, strlen(t), NULL, "t", p, &st, &e) < 0)
		fail_msg("%s", cg_error_format(&e, buf, sizeof buf));
	assert_int_equal(st.tables, 2);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "openat"), 34);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "openat"), 13);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "mmap"), 30);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "mmap"), 0);
	assert_int_equal(calls_of(p, CG_ABI_X32, "read"), 7);
	assert_int_equal(errors_of(p, CG_ABI_X32, "read"), 1);
	assert_int_equal(cg_profile_count(p), 3);

	/* An i386 strace prints its own table without a heading: native. */
	const char *one = "   calls syscall\n--------- ----------------\n        3 mmap2\n"
			  "--------- ----------------\n        3 total\n";
	struct cg_input_opts o = {.native = CG_ABI_I386};
	_cleanup_profile_ struct cg_profile *q = parse_ok(one, &o);
	assert_int_equal(calls_of(q, CG_ABI_I386, "mmap2"), 3);
	/* Something else where the total row belongs. */
	const char *bad = "   calls syscall\n--------- ----------------\n        3 mmap2\n"
			  "--------- ----------------\nhello\n";
	struct cg_error be = parse_bad(bad, strlen(bad), NULL);
	assert_int_equal(be.line, 5);
}

/* -C: the table wins; a name only in the log is added. */
static void test_log_then_table(void **state)
{
	const char *t = "5 read(0, \"\", 1) = 0\n"
			"5 read(0, \"\", 1) = 0\n"
			"5 exit_group(0) = ?\n"
			"5 +++ exited with 0 +++\n"
			"% time     seconds  usecs/call     calls    errors syscall\n"
			"------ ----------- ----------- --------- --------- ----------------\n"
			"  0.00    0.000000           0         9         2 read\n"
			"------ ----------- ----------- --------- --------- ----------------\n"
			"100.00    0.000000           0         9         2 total\n";
	_cleanup_profile_ struct cg_profile *p = parse_ok(t, NULL);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "read"), 9);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "read"), 2);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "exit_group"), 1);
	assert_int_equal(cg_profile_count(p), 2);
}

/* Builds copies of text up to about size bytes. */
static char *repeat(const char *text, size_t size, size_t *len)
{
	size_t n = strlen(text), k = size / n + 1;
	char *o = xmalloc(k * n + 1);
	for (size_t i = 0; i < k; i++)
		memcpy(o + i * n, text, n);
	o[k * n] = 0;
	*len = k * n;
	return o;
}

/* Splitting a log between threads gives exactly what one thread gives. */
static void test_threads_agree(void **state)
{
	static const char *const rel[][2] = {
		{"tests/fixtures/strace/strace-6.13-f-tt-T-log.txt", NULL},
		{"tests/fixtures/input/w64-f-tt-T-stderr.log", NULL},
		{"tests/fixtures/strace/strace-5.10-f-log.txt",
		 "tests/fixtures/strace/strace-5.10-f-C.txt"}, /* -C: the table at the end */
	};
	for (size_t i = 0; i < ELEMENTSOF(rel); i++) {
		_cleanup_free_ char *t = slurp(rel[i][0], NULL);
		size_t len;
		_cleanup_free_ char *rep = repeat(t, 300000, &len);
		_cleanup_free_ char *tail = rel[i][1] ? slurp(rel[i][1], NULL) : xstrdup("");
		_cleanup_free_ char *big = xasprintf("%s%s", rep, tail);
		len = strlen(big);
		struct cg_input_opts o1 = {.threads = 1};
		_cleanup_profile_ struct cg_profile *a = cg_profile_new();
		struct cg_error e = {0};
		assert_int_equal(cg_input_parse(big, len, &o1, "t", a, NULL, &e), 0);
		for (unsigned n = 2; n <= 9; n++) {
			struct cg_input_opts on = {.threads = n};
			_cleanup_profile_ struct cg_profile *b = cg_profile_new();
			assert_int_equal(cg_input_parse(big, len, &on, "t", b, NULL, &e), 0);
			assert_same_profile(a, b, NULL, rel[i][0]);
		}
	}
}

/* The split lands inside a call cut by a glued strace message, and between
 * an <unfinished ...> call and its resumption. */
static void test_threads_split_lines(void **state)
{
	size_t padlen;
	_cleanup_free_ char *p = repeat("5 getpid() = 5\n", 3000, &padlen);
	static const char *const middles[] = {
		"5 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|"
		"SIGCHLDstrace: Process 6 attached\n"
		", child_tidptr=0x7f) = -1 EAGAIN (x)\n",
		"5 wait4(6, NULL, 0, NULL, some, long, arguments, to, move, the, middle "
		"<unfinished ...>\n"
		"5 <... wait4 resumed>) = -1 ECHILD (x)\n",
		/* " = " in the arguments of the cut line */
		"5 kill(6, \"long arguments with an x = 1 in them\" SIGTERMstrace: Process 6 "
		"attached\n"
		") = -1 EPERM (x)\n",
		/* a signal between the halves of a call */
		"5 wait4(6, NULL, 0, NULL, some, long, arguments, to, move, the, middle, "
		"of, the, text, into, this, line <unfinished ...>\n"
		"5 --- SIGCHLD {si_signo=SIGCHLD, si_pid=6} ---\n"
		"5 <... wait4 resumed>) = -1 ECHILD (x)\n",
	};
	static const char *const names[] = {"clone", "wait4", "kill", "wait4"};
	for (size_t i = 0; i < ELEMENTSOF(middles); i++) {
		_cleanup_free_ char *t = xasprintf("%s%s%s", p, middles[i], p);
		struct cg_input_opts o1 = {.threads = 1}, o2 = {.threads = 2};
		_cleanup_profile_ struct cg_profile *a = parse_ok(t, &o1);
		_cleanup_profile_ struct cg_profile *b = parse_ok(t, &o2);
		assert_same_profile(a, b, NULL, "split");
		assert_int_equal(calls_of(b, CG_ABI_X86_64, names[i]), 1);
		assert_int_equal(errors_of(b, CG_ABI_X86_64, names[i]), 1);
	}
	/* A bad line at the start of the second half is still an error, with
	 * its line number counted from the start. */
	_cleanup_free_ char *t = xasprintf(
		"%s%s%s", p,
		"5 write(1, \"a long line that puts the middle in it\", 38) = 38\nnot a log\n", p);
	struct cg_input_opts o2 = {.threads = 2};
	struct cg_error e = parse_bad(t, strlen(t), &o2);
	assert_int_equal(e.line, padlen / 15 + 2);
}

/* What needs one thread but shows up only past the first 256 KB: an ABI
 * switch in one part of the split for a pid seen in another. */
static void test_threads_fallback(void **state)
{
	size_t padlen;
	_cleanup_free_ char *pad = repeat("[pid 5] getpid() = 5\n", 300000, &padlen);
	_cleanup_free_ char *t = xasprintf("%s[ Process PID=7 runs in 32 bit mode. ]\n%s"
					   "[pid 7] mmap2(NULL, 4096) = 0xf7f00000\n",
					   pad, pad);
	for (unsigned n = 1; n <= 4; n++) {
		struct cg_input_opts o = {.threads = n};
		_cleanup_profile_ struct cg_profile *p = parse_ok(t, &o);
		assert_int_equal(calls_of(p, CG_ABI_I386, "mmap2"), 1);
		assert_int_equal(calls_of(p, CG_ABI_X86_64, "getpid"), 2 * padlen / 21);
	}
}

static void test_merge_and_stdin(void **state)
{
	/* Two inputs add up into one profile. */
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	struct cg_error e = {0};
	struct cg_input_stats st = {0};
	const char *c = srcpath("tests/fixtures/strace/strace-6.1-f-c.txt");
	_cleanup_free_ char *cpath = xstrdup(c);
	assert_int_equal(cg_input_read(cpath, NULL, p, &st, &e), 0);
	assert_int_equal(cg_input_read(cpath, NULL, p, &st, &e), 0);
	assert_int_equal(cg_input_parse("chown\n", 6, NULL, "list", p, &st, &e), 0);
	assert_int_equal(st.files, 3);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "openat"), 12);
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "openat"), 6);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "chown"), 0);
	assert_int_equal(cg_profile_total_calls(p), 120);

	/* "-" reads stdin. */
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	const char *text = "read\nwrite\n";
	assert_int_equal(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
	close(fds[1]);
	int saved = dup(0);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	_cleanup_profile_ struct cg_profile *q = cg_profile_new();
	int r = cg_input_read("-", NULL, q, NULL, &e);
	dup2(saved, 0);
	close(saved);
	clearerr(stdin);
	assert_int_equal(r, 0);
	assert_int_equal(cg_profile_count(q), 2);

	/* "-" as a regular file (`< FILE`): mapped; stdin is left at its end. */
	int ffd = open(cpath, O_RDONLY);
	assert_true(ffd >= 0);
	saved = dup(0);
	assert_int_equal(dup2(ffd, 0), 0);
	close(ffd);
	_cleanup_profile_ struct cg_profile *fp = cg_profile_new();
	r = cg_input_read("-", NULL, fp, NULL, &e);
	off_t at = lseek(0, 0, SEEK_CUR);
	dup2(saved, 0);
	close(saved);
	assert_int_equal(r, 0);
	assert_int_equal(cg_profile_total_calls(fp), 60);
	assert_true(at > 0);

	/* A pipe by path, as a shell's <(strace ...) passes it. */
	assert_int_equal(pipe(fds), 0);
	const char *tab = "   calls syscall\n--------- ----------------\n        3 mmap\n"
			  "--------- ----------------\n        3 total\n";
	assert_int_equal(write(fds[1], tab, strlen(tab)), (ssize_t)strlen(tab));
	close(fds[1]);
	char devfd[64];
	snprintf(devfd, sizeof devfd, "/dev/fd/%d", fds[0]);
	_cleanup_profile_ struct cg_profile *pp = cg_profile_new();
	r = cg_input_read(devfd, NULL, pp, NULL, &e);
	close(fds[0]);
	assert_int_equal(r, 0);
	assert_int_equal(calls_of(pp, CG_ABI_X86_64, "mmap"), 3);

	/* Missing file, and a prefix that matches no -ff set. */
	r = cg_input_read(srcpath("tests/fixtures/input/ff/nope"), NULL, q, NULL, &e);
	assert_int_equal(r, -ENOENT);
	assert_non_null(strstr(e.msg, "-ff"));
	r = cg_input_read(srcpath("tests/fixtures/input"), NULL, q, NULL, &e);
	assert_int_equal(r, -EISDIR);
}

/* Our own strace -c style writer (summary.h) reads back unchanged. */
static void test_summary_round_trip(void **state)
{
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("openat"), 1234567, 89);
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("read"), 5, 0);
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("sched_get_priority_max"), 1, 0);
	cg_profile_add(p, CG_ABI_I386, cg_intern("mmap2"), 8, 0);
	cg_profile_add(p, CG_ABI_I386, cg_intern("socketcall"), 3, 3);
	cg_profile_add(p, CG_ABI_X32, cg_intern("read"), 2, 1);
	_cleanup_free_ char *t = cg_summary_format(p);
	struct cg_input_stats st = {0};
	_cleanup_profile_ struct cg_profile *q = cg_profile_new();
	struct cg_error e = {0};
	char buf[1024];
	if (cg_input_parse(t, strlen(t), NULL, "summary", q, &st, &e) < 0)
		fail_msg("%s\n%s", cg_error_format(&e, buf, sizeof buf), t);
	assert_int_equal(st.tables, 3);
	assert_same_profile(p, q, NULL, "round trip");

	_cleanup_profile_ struct cg_profile *empty = cg_profile_new();
	_cleanup_free_ char *te = cg_summary_format(empty);
	_cleanup_profile_ struct cg_profile *r = parse_ok(te, NULL);
	assert_int_equal(cg_profile_count(r), 0);
}

/* The JSON profile of run --complain: read back, recognised before any
 * other format; a wrong version or malformed JSON is refused by name. */
/* The trace's duration from the timestamps of real strace 6.1 logs of a
 * shell that sleeps 3 s twice (-ttt, -r, -t -r, a -ff -r set), of the short
 * workload, and from hand-made lines across midnight. */
static double seconds_of_rel(const char *rel)
{
	struct cg_input_stats st = {0};
	_cleanup_profile_ struct cg_profile *p = read_rel(rel, NULL, &st);
	assert_true(cg_profile_count(p) > 0);
	return cg_input_seconds(&st);
}

static double seconds_of_text(const char *text, unsigned threads)
{
	struct cg_input_stats st = {0};
	struct cg_input_opts o = {.threads = threads};
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	struct cg_error e = {0};
	char buf[1024];
	if (cg_input_parse(text, strlen(text), &o, "t", p, &st, &e) < 0)
		fail_msg("%s", cg_error_format(&e, buf, sizeof buf));
	return cg_input_seconds(&st);
}

static void test_trace_seconds(void **state)
{
	(void)state;
	static const char *const six[] = {
		"tests/fixtures/input/sleep-f-ttt.log", "tests/fixtures/input/sleep-f-r.log",
		"tests/fixtures/input/sleep-f-t-r.log",
		"tests/fixtures/input/ff-r/sleep", /* -r deltas run across the files */
	};
	for (size_t i = 0; i < ELEMENTSOF(six); i++) {
		double s = seconds_of_rel(six[i]);
		if (s < 6.0 || s > 7.0)
			fail_msg("%s: %f seconds, expected 6 to 7", six[i], s);
	}
	/* 01:14:36.337863 to 01:14:36.341187, its first and last lines. */
	assert_float_equal(seconds_of_rel("tests/fixtures/strace/strace-6.13-f-tt-T-log.txt"),
			   0.003324, 1e-6);
	static const char *const short_logs[] = {
		"tests/fixtures/input/w64-f-tt-T.log",
		"tests/fixtures/input/w64-f-r.log",
		"tests/fixtures/input/w64-f-ttt-T.log",
		"tests/fixtures/input/w64-f-tt-T-stderr.log",
		"tests/fixtures/input/w64-f-n-i-tt-Y.log",
	};
	for (size_t i = 0; i < ELEMENTSOF(short_logs); i++) {
		double s = seconds_of_rel(short_logs[i]);
		if (s <= 0 || s > 1)
			fail_msg("%s: %f seconds, expected a fraction of one", short_logs[i], s);
	}
	/* -t has whole seconds: the workload ran within one. */
	assert_float_equal(seconds_of_rel("tests/fixtures/input/w64-f-t.log"), 0, 1e-9);
	/* No timestamps: unknown. */
	assert_true(seconds_of_rel("tests/fixtures/input/w64-f-c.txt") < 0);
	assert_true(seconds_of_rel("tests/fixtures/strace/strace-6.1-f-log.txt") < 0);
	assert_true(seconds_of_text("read\nwrite\n", 1) < 0);
	/* Past midnight (-tt, -t), and -ttt and -r unmixed with it. */
	assert_float_equal(seconds_of_text("7 23:59:59.500000 getpid() = 7\n"
					   "7 00:00:01.250000 getpid() = 7\n",
					   1),
			   1.75, 1e-6);
	assert_float_equal(
		seconds_of_text("23:59:58 getpid() = 7\n00:00:03 exit_group(0) = ?\n", 1), 5, 1e-9);
	assert_float_equal(seconds_of_text("1732886465.250000 getpid() = 7\n"
					   "1732886467.000000 getpid() = 7\n",
					   1),
			   1.75, 1e-6);
	assert_float_equal(seconds_of_text("     0.000000 getpid() = 7\n"
					   "     1.500000 getpid() = 7\n"
					   "     0.250000 +++ exited with 0 +++\n",
					   1),
			   1.75, 1e-6);
	/* Split between threads: the midnight falls in a later chunk. */
	static const char before[] = "7 23:59:59.000000 getpid() = 7\n",
			  after[] = "7 00:00:02.000000 getpid() = 7\n";
	const size_t line = sizeof before - 1, lines = 20000;
	char *big = xmalloc(line * lines + 1);
	for (size_t i = 0; i < lines; i++)
		memcpy(big + i * line, i < lines / 2 ? before : after, line);
	big[line * lines] = 0;
	for (unsigned n = 1; n <= 4; n++)
		assert_float_equal(seconds_of_text(big, n), 3, 1e-6);
	free(big);
}

static void test_json_profile(void **state)
{
	const char *json = "{\n"
			   "  \"callgroups_profile\": 1,\n"
			   "  \"source\": \"run --complain\",\n"
			   "  \"command\": [\"./app\", \"--selftest\"],\n"
			   "  \"exit_status\": 0,\n"
			   "  \"denied\": [\n"
			   "    {\"abi\": \"x86-64\", \"syscall\": \"chown\", \"nr\": 92, "
			   "\"calls\": 3, \"would\": \"kill\", \"fix\": \"@chown\", "
			   "\"first_pid\": 123},\n"
			   "    {\"abi\": \"x86\", \"syscall\": \"chown32\", \"calls\": 1},\n"
			   "    {\"abi\": \"x86-64\", \"syscall\": null, \"nr\": 999, "
			   "\"calls\": 2},\n"
			   "    {\"abi\": \"x86-64\", \"syscall\": \"chown\", \"calls\": 1}\n"
			   "  ],\n"
			   "  \"SystemCallFilter\": \"@chown\"\n"
			   "}\n";
	assert_int_equal(cg_input_detect(json, strlen(json)), CG_INPUT_JSON);
	assert_string_equal(cg_input_format_name(CG_INPUT_JSON), "json");
	struct cg_input_stats st = {0};
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	struct cg_error e = {0};
	char buf[1024];
	if (cg_input_parse(json, strlen(json), NULL, "r.json", p, &st, &e) < 0)
		fail_msg("%s", cg_error_format(&e, buf, sizeof buf));
	assert_int_equal(st.format, CG_INPUT_JSON);
	assert_int_equal(st.files, 1);
	assert_int_equal(st.lines, 13);
	assert_int_equal(st.skipped, 1); /* the call without a name */
	assert_int_equal(cg_profile_count(p), 2);
	assert_int_equal(calls_of(p, CG_ABI_X86_64, "chown"), 4); /* entries add up */
	assert_int_equal(errors_of(p, CG_ABI_X86_64, "chown"), 0);
	assert_int_equal(calls_of(p, CG_ABI_I386, "chown32"), 1);
	/* Forced, the same. */
	struct cg_input_opts oj = {.format = CG_INPUT_JSON};
	_cleanup_profile_ struct cg_profile *q = parse_ok(json, &oj);
	assert_same_profile(p, q, NULL, "forced json");
	/* Nothing denied: an empty profile, not an error. */
	_cleanup_profile_ struct cg_profile *empty =
		parse_ok("{\"callgroups_profile\":1,\"denied\":[]}", NULL);
	assert_int_equal(cg_profile_count(empty), 0);

	/* Another version: refused, named. */
	const char *v2 = "{\"callgroups_profile\": 2, \"denied\": []}";
	assert_int_equal(cg_input_detect(v2, strlen(v2)), CG_INPUT_JSON);
	e = parse_bad(v2, strlen(v2), NULL);
	assert_non_null(strstr(e.msg, "unsupported callgroups profile version 2"));
	assert_non_null(strstr(e.msg, "reads version 1"));
	const char *vs = "{\"callgroups_profile\": \"1\", \"denied\": []}";
	e = parse_bad(vs, strlen(vs), NULL);
	assert_non_null(strstr(e.msg, "version \"1\""));

	/* Malformed JSON: the line of the fault (cut short: the last one). */
	const char *cut = "{\n  \"callgroups_profile\": 1,\n  \"denied\": [\n    {\"abi\": ";
	assert_int_equal(cg_input_detect(cut, strlen(cut)), CG_INPUT_AUTO);
	e = parse_bad(cut, strlen(cut), NULL);
	assert_non_null(strstr(e.msg, "malformed JSON"));
	assert_non_null(strstr(e.msg, "callgroups_profile"));
	assert_int_equal(e.line, 4);
	const char *comma = "{\"callgroups_profile\": 1,\n\"denied\": [,]}";
	e = parse_bad(comma, strlen(comma), NULL);
	assert_non_null(strstr(e.msg, "malformed JSON"));
	assert_int_equal(e.line, 2);
	e = parse_bad(comma, strlen(comma), &oj);
	assert_non_null(strstr(e.msg, "malformed JSON"));
	/* Two objects, or text after one: no profile. */
	const char *two = "{\"callgroups_profile\": 1, \"denied\": []}\n{}\n";
	assert_int_equal(cg_input_detect(two, strlen(two)), CG_INPUT_AUTO);
	e = parse_bad(two, strlen(two), NULL);
	assert_int_equal(e.line, 2);
	/* JSON of something else. */
	const char *oci = "{\"defaultAction\": \"SCMP_ACT_ERRNO\"}";
	e = parse_bad(oci, strlen(oci), NULL);
	assert_non_null(strstr(e.msg, "JSON without \"callgroups_profile\""));

	/* Malformed entries, named by index; the profile is left alone. */
	static const struct {
		const char *text, *what;
	} bad[] = {
		{"{\"callgroups_profile\":1}", "\"denied\" or \"calls\" array"},
		{"{\"callgroups_profile\":1,\"denied\":{}}", "\"denied\": expected an array"},
		{"{\"callgroups_profile\":1,\"calls\":[{\"abi\":\"x86-64\",\"syscall\":\"read\",\"calls\":1,\"errors\":-1}]}",
		 "calls[0].errors"},
		{"{\"callgroups_profile\":1,\"denied\":[3]}", "denied[0]: expected an object"},
		{"{\"callgroups_profile\":1,\"denied\":[{\"abi\":\"x86-64\",\"syscall\":\"read\","
		 "\"calls\":1},{\"abi\":\"arm64\",\"syscall\":\"read\",\"calls\":1}]}",
		 "denied[1].abi"},
		{"{\"callgroups_profile\":1,\"denied\":[{\"abi\":\"x86-64\",\"syscall\":\"read\","
		 "\"calls\":-1}]}",
		 "denied[0].calls"},
		{"{\"callgroups_profile\":1,\"denied\":[{\"abi\":\"x86-64\",\"syscall\":\"read\","
		 "\"calls\":1.5}]}",
		 "denied[0].calls"},
		{"{\"callgroups_profile\":1,\"denied\":[{\"abi\":\"x86-64\",\"syscall\":\"Read me\","
		 "\"calls\":1}]}",
		 "denied[0].syscall"},
		{"{\"callgroups_profile\":1,\"denied\":[{\"abi\":\"x86-64\",\"calls\":1}]}",
		 "denied[0].syscall"},
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		e = parse_bad(bad[i].text, strlen(bad[i].text), NULL);
		if (!strstr(e.msg, bad[i].what))
			fail_msg("%s: got '%s', wanted '%s'", bad[i].text, e.msg, bad[i].what);
	}

	/* Other inputs that start like JSON or hold it stay what they are:
	 * a program's JSON log line before a strace -c table. */
	const char *tab = "{\"callgroups_profile\": 1, \"denied\": []}\n"
			  "% time     seconds  usecs/call     calls    errors syscall\n"
			  "------ ----------- ----------- --------- --------- ----------------\n"
			  "  0.00    0.000000           0         2           read\n"
			  "------ ----------- ----------- --------- --------- ----------------\n"
			  "100.00    0.000000           0         2           total\n";
	assert_int_equal(cg_input_detect(tab, strlen(tab)), CG_INPUT_SUMMARY);
	_cleanup_profile_ struct cg_profile *t = parse_ok(tab, NULL);
	assert_int_equal(calls_of(t, CG_ABI_X86_64, "read"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_fixtures),
		cmocka_unit_test(test_fixture_versions_agree),
		cmocka_unit_test(test_fixture_m32_tables),
		cmocka_unit_test(test_recorded_variants_agree),
		cmocka_unit_test(test_recorded_tables),
		cmocka_unit_test(test_recorded_log_equals_table),
		cmocka_unit_test(test_recorded_m32),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_log_lines),
		cmocka_unit_test(test_personality),
		cmocka_unit_test(test_tables_synthetic),
		cmocka_unit_test(test_log_then_table),
		cmocka_unit_test(test_threads_agree),
		cmocka_unit_test(test_threads_split_lines),
		cmocka_unit_test(test_threads_fallback),
		cmocka_unit_test(test_merge_and_stdin),
		cmocka_unit_test(test_summary_round_trip),
		cmocka_unit_test(test_json_profile),
		cmocka_unit_test(test_trace_seconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
