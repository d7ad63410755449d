/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "crash.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *cg_crash_action_name(uint32_t code)
{
	switch (code & CG_SECCOMP_RET_ACTION_FULL) {
	case CG_SECCOMP_RET_KILL_PROCESS:
		return "kill-process";
	case CG_SECCOMP_RET_KILL_THREAD:
		return "kill-thread";
	case CG_SECCOMP_RET_TRAP:
		return "trap";
	case CG_SECCOMP_RET_ERRNO:
		return "errno";
	case CG_SECCOMP_RET_USER_NOTIF:
		return "user-notif";
	case CG_SECCOMP_RET_TRACE:
		return "trace";
	case CG_SECCOMP_RET_LOG:
		return "log";
	case CG_SECCOMP_RET_ALLOW:
		return "allow";
	}
	return "unknown";
}

bool cg_crash_action_kills(uint32_t code)
{
	uint32_t a = code & CG_SECCOMP_RET_ACTION_FULL;
	return a == CG_SECCOMP_RET_KILL_PROCESS || a == CG_SECCOMP_RET_KILL_THREAD;
}

/* Wrappers whose call has another name (glibc 2.36, x86-64). */
static const char *const wrappers[][2] = {
	{"open", "openat"},
	{"open64", "openat"},
	{"creat", "openat"},
	{"creat64", "openat"},
	{"opendir", "openat"},
	{"fopen", "openat"},
	{"fopen64", "openat"},
	{"stat", "newfstatat"},
	{"stat64", "newfstatat"},
	{"lstat", "newfstatat"},
	{"lstat64", "newfstatat"},
	{"fstat", "newfstatat"},
	{"fstat64", "newfstatat"},
	{"fstatat", "newfstatat"},
	{"fstatat64", "newfstatat"},
	{"xstat", "newfstatat"},
	{"xstat64", "newfstatat"},
	{"lxstat", "newfstatat"},
	{"lxstat64", "newfstatat"},
	{"fxstat", "newfstatat"},
	{"fxstat64", "newfstatat"},
	{"fxstatat", "newfstatat"},
	{"fxstatat64", "newfstatat"},
	{"fork", "clone"},
	{"_Fork", "clone"},
	{"posix_spawn", "clone3"},
	{"posix_spawnp", "clone3"},
	{"spawni", "clone3"},
	{"pthread_create", "clone3"},
	{"wait", "wait4"},
	{"waitpid", "wait4"},
	{"signal", "rt_sigaction"},
	{"sigaction", "rt_sigaction"},
	{"sigprocmask", "rt_sigprocmask"},
	{"pthread_sigmask", "rt_sigprocmask"},
	{"sigsuspend", "rt_sigsuspend"},
	{"sigtimedwait", "rt_sigtimedwait"},
	{"sigwaitinfo", "rt_sigtimedwait"},
	{"sigwait", "rt_sigtimedwait"},
	{"raise", "tgkill"},
	{"abort", "tgkill"},
	{"pthread_kill", "tgkill"},
	{"pthread_kill_implementation", "tgkill"},
	{"nanosleep", "clock_nanosleep"},
	{"usleep", "clock_nanosleep"},
	{"sleep", "clock_nanosleep"},
	{"thrd_sleep", "clock_nanosleep"},
	{"readdir", "getdents64"},
	{"readdir64", "getdents64"},
	{"getdents", "getdents64"},
	{"getrlimit", "prlimit64"},
	{"setrlimit", "prlimit64"},
	{"prlimit", "prlimit64"},
	{"getrlimit64", "prlimit64"},
	{"setrlimit64", "prlimit64"},
	{"pread", "pread64"},
	{"pwrite", "pwrite64"},
	{"mmap64", "mmap"},
	{"lseek64", "lseek"},
	{"truncate64", "truncate"},
	{"ftruncate64", "ftruncate"},
	{"statfs64", "statfs"},
	{"fstatfs64", "fstatfs"},
	{"sendfile64", "sendfile"},
	{"fallocate64", "fallocate"},
	{"posix_fadvise", "fadvise64"},
	{"posix_fadvise64", "fadvise64"},
	{"posix_fallocate", "fallocate"},
	{"posix_fallocate64", "fallocate"},
	{"eventfd", "eventfd2"},
	{"signalfd", "signalfd4"},
	{"preadv64", "preadv"},
	{"pwritev64", "pwritev"},
	{"getdents64", "getdents64"},
	{"sched_getaffinity", "sched_getaffinity"},
	{"ptrace", "ptrace"},
	{"mount", "mount"},
	{"umount", "umount2"},
	{"umount2", "umount2"},
	{"setuid", "setuid"},
	{"setgroups", "setgroups"},
	{"initgroups", "setgroups"},
	{"daemon", "clone"},
	{"system", "clone3"},
	{"popen", "clone3"},
};

cg_name cg_crash_function_syscall(const char *function)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", function);
	buf[strcspn(buf, "+@ (")] = 0;
	char *s = buf;
	/* glibc's internal aliases: __GI___fchown, __libc_open64, __fchown,
	 * __open_nocancel, __clone_internal. */
	for (bool again = true; again;) {
		again = false;
		static const char *const pre[] = {"__GI_", "__libc_", "GI_", "__"};
		for (size_t i = 0; i < ELEMENTSOF(pre); i++)
			if (strncmp(s, pre[i], strlen(pre[i])) == 0 && s[strlen(pre[i])]) {
				s += strlen(pre[i]);
				again = true;
			}
	}
	static const char *const suf[] = {"_nocancel", "_internal", "_time64"};
	for (size_t i = 0; i < ELEMENTSOF(suf); i++) {
		size_t l = strlen(s), k = strlen(suf[i]);
		if (l > k && strcmp(s + l - k, suf[i]) == 0)
			s[l - k] = 0;
	}
	if (!*s || strcmp(s, "syscall") == 0)
		return CG_NAME_NONE;
	for (size_t i = 0; i < ELEMENTSOF(wrappers); i++)
		if (strcmp(s, wrappers[i][0]) == 0)
			return cg_intern(wrappers[i][1]);
	if (cg_syscall_on_abi(CG_ABI_X86_64, s))
		return cg_intern(s);
	size_t l = strlen(s);
	if (l > 2 && strcmp(s + l - 2, "64") == 0) {
		s[l - 2] = 0;
		if (cg_syscall_on_abi(CG_ABI_X86_64, s))
			return cg_intern(s);
	}
	return CG_NAME_NONE;
}

/* ---- times ---------------------------------------------------------------- */

static struct cg_crash_time time_at(enum cg_crash_clock clock, double sec)
{
	return (struct cg_crash_time){.known = true, .clock = clock, .sec = sec};
}

/* tm (broken down, tm_isdst ignored) as epoch seconds, in UTC or local
 * time; false when it does not exist. */
static bool tm_to_epoch(struct tm *tm, bool utc, double *out)
{
	tm->tm_isdst = -1;
	time_t t = utc ? timegm(tm) : mktime(tm);
	if (t == (time_t)-1)
		return false;
	*out = (double)t;
	return true;
}

/* "YYYY-MM-DD", then optionally [T ]HH:MM[:SS[.frac]], into *tm and the
 * fraction; *end after what was read. */
static bool parse_date_time(const char *s, struct tm *tm, double *frac, const char **end)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, k = 0;
	*frac = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &k) != 3 || k != 10)
		return false;
	s += k;
	if ((*s == 'T' || *s == ' ') && isdigit((unsigned char)s[1])) {
		if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &k) != 2 || k != 5)
			return false;
		s += 1 + k;
		if (*s == ':') {
			if (sscanf(s + 1, "%2d%n", &sec, &k) != 1 || k != 2)
				return false;
			s += 1 + k;
			if (*s == '.' && isdigit((unsigned char)s[1])) {
				char *e;
				*frac = strtod(s, &e);
				s = e;
			}
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	*tm = (struct tm){.tm_year = y - 1900,
			  .tm_mon = mo - 1,
			  .tm_mday = d,
			  .tm_hour = h,
			  .tm_min = mi,
			  .tm_sec = sec};
	*end = s;
	return true;
}

/* ISO 8601 as journalctl -o short-iso prints it: 2026-11-29T10:05:11,
 * with an optional fraction and Z, +HH:MM or +HHMM (local time without). */
static bool iso_time(const char *s, struct cg_crash_time *out)
{
	struct tm tm;
	double frac, sec;
	const char *p;
	if (!parse_date_time(s, &tm, &frac, &p) || s[10] != 'T')
		return false;
	long off = 0;
	bool utc = false;
	int hh, mm, k;
	if (*p == 'Z') {
		utc = true;
	} else if ((*p == '+' || *p == '-') && (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &k) == 2 ||
						sscanf(p + 1, "%2d%2d%n", &hh, &mm, &k) == 2)) {
		utc = true;
		off = (*p == '-' ? -1 : 1) * (hh * 3600L + mm * 60L);
	}
	if (!tm_to_epoch(&tm, utc, &sec))
		return false;
	*out = time_at(CG_CRASH_CLOCK_REAL, sec - (double)off + frac);
	return true;
}

/* journalctl -o short: "Nov 29 10:05:11", local time, in the year that
 * puts it at most a day after now. */
static bool journal_time(const char *s, time_t now, struct cg_crash_time *out)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4];
	int d, h, mi, sec, k = 0;
	if (sscanf(s, "%3[A-Za-z] %2d %2d:%2d:%2d%n", mon, &d, &h, &mi, &sec, &k) != 5 ||
	    strlen(mon) != 3 || (s[k] && !isspace((unsigned char)s[k])) || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60)
		return false;
	const char *m = strstr(months, mon);
	if (!m || (m - months) % 3)
		return false;
	struct tm nt;
	localtime_r(&now, &nt);
	for (int back = 0; back < 2; back++) {
		struct tm tm = {.tm_year = nt.tm_year - back,
				.tm_mon = (int)(m - months) / 3,
				.tm_mday = d,
				.tm_hour = h,
				.tm_min = mi,
				.tm_sec = sec};
		double v;
		if (!tm_to_epoch(&tm, false, &v))
			return false;
		if (v <= (double)now + 86400 || back) {
			*out = time_at(CG_CRASH_CLOCK_REAL, v);
			return true;
		}
	}
	return false;
}

/* dmesg: "[ 1234.567890] ..."; /dev/kmsg: "5,385,1224595694,-;...", the
 * third field in microseconds; both since boot. */
static bool boot_time_prefix(const char *s, struct cg_crash_time *out)
{
	char *e;
	if (*s == '[') {
		const char *p = s + 1 + strspn(s + 1, " ");
		if (!isdigit((unsigned char)*p))
			return false;
		double v = strtod(p, &e);
		if (*e != ']')
			return false;
		*out = time_at(CG_CRASH_CLOCK_BOOT, v);
		return true;
	}
	unsigned long long prio, seq, usec;
	int k = 0;
	if (!isdigit((unsigned char)*s) ||
	    sscanf(s, "%llu,%llu,%llu,%n", &prio, &seq, &usec, &k) != 3 || !k ||
	    !strchr(s + k, ';'))
		return false;
	*out = time_at(CG_CRASH_CLOCK_BOOT, (double)usec / 1e6);
	return true;
}

bool cg_crash_line_time(const char *line, time_t now, struct cg_crash_time *out)
{
	/* audit(1795398602.530:37): exact and absolute, wherever it is. */
	for (const char *p = line; (p = strstr(p, "audit(")); p++) {
		char *e;
		if (!isdigit((unsigned char)p[6]))
			continue;
		double v = strtod(p + 6, &e);
		if (*e == ':') {
			*out = time_at(CG_CRASH_CLOCK_REAL, v);
			return true;
		}
	}
	const char *s = line + strspn(line, " \t");
	return iso_time(s, out) || journal_time(s, now, out) || boot_time_prefix(s, out);
}

/* coredumpctl's "Timestamp: Mon 2026-11-23 01:00:00 UTC (5min ago)". */
static bool coredump_time(const char *v, struct cg_crash_time *out)
{
	v += strspn(v, " \t");
	if (isalpha((unsigned char)*v))
		v += strcspn(v, " \t"); /* the weekday */
	v += strspn(v, " \t");
	struct tm tm;
	double frac, sec;
	const char *p;
	if (!parse_date_time(v, &tm, &frac, &p))
		return false;
	bool utc = strncmp(p, " UTC", 4) == 0 || strncmp(p, " GMT", 4) == 0;
	if (!tm_to_epoch(&tm, utc, &sec))
		return false;
	*out = time_at(CG_CRASH_CLOCK_REAL, sec + frac);
	return true;
}

/* One relative amount, "10min" or "2 h", from s; seconds into *out. */
static bool relative_amount(const char **s, double *out)
{
	static const struct {
		const char *unit;
		double sec;
	} units[] = {
		{"seconds", 1},	 {"second", 1},	 {"sec", 1},	    {"s", 1},
		{"minutes", 60}, {"minute", 60}, {"min", 60},	    {"m", 60},
		{"hours", 3600}, {"hour", 3600}, {"h", 3600},	    {"days", 86400},
		{"day", 86400},	 {"d", 86400},	 {"weeks", 604800}, {"week", 604800},
		{"w", 604800},
	};
	const char *p = *s + strspn(*s, " ");
	if (!isdigit((unsigned char)*p))
		return false;
	char *e;
	double v = strtod(p, &e);
	p = e + strspn(e, " ");
	for (size_t i = 0; i < ELEMENTSOF(units); i++) {
		size_t l = strlen(units[i].unit);
		if (strncmp(p, units[i].unit, l) == 0 && !isalpha((unsigned char)p[l])) {
			*out = v * units[i].sec;
			*s = p + l;
			return true;
		}
	}
	return false;
}

int cg_crash_parse_since(const char *s, time_t now, double *out, struct cg_error *e)
{
	const char *p = s + strspn(s, " ");
	char *end;
	struct tm tm;
	double frac;
	const char *rest;
	if (*p == '@' || (isdigit((unsigned char)*p) && p[strspn(p, "0123456789.")] == 0)) {
		double v = strtod(p + (*p == '@'), &end);
		if (end != p + (*p == '@') && !*end && isfinite(v)) {
			*out = v;
			return 0;
		}
	} else if (parse_date_time(p, &tm, &frac, &rest) && !*rest) {
		if (tm_to_epoch(&tm, false, out)) {
			*out += frac;
			return 0;
		}
	} else {
		/* "-10min", "-1h30min", "10min ago" */
		bool minus = *p == '-';
		const char *q = p + (minus || *p == '+');
		double total = 0, v;
		bool any = false;
		while (relative_amount(&q, &v)) {
			total += v;
			any = true;
		}
		q += strspn(q, " ");
		if (!minus && *p != '+' && strcmp(q, "ago") == 0) {
			minus = true;
			q += 3;
		}
		if (any && !*q && (minus || *p == '+')) {
			*out = (double)now + (minus ? -total : total);
			return 0;
		}
	}
	cg_error_set(e, "--since", 0,
		     "'%s': expected epoch seconds, YYYY-MM-DD HH:MM:SS, or -10min, -2h, -1d", s);
	return -EINVAL;
}

/* The value of key= in a record line (quotes removed; comm and exe may be
 * hex-encoded by audit when they hold blanks), into buf. */
static bool field(const char *line, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);
	for (const char *p = line; (p = strstr(p, key)); p += kl) {
		if (p != line && !isspace((unsigned char)p[-1]) && p[-1] != '\x1d')
			continue;
		if (p[kl] != '=')
			continue;
		const char *v = p + kl + 1;
		size_t n;
		if (*v == '"') {
			v++;
			n = strcspn(v, "\"");
		} else {
			n = strcspn(v, " \t\r\n\x1d");
		}
		if (n >= len)
			n = len - 1;
		memcpy(buf, v, n);
		buf[n] = 0;
		return true;
	}
	return false;
}

/* Audit hex-encodes untrusted strings with blanks: comm=6E67696E7820 */
static void unhex(char *s, bool was_quoted)
{
	size_t n = strlen(s);
	if (was_quoted || n == 0 || n % 2)
		return;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		sscanf(s + 2 * i, "%2x", &v);
		s[i] = (char)v;
	}
	s[n / 2] = 0;
}

static int parse_audit(const char *line, unsigned lineno, const char *fname,
		       struct cg_crash_record *r, struct cg_error *e)
{
	char v[256];
	*r = (struct cg_crash_record){.source = CG_CRASH_AUDIT,
				      .line = lineno,
				      .nr = -1,
				      .name = CG_NAME_NONE,
				      .sig = -1,
				      .pid = -1};
	char *end;
	if (!field(line, "syscall", v, sizeof v) || (r->nr = strtol(v, &end, 10), *end) ||
	    r->nr < 0) {
		cg_error_set(e, fname, lineno, "seccomp audit record without a syscall=NUMBER");
		return -EINVAL;
	}
	if (!field(line, "arch", v, sizeof v) || (r->arch = (uint32_t)strtoul(v, &end, 16), *end)) {
		cg_error_set(e, fname, lineno, "seccomp audit record without arch=HEX");
		return -EINVAL;
	}
	enum cg_abi abi;
	if (cg_abi_from_audit(r->arch, r->nr, &abi) == 0) {
		r->have_abi = true;
		r->abi = abi;
		r->name = cg_abi_syscall_name(abi, r->nr);
	}
	if (field(line, "sig", v, sizeof v))
		r->sig = atoi(v);
	if (field(line, "code", v, sizeof v)) {
		r->code = (uint32_t)strtoul(v, &end, 16);
		r->have_code = !*end;
	}
	if (field(line, "pid", v, sizeof v))
		r->pid = atol(v);
	const char *q = strstr(line, "comm=\"");
	if (field(line, "comm", r->comm, sizeof r->comm))
		unhex(r->comm, q != NULL);
	q = strstr(line, "exe=\"");
	if (field(line, "exe", r->exe, sizeof r->exe))
		unhex(r->exe, q != NULL);
	/* journalctl -o verbose / export carry the unit. */
	if (!field(line, "_SYSTEMD_UNIT", r->unit, sizeof r->unit))
		r->unit[0] = 0;
	return 0;
}

static bool is_audit_seccomp(const char *line)
{
	return strstr(line, "type=1326") || strstr(line, "type=SECCOMP");
}

struct core_ctx {
	bool open, emitted;
	int sig;
	long pid;
	unsigned line;
	struct cg_crash_time time;
	char comm[64], exe[256], unit[256];
};

static void push(struct cg_crash_record **out, size_t *n, const struct cg_crash_record *r)
{
	*out = xrealloc(*out, (*n + 1) * sizeof **out);
	(*out)[(*n)++] = *r;
}

static const char *after_prefix(const char *l, const char *key)
{
	l += strspn(l, " \t");
	size_t k = strlen(key);
	if (strncmp(l, key, k) != 0)
		return NULL;
	return l + k + strspn(l + k, " \t");
}

int cg_crash_parse(const char *text, size_t len, const char *fname, struct cg_crash_record **out,
		   size_t *n, struct cg_error *e)
{
	return cg_crash_parse_at(text, len, fname, time(NULL), out, n, e);
}

int cg_crash_parse_at(const char *text, size_t len, const char *fname, time_t now,
		      struct cg_crash_record **out, size_t *n, struct cg_error *e)
{
	*out = NULL;
	*n = 0;
	struct core_ctx c = {0};
	unsigned lineno = 0;
	const char *p = text, *endp = text + len;
	while (p < endp) {
		size_t ll = strcspn(p, "\n");
		if (p + ll > endp)
			ll = (size_t)(endp - p);
		_cleanup_free_ char *line = xstrndup(p, ll);
		p += ll + 1;
		lineno++;
		struct cg_crash_record r;
		if (is_audit_seccomp(line)) {
			if (parse_audit(line, lineno, fname, &r, e) < 0) {
				free(*out);
				*out = NULL;
				*n = 0;
				return -EINVAL;
			}
			cg_crash_line_time(line, now, &r.time);
			push(out, n, &r);
			continue;
		}
		const char *v;
		/* `coredumpctl info`: a block starts at its PID: line. */
		if ((v = after_prefix(line, "PID:"))) {
			c = (struct core_ctx){.open = true, .sig = -1, .line = lineno};
			c.pid = atol(v);
			const char *o = strchr(v, '(');
			if (o)
				snprintf(c.comm, sizeof c.comm, "%.*s", (int)strcspn(o + 1, ")"),
					 o + 1);
			continue;
		}
		const char *dc = strstr(line, " dumped core.");
		const char *pr = strstr(line, "Process ");
		if (dc && pr && pr < dc) {
			/* The journal message: "Process 1234 (nginx) of user 0
			 * dumped core." keeps the block of coredumpctl info if
			 * one is open. */
			if (!c.open || c.emitted)
				c = (struct core_ctx){.open = true, .sig = -1, .line = lineno};
			if (!c.time.known)
				cg_crash_line_time(line, now, &c.time);
			c.pid = atol(pr + 8);
			const char *o = strchr(pr, '(');
			if (o && o < dc)
				snprintf(c.comm, sizeof c.comm, "%.*s", (int)strcspn(o + 1, ")"),
					 o + 1);
			continue;
		}
		if (c.open && (v = after_prefix(line, "Signal:"))) {
			c.sig = atoi(v);
			continue;
		}
		if (c.open && (v = after_prefix(line, "Timestamp:"))) {
			coredump_time(v, &c.time);
			continue;
		}
		if (c.open && (v = after_prefix(line, "Executable:"))) {
			snprintf(c.exe, sizeof c.exe, "%s", v);
			continue;
		}
		if (c.open && (v = after_prefix(line, "Unit:"))) {
			snprintf(c.unit, sizeof c.unit, "%s", v);
			continue;
		}
		if (c.open && !c.emitted && (v = after_prefix(line, "#0"))) {
			c.emitted = true;
			if (c.sig != -1 && c.sig != 31)
				continue; /* a crash, but not a seccomp kill */
			r = (struct cg_crash_record){.source = CG_CRASH_COREDUMP,
						     .line = c.line,
						     .nr = -1,
						     .name = CG_NAME_NONE,
						     .sig = c.sig,
						     .pid = c.pid,
						     .time = c.time};
			/* "0x00007f2e8d0f3b1b fchown (libc.so.6 + 0xf3b1b)" */
			v += strcspn(v, " \t");
			v += strspn(v, " \t");
			size_t fl = strcspn(v, " \t(");
			snprintf(r.function, sizeof r.function, "%.*s", (int)fl, v);
			if (strcmp(r.function, "n/a") == 0)
				r.function[0] = 0;
			if (r.function[0]) {
				r.name = cg_crash_function_syscall(r.function);
				if (r.name != CG_NAME_NONE) {
					r.have_abi = true;
					r.abi = CG_ABI_X86_64;
					r.nr = cg_abi_resolve(CG_ABI_X86_64, cg_name_str(r.name));
				}
			}
			snprintf(r.comm, sizeof r.comm, "%s", c.comm);
			snprintf(r.exe, sizeof r.exe, "%s", c.exe);
			snprintf(r.unit, sizeof r.unit, "%s", c.unit);
			push(out, n, &r);
			continue;
		}
		/* systemd: "foo.service: Main process exited, code=dumped,
		 * status=31/SYS" */
		const char *st = strstr(line, "status=31/SYS");
		const char *colon = strstr(line, ": Main process exited");
		if (!colon)
			colon = strstr(line, ": Control process exited");
		if (st && colon) {
			r = (struct cg_crash_record){.source = CG_CRASH_EXIT,
						     .line = lineno,
						     .nr = -1,
						     .name = CG_NAME_NONE,
						     .sig = 31,
						     .pid = -1};
			cg_crash_line_time(line, now, &r.time);
			const char *u = colon;
			while (u > line && !isspace((unsigned char)u[-1]))
				u--;
			snprintf(r.unit, sizeof r.unit, "%.*s", (int)(colon - u), u);
			push(out, n, &r);
		}
	}
	return 0;
}

void cg_crash_report_init(struct cg_crash_report *r, const struct cg_table *t)
{
	*r = (struct cg_crash_report){.table = t, .now = time(NULL), .filter = {.pid = -1}};
	cg_check_result_init(&r->check);
}

void cg_crash_report_done(struct cg_crash_report *r)
{
	const struct cg_table *t = r->table;
	for (size_t i = 0; i < r->nitems; i++) {
		free(r->items[i].groups);
		free(r->items[i].pids);
	}
	free(r->items);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r->unit);
	free(r->filter_comm);
	free(r->filter_unit);
	cg_check_result_done(&r->check);
	cg_crash_report_init(r, t);
}

void cg_crash_report_set_filter(struct cg_crash_report *r, const struct cg_crash_filter *f)
{
	free(r->filter_comm);
	free(r->filter_unit);
	r->filter = *f;
	r->filter_comm = f->comm ? xstrdup(f->comm) : NULL;
	r->filter_unit = f->unit ? xstrdup(f->unit) : NULL;
	r->filter.comm = r->filter_comm;
	r->filter.unit = r->filter_unit;
}

/* "app" names app.service, as systemctl takes it. */
static bool unit_is(const char *rec_unit, const char *want)
{
	if (strcmp(rec_unit, want) == 0)
		return true;
	size_t l = strlen(want);
	return !strchr(want, '.') && strncmp(rec_unit, want, l) == 0 &&
	       strcmp(rec_unit + l, ".service") == 0;
}

/* The record's time in seconds since the epoch, when it can be placed. */
static bool epoch_of(const struct cg_crash_time *t, double boot_time, double *out)
{
	if (!t->known || (t->clock == CG_CRASH_CLOCK_BOOT && boot_time <= 0))
		return false;
	*out = t->sec + (t->clock == CG_CRASH_CLOCK_BOOT ? boot_time : 0);
	return true;
}

bool cg_crash_report_matches(const struct cg_crash_report *r, const struct cg_crash_record *rec,
			     bool *time_unknown)
{
	const struct cg_crash_filter *f = &r->filter;
	if (time_unknown)
		*time_unknown = false;
	if (f->pid >= 0 && rec->pid != f->pid)
		return false;
	if (f->comm && strcmp(rec->comm, f->comm) != 0)
		return false;
	if (f->unit && rec->unit[0] && !unit_is(rec->unit, f->unit))
		return false;
	if (f->have_since) {
		double when;
		if (!epoch_of(&rec->time, f->boot_time, &when)) {
			if (time_unknown)
				*time_unknown = true;
			return false;
		}
		if (when < f->since)
			return false;
	}
	return true;
}

static bool logged(const struct cg_crash_record *rec)
{
	return rec->have_code && (rec->code & CG_SECCOMP_RET_ACTION_FULL) == CG_SECCOMP_RET_LOG;
}

/* The same (unit, or comm without one; ABI, call, action): one item. */
static bool same_kind(const struct cg_crash_record *a, const struct cg_crash_record *b)
{
	if (a->source != b->source || strcmp(a->unit, b->unit) != 0 ||
	    (!a->unit[0] && strcmp(a->comm, b->comm) != 0))
		return false;
	if (a->have_abi != b->have_abi || (a->have_abi && a->abi != b->abi) || a->nr != b->nr ||
	    a->arch != b->arch || a->name != b->name)
		return false;
	return a->have_code == b->have_code && (!a->have_code || a->code == b->code) &&
	       a->sig == b->sig && strcmp(a->function, b->function) == 0;
}

static void item_add_pid(struct cg_crash_item *it, long pid)
{
	if (pid < 0)
		return;
	for (size_t i = 0; i < it->npids; i++)
		if (it->pids[i] == pid)
			return;
	it->pids = xrealloc(it->pids, (it->npids + 1) * sizeof *it->pids);
	it->pids[it->npids++] = pid;
}

static void item_add_time(struct cg_crash_item *it, const struct cg_crash_time *t)
{
	if (!t->known)
		return;
	if (!it->first.known) {
		it->first = it->last = *t;
	} else if (t->clock == it->first.clock) {
		if (t->sec < it->first.sec)
			it->first = *t;
		if (t->sec > it->last.sec)
			it->last = *t;
	}
}

static void count_stopped(struct cg_crash_report *r)
{
	r->nstopped_named = r->nstopped_unnamed = 0;
	for (size_t i = 0; i < r->nitems; i++) {
		const struct cg_crash_item *it = &r->items[i];
		if (!it->stopped)
			continue;
		if (it->rec.name != CG_NAME_NONE && it->rec.have_abi)
			r->nstopped_named++;
		else
			r->nstopped_unnamed++;
	}
}

int cg_crash_report_add(struct cg_crash_report *r, const char *text, size_t len, const char *fname,
			struct cg_error *e)
{
	_cleanup_free_ struct cg_crash_record *v = NULL;
	size_t n;
	int ret = cg_crash_parse_at(text, len, fname, r->now, &v, &n, e);
	if (ret < 0)
		return ret;
	r->files = xrealloc(r->files, (r->nfiles + 1) * sizeof *r->files);
	char *file = r->files[r->nfiles++] = xstrdup(fname);
	for (size_t k = 0; k < n; k++) {
		bool time_unknown;
		r->nread++;
		if (!cg_crash_report_matches(r, &v[k], &time_unknown)) {
			r->ntime_unknown += time_unknown;
			continue;
		}
		r->nmatched++;
		if (r->filter.unit && !v[k].unit[0])
			r->nunit_unnamed++;
		struct cg_crash_item *it = NULL;
		for (size_t i = 0; i < r->nitems && !it; i++)
			if (same_kind(&r->items[i].rec, &v[k]))
				it = &r->items[i];
		if (!it) {
			r->items = xrealloc(r->items, (r->nitems + 1) * sizeof *r->items);
			it = &r->items[r->nitems++];
			*it = (struct cg_crash_item){
				.rec = v[k], .file = file, .stopped = !logged(&v[k])};
			it->ngroups = cg_table_groups_holding(r->table, v[k].name, &it->groups);
		}
		it->count++;
		item_add_pid(it, v[k].pid);
		item_add_time(it, &v[k].time);
	}
	count_stopped(r);
	return 0;
}

int cg_crash_report_explain(struct cg_crash_report *r, const struct cg_unit_settings *u,
			    struct cg_error *e)
{
	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	for (size_t i = 0; i < r->nitems; i++) {
		const struct cg_crash_record *rec = &r->items[i].rec;
		if (rec->name != CG_NAME_NONE && rec->have_abi && r->items[i].stopped)
			cg_profile_add(p, rec->abi, rec->name, 1, 0);
	}
	int ret = cg_check_run(u, r->table, p, &r->check, e);
	if (ret < 0)
		return ret;
	r->have_unit = true;
	r->unit = xstrdup(u->name ? u->name : "");
	for (size_t i = 0; i < r->nitems; i++) {
		struct cg_crash_item *it = &r->items[i];
		if (it->rec.name == CG_NAME_NONE || !it->rec.have_abi)
			continue;
		/* A logged record of a call that was also stopped shows the
		 * same fix. The denial for the filter comes after the one for
		 * the ABI (check sorts them so): its fix is the one to show. */
		for (size_t k = 0; k < r->check.ndenials; k++) {
			const struct cg_check_denial *d = &r->check.denials[k];
			if (d->name == it->rec.name && d->abi == it->rec.abi)
				it->fix = d->fix;
		}
		it->unit_allows = it->stopped && !it->fix;
	}
	return 0;
}
