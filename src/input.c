/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Readers of strace output and of name lists (formats: see input.h).
 *
 * Logs can be hundreds of megabytes, so the log reader works on the mapped
 * bytes without copying: memchr finds line ends, a name is hashed while it
 * is scanned, and counts go into a table local to the parser. Two threads
 * parse the two halves of a large log, each with its own tables (the
 * interner is not thread-safe); the main thread interns and merges. The only
 * state that crosses lines is per pid (a pending <unfinished ...> call, the
 * ABI), and it is carried across the split at merge time. A log with
 * "runs in ... mode" lines is parsed by one thread, since which ABI a new pid
 * starts in depends on every line before it. */
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "names.h"

#define NAME_MAX_LEN 63
/* Logs at least this large are split between two threads by default. */
#define THREAD_MIN_BYTES (8u << 20)

/* ---- text helpers ------------------------------------------------------ */

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
static inline bool is_lower_or_(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
static inline bool is_name_char(char c) { return is_lower_or_(c) || is_digit(c); }

static inline bool starts(const char *p, const char *e, const char *lit, size_t n)
{
	return (size_t)(e - p) >= n && memcmp(p, lit, n) == 0;
}
#define STARTS(p, e, lit) starts(p, e, lit, sizeof(lit) - 1)

static inline const char *skip_spaces(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* End of the line starting at l (the '\n' or end), and the start of the next. */
static inline const char *line_end(const char *l, const char *end, const char **next)
{
	const char *nl = memchr(l, '\n', (size_t)(end - l));
	if (!nl) {
		*next = end;
		return end;
	}
	*next = nl + 1;
	return nl;
}

/* Drops a trailing '\r' (CRLF files). */
static inline const char *chomp(const char *l, const char *e)
{
	return e > l && e[-1] == '\r' ? e - 1 : e;
}

static bool blank(const char *l, const char *e) { return skip_spaces(l, e) == e; }

/* Line number (1-based) of offset off. */
static unsigned line_of(const char *text, size_t off)
{
	unsigned n = 1;
	const char *p = text, *end = text + off;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* A short printable excerpt of a line for error messages. */
static const char *excerpt(const char *l, const char *e, char *buf, size_t size)
{
	size_t n = 0;
	for (const char *p = l; p < e && n + 4 < size; p++)
		buf[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	if (l + n < e && n >= 3)
		memcpy(buf + n - 3, "...", 3);
	buf[n] = 0;
	return buf;
}

static bool binary(const char *text, size_t len)
{
	size_t n = len < 4096 ? len : 4096;
	return memchr(text, 0, n) != NULL;
}

/* ---- local name table (one per parsing thread) --------------------------- */

struct lname {
	uint64_t calls[CG_ABI_COUNT], errors[CG_ABI_COUNT];
	unsigned seen;    /* bit (1 << abi) for each ABI it was counted on */
	uint32_t hash;
	uint8_t len;
	char s[NAME_MAX_LEN + 1];
};

struct ltab {
	struct lname *v;
	size_t n, cap;
	uint32_t *slots; /* index + 1, 0 = empty */
	size_t nslots;
};

static void ltab_free(struct ltab *t)
{
	free(t->v);
	free(t->slots);
}

static void ltab_rehash(struct ltab *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 512;
	uint32_t *s = xcalloc(ns, sizeof *s);
	for (size_t i = 0; i < t->n; i++) {
		size_t j = t->v[i].hash & (ns - 1);
		while (s[j])
			j = (j + 1) & (ns - 1);
		s[j] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = s;
	t->nslots = ns;
}

static uint32_t ltab_get(struct ltab *t, const char *s, size_t n, uint32_t h)
{
	if (t->n * 2 >= t->nslots)
		ltab_rehash(t);
	size_t j = h & (t->nslots - 1);
	while (t->slots[j]) {
		const struct lname *x = &t->v[t->slots[j] - 1];
		if (x->hash == h && x->len == n && memcmp(x->s, s, n) == 0)
			return t->slots[j] - 1;
		j = (j + 1) & (t->nslots - 1);
	}
	xgrow((void **)&t->v, &t->cap, t->n + 1, sizeof *t->v);
	struct lname *x = &t->v[t->n];
	memset(x, 0, sizeof *x);
	x->hash = h;
	x->len = (uint8_t)n;
	memcpy(x->s, s, n);
	t->slots[j] = (uint32_t)++t->n;
	return (uint32_t)(t->n - 1);
}

static inline void ltab_count(struct ltab *t, uint32_t i, enum cg_abi abi, uint64_t calls,
			      uint64_t errors)
{
	t->v[i].calls[abi] += calls;
	t->v[i].errors[abi] += errors;
	t->v[i].seen |= 1u << abi;
}

/* Scans a system call name at p; returns its end (p when there is none). */
static inline const char *scan_name(const char *p, const char *e, uint32_t *hash)
{
	uint32_t h = 2166136261u;
	const char *q = p;
	while (q < e && is_name_char(*q)) {
		h = (h ^ (unsigned char)*q) * 16777619u;
		q++;
	}
	*hash = h;
	return q;
}

/* ---- pids ---------------------------------------------------------------- */

#define PID_NONE INT64_MIN
#define PID_UNPREFIXED (-1) /* lines without a pid (single process, -ff files) */

struct lpid {
	int64_t pid;     /* PID_NONE = free slot */
	int32_t pending; /* name index of an <unfinished ...> call, or -1 */
	uint8_t abi;
	bool seen; /* this chunk knows whether a call of it is pending */
};

struct pidmap {
	struct lpid *v;
	size_t n, nslots;
};

static void pidmap_free(struct pidmap *m) { free(m->v); }

static size_t pid_slot(const struct pidmap *m, int64_t pid)
{
	size_t j = (size_t)(((uint64_t)pid * 0x9E3779B97F4A7C15ULL) >> 32) & (m->nslots - 1);
	while (m->v[j].pid != PID_NONE && m->v[j].pid != pid)
		j = (j + 1) & (m->nslots - 1);
	return j;
}

static void pidmap_grow(struct pidmap *m)
{
	struct pidmap o = *m;
	m->nslots = o.nslots ? o.nslots * 2 : 64;
	m->v = xmalloc(m->nslots * sizeof *m->v);
	for (size_t i = 0; i < m->nslots; i++)
		m->v[i].pid = PID_NONE;
	for (size_t i = 0; i < o.nslots; i++)
		if (o.v[i].pid != PID_NONE)
			m->v[pid_slot(m, o.v[i].pid)] = o.v[i];
	free(o.v);
}

/* The entry of pid, created with abi when new. */
static struct lpid *pid_get(struct pidmap *m, int64_t pid, enum cg_abi abi)
{
	if ((m->n + 1) * 2 > m->nslots)
		pidmap_grow(m);
	size_t j = pid_slot(m, pid);
	if (m->v[j].pid == PID_NONE) {
		m->v[j] = (struct lpid){.pid = pid, .pending = -1, .abi = (uint8_t)abi};
		m->n++;
	}
	return &m->v[j];
}

static struct lpid *pid_find(const struct pidmap *m, int64_t pid)
{
	if (!m->nslots)
		return NULL;
	size_t j = pid_slot(m, pid);
	return m->v[j].pid == PID_NONE ? NULL : &m->v[j];
}

/* ---- strace -c tables: header recognition ---------------------------------- */

enum col {
	COL_PERCENT,
	COL_SECONDS,
	COL_USECS,
	COL_CALLS,
	COL_ERRORS,
	COL_NAME,
	COL_MIN,
	COL_MAX,
	COL_WALL_TOTAL,
	COL_WALL_MIN,
	COL_WALL_MAX,
	COL_WALL_AVG,
	COL_COUNT,
};

/* The labels strace prints over each -U column (src/count.c). */
static const char *const col_labels[COL_COUNT] = {
	[COL_PERCENT] = "% time",       [COL_SECONDS] = "seconds",
	[COL_USECS] = "usecs/call",     [COL_CALLS] = "calls",
	[COL_ERRORS] = "errors",        [COL_NAME] = "syscall",
	[COL_MIN] = "shortest",         [COL_MAX] = "longest",
	[COL_WALL_TOTAL] = "wall-total", [COL_WALL_MIN] = "wall-min",
	[COL_WALL_MAX] = "wall-max",    [COL_WALL_AVG] = "wall-avg",
};

struct table_cols {
	enum col c[COL_COUNT];
	unsigned n;
};

/* Parses a table header line into its columns. */
static bool parse_header(const char *l, const char *e, struct table_cols *tc)
{
	unsigned have = 0;
	tc->n = 0;
	const char *p = skip_spaces(l, e);
	while (p < e) {
		bool found = false;
		for (unsigned c = 0; c < COL_COUNT; c++) {
			size_t n = strlen(col_labels[c]);
			if (starts(p, e, col_labels[c], n) &&
			    (p + n == e || p[n] == ' ' || p[n] == '\t')) {
				if (have & (1u << c))
					return false;
				have |= 1u << c;
				tc->c[tc->n++] = (enum col)c;
				p = skip_spaces(p + n, e);
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return (have & (1u << COL_NAME)) != 0; /* `-U name` prints names only */
}

/* A line of dash groups separated by spaces; returns the group count. */
static unsigned dash_groups(const char *l, const char *e)
{
	unsigned groups = 0;
	const char *p = l;
	while (p < e) {
		if (*p != '-')
			return 0;
		while (p < e && *p == '-')
			p++;
		groups++;
		if (p < e) {
			if (*p != ' ')
				return 0;
			p++;
		}
	}
	return groups;
}

/* A table header at line [l, e) followed by its dash line. */
static bool table_header_at(const char *l, const char *e, const char *end,
			    struct table_cols *tc)
{
	if (!parse_header(l, e, tc))
		return false;
	const char *next, *nn;
	line_end(l, end, &next);
	const char *ne = chomp(next, line_end(next, end, &nn));
	return dash_groups(next, ne) == tc->n;
}

/* "System call usage summary for 32 bit mode:" and the like. */
static bool table_heading(const char *l, const char *e, enum cg_abi *abi)
{
	static const char pre[] = "System call usage summary for ";
	if (!STARTS(l, e, pre))
		return false;
	const char *m = l + sizeof pre - 1;
	if (STARTS(m, e, "32 bit mode:"))
		*abi = CG_ABI_I386;
	else if (STARTS(m, e, "x32 mode:"))
		*abi = CG_ABI_X32;
	else if (STARTS(m, e, "64 bit mode:"))
		*abi = CG_ABI_X86_64;
	else
		return false;
	return true;
}

static bool table_start(const char *l, const char *e, const char *end)
{
	struct table_cols tc;
	enum cg_abi abi;
	return table_heading(l, e, &abi) || table_header_at(l, e, end, &tc);
}

/* ---- strace logs --------------------------------------------------------- */

enum line_kind { LINE_OK, LINE_SKIPPED, LINE_TABLE, LINE_BAD };

struct orphan {
	int64_t pid;
	uint32_t name;
	uint8_t abi;
};

/* One stretch of a log, parsed by one thread. */
struct chunk {
	const char *text, *begin, *end, *tend; /* tend: end of the whole text */
	bool first; /* starts the input (no earlier chunk) */
	enum cg_abi native;

	struct ltab names;
	struct pidmap pids;
	enum cg_abi cur_abi; /* ABI of the last call line: new pids start in it */
	bool pers_next;      /* a "runs in" line was just read ... */
	enum cg_abi pers_abi; /* ... saying this ABI */
	/* The call of the last line, if it was one; cont: it had no result, so
	 * its continuation may follow. */
	bool last_call, cont;
	int64_t cont_pid;
	uint32_t cont_name;
	enum cg_abi cont_abi;
	/* Resumed calls whose <unfinished ...> line may be in an earlier chunk. */
	struct orphan *orph;
	size_t norph, orph_cap;

	/* results */
	int status; /* LINE_OK: parsed to end; LINE_TABLE / LINE_BAD at stop */
	const char *stop;
	bool first_cont;      /* the first line looked like a continuation */
	bool first_cont_err;  /* ... with an error result */
	bool first_cont_unfinished; /* ... or unfinished */
	uint64_t lines, calls, skipped;
	bool saw_pers, saw_bracket, saw_unprefixed; /* see parse_strace() */
};

static void chunk_free(struct chunk *c)
{
	ltab_free(&c->names);
	pidmap_free(&c->pids);
	free(c->orph);
}

/* The result of a call line: the text after the last " = ", or NULL. */
static inline const char *find_result(const char *p, const char *e)
{
	for (size_t i = (size_t)(e - p); i >= 3; i--) {
		const char *q = p + i - 3;
		if (q[1] == '=' && q[0] == ' ' && q[2] == ' ')
			return q + 3;
	}
	return NULL;
}

/* An error as strace -c counts it: -1..-4095 (`-1 ENOENT (...)`, `-1 (errno
 * N)`, raw -N) or `? ERESTARTSYS` and friends. */
static inline bool result_is_error(const char *r, const char *e)
{
	if (r < e && *r == '-') {
		const char *q = r + 1;
		unsigned long v = 0;
		while (q < e && is_digit(*q) && v <= 4095)
			v = v * 10 + (unsigned long)(*q++ - '0');
		return q > r + 1 && v >= 1 && v <= 4095 && (q == e || *q == ' ' || *q == '<');
	}
	return e - r >= 3 && r[0] == '?' && r[1] == ' ' && r[2] == 'E';
}

static inline bool ends_unfinished(const char *p, const char *e)
{
	while (e > p && e[-1] == ' ')
		e--;
	return STARTS(e - (e - p < 16 ? (e - p) : 16), e, "<unfinished ...>");
}

static const char *skip_timestamps(const char *p, const char *e)
{
	for (int i = 0; i < 3 && p < e; i++) {
		if (*p == '(' && p + 1 < e && p[1] == '+') { /* -r with -t: "(+ 0.000012)" */
			const char *q = memchr(p, ')', (size_t)(e - p));
			if (!q)
				return p;
			p = skip_spaces(q + 1, e);
			continue;
		}
		if (!is_digit(*p))
			break;
		const char *q = p;
		bool punct = false;
		while (q < e && (is_digit(*q) || *q == '.' || *q == ':')) {
			if (*q == '.' || *q == ':')
				punct = true;
			q++;
		}
		if (!punct || q >= e || *q != ' ')
			break;
		p = skip_spaces(q, e);
	}
	return p;
}

static bool parse_pid(const char **pp, const char *e, int64_t *pid)
{
	const char *p = *pp;
	int64_t v = 0;
	if (p >= e || !is_digit(*p))
		return false;
	while (p < e && is_digit(*p)) {
		if (v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*p++ - '0');
	}
	*pid = v;
	*pp = p;
	return true;
}

/* Skips "<comm>" after a pid (--decode-pids=comm, -Y); NULL when unclosed. */
static const char *skip_comm(const char *p, const char *e)
{
	if (p >= e || *p != '<')
		return p;
	const char *q = memchr(p, '>', (size_t)(e - p));
	return q ? q + 1 : NULL;
}

/* "[ Process PID=N runs in 32 bit mode. ]" */
static enum line_kind personality_line(struct chunk *c, const char *p, const char *e)
{
	int64_t pid;
	p += sizeof("[ Process PID=") - 1;
	if (!parse_pid(&p, e, &pid) || !STARTS(p, e, " runs in "))
		return LINE_BAD;
	p += sizeof(" runs in ") - 1;
	enum cg_abi abi;
	if (STARTS(p, e, "32 bit mode. ]"))
		abi = CG_ABI_I386;
	else if (STARTS(p, e, "x32 mode. ]"))
		abi = CG_ABI_X32;
	else if (STARTS(p, e, "64 bit mode. ]"))
		abi = CG_ABI_X86_64;
	else
		return LINE_BAD;
	pid_get(&c->pids, pid, abi)->abi = (uint8_t)abi;
	c->saw_pers = true;
	c->cur_abi = abi;
	c->pers_next = true;
	c->pers_abi = abi;
	return LINE_SKIPPED;
}

static struct lpid *line_pid(struct chunk *c, int64_t pid)
{
	if (pid == PID_UNPREFIXED)
		c->saw_unprefixed = true;
	struct lpid *pe = pid_get(&c->pids, pid, c->cur_abi);
	/* strace names the pid in its "runs in" line but may print the next
	 * lines without a prefix (one traced process, no -o). */
	if (c->pers_next && pid == PID_UNPREFIXED)
		pe->abi = (uint8_t)c->pers_abi;
	return pe;
}

/* Remembers the call of this line, in case the next line continues it. */
static inline void set_last_call(struct chunk *c, int64_t pid, uint32_t ni, enum cg_abi abi,
				 bool cut)
{
	c->last_call = true;
	c->cont = cut;
	c->cont_pid = pid;
	c->cont_name = ni;
	c->cont_abi = abi;
}

/* Without -o, strace's "strace: Process N attached" can land inside a line
 * of the log, and the rest of that line follows on the next. */
static bool glued(const char *l, const char *e)
{
	return memmem(l, (size_t)(e - l), "strace: Process ", 16) != NULL;
}

static void add_orphan(struct chunk *c, int64_t pid, uint32_t name, enum cg_abi abi)
{
	xgrow((void **)&c->orph, &c->orph_cap, c->norph + 1, sizeof *c->orph);
	c->orph[c->norph++] = (struct orphan){.pid = pid, .name = name, .abi = (uint8_t)abi};
}

/* Without -o, strace prints no pid while one process is traced, so a call
 * may start unprefixed and resume as "[pid N]", or the other way round.
 * Resolves such a pending call of name ni; true when there was one. */
static bool resolve_unprefixed_in(struct pidmap *m, int64_t pid, uint32_t ni)
{
	if (pid != PID_UNPREFIXED) {
		struct lpid *u = pid_find(m, PID_UNPREFIXED);
		if (u && u->pending == (int32_t)ni) {
			u->pending = -1;
			return true;
		}
		return false;
	}
	for (size_t j = 0; j < m->nslots; j++) {
		struct lpid *x = &m->v[j];
		if (x->pid != PID_NONE && x->pending == (int32_t)ni) {
			x->pending = -1;
			return true;
		}
	}
	return false;
}

static bool resolve_unprefixed(struct chunk *c, int64_t pid, uint32_t ni)
{
	return resolve_unprefixed_in(&c->pids, pid, ni);
}

/* Parses one log line (without its '\n' or '\r'). */
static enum line_kind log_line(struct chunk *c, const char *l, const char *e)
{
	const char *p = l;
	int64_t pid = PID_UNPREFIXED;

	if (p == e)
		return LINE_SKIPPED;
	if (*p == '[') {
		if (STARTS(p, e, "[pid")) {
			c->saw_bracket = true;
			p = skip_spaces(p + 4, e);
			if (!parse_pid(&p, e, &pid) || !(p = skip_comm(p, e)) || p >= e || *p != ']')
				return LINE_BAD;
			p = skip_spaces(p + 1, e);
		} else if (STARTS(p, e, "[ Process PID=")) {
			return personality_line(c, p, e);
		} /* else -n or -i without a pid: below */
	} else if (is_digit(*p)) {
		const char *q = p;
		while (q < e && is_digit(*q))
			q++;
		/* -o: "PID  " or "PID<comm> "; a timestamp has '.' or ':' */
		if (q < e && (*q == ' ' || *q == '<')) {
			if (!parse_pid(&p, e, &pid) || !(p = skip_comm(p, e)))
				return LINE_BAD;
			p = skip_spaces(p, e);
		}
	} else if (*p == ' ') {
		if (STARTS(p, e, " > ")) /* -k stack frame */
			return LINE_SKIPPED;
		p = skip_spaces(p, e); /* -r: "     0.000123 " */
	}
	p = skip_timestamps(p, e);
	/* -n "[ 334] " (syscall number), -i "[00007f26d8c611b3] " (ip, "[????...]"
	 * when unknown) */
	while (p < e && *p == '[') {
		const char *q = p + 1;
		while (q < e && (is_digit(*q) || *q == ' ' || *q == '?' || (*q >= 'a' && *q <= 'f')))
			q++;
		if (q >= e || *q != ']' || q == p + 1)
			break;
		p = skip_spaces(q + 1, e);
	}
	if (p >= e)
		return LINE_BAD;

	uint32_t h;
	const char *q;
	struct lpid *pe;
	switch (*p) {
	case '<': /* "<... NAME resumed>" */
		if (!STARTS(p, e, "<... "))
			return LINE_BAD;
		p += 5;
		q = scan_name(p, e, &h);
		if (q == p || q - p > NAME_MAX_LEN || !STARTS(q, e, " resumed>"))
			return LINE_BAD;
		uint32_t ni = ltab_get(&c->names, p, (size_t)(q - p), h);
		pe = line_pid(c, pid);
		enum cg_abi abi = (enum cg_abi)pe->abi;
		c->cur_abi = abi;
		if (pe->pending >= 0) {
			pe->pending = -1; /* counted at its <unfinished ...> line */
		} else if (resolve_unprefixed(c, pid, ni)) {
			/* counted at its <unfinished ...> line, printed without a pid */
		} else if (!pe->seen && !c->first) {
			add_orphan(c, pid, ni, abi);
		} else {
			ltab_count(&c->names, ni, abi, 1, 0);
			c->calls++;
		}
		pe->seen = true;
		q += sizeof(" resumed>") - 1;
		if (ends_unfinished(q, e)) { /* resumed and cut again */
			pe->pending = (int32_t)ni;
			return LINE_OK;
		}
		const char *r = find_result(q, e);
		set_last_call(c, pid, ni, abi, !r);
		if (r && result_is_error(r, e)) {
			ltab_count(&c->names, ni, abi, 0, 1);
		}
		return LINE_OK;
	case '+': /* "+++ exited with 0 +++", "+++ killed by SIGKILL +++" */
		if (!STARTS(p, e, "+++ "))
			return LINE_BAD;
		pe = line_pid(c, pid);
		pe->pending = -1;
		pe->seen = true;
		return LINE_SKIPPED;
	case '-': /* "--- SIGCHLD {...} ---" */
		if (!STARTS(p, e, "--- "))
			return LINE_BAD;
		/* Not "seen": a signal leaves a pending call pending, and seen
		 * means this chunk knows whether one is. */
		line_pid(c, pid);
		return LINE_SKIPPED;
	default:
		break;
	}
	if (!is_lower_or_(*p))
		return LINE_BAD;
	q = scan_name(p, e, &h);
	if (q >= e || *q != '(') {
		if (STARTS(p, e, "strace: ")) /* strace's own messages (no -o) */
			return LINE_SKIPPED;
		return LINE_BAD;
	}
	if (q - p > NAME_MAX_LEN)
		return LINE_BAD;
	uint32_t ni = ltab_get(&c->names, p, (size_t)(q - p), h);
	pe = line_pid(c, pid);
	enum cg_abi abi = (enum cg_abi)pe->abi;
	c->cur_abi = abi;
	pe->seen = true;
	c->calls++;
	if (ends_unfinished(q, e)) {
		ltab_count(&c->names, ni, abi, 1, 0);
		pe->pending = (int32_t)ni;
		return LINE_OK;
	}
	pe->pending = -1;
	const char *r = find_result(q, e);
	ltab_count(&c->names, ni, abi, 1, r && result_is_error(r, e));
	/* No result: cut short by the end of the file or a glued strace message. */
	set_last_call(c, pid, ni, abi, !r);
	return LINE_OK;
}

static void *run_chunk(void *arg)
{
	struct chunk *c = arg;
	const char *next, *e = NULL, *pl = NULL, *pe = NULL; /* pl, pe: the previous line */
	c->cur_abi = c->native;
	c->status = LINE_OK;
	for (const char *l = c->begin; l < c->end; pl = l, pe = e, l = next) {
		e = chomp(l, line_end(l, c->end, &next));
		c->lines++;
		bool had_cont = c->cont, had_call = c->last_call, had_pers = c->pers_next;
		c->cont = c->last_call = false;
		enum line_kind k = log_line(c, l, e);
		if (had_pers)
			c->pers_next = c->pers_next && k == LINE_SKIPPED && blank(l, e);
		if (k == LINE_OK)
			continue;
		if (k == LINE_SKIPPED) {
			if (!blank(l, e))
				c->skipped++;
			continue;
		}
		/* Not a log line: a table (-C), the rest of a cut line, or bad. */
		if (table_start(l, e, c->tend)) {
			c->status = LINE_TABLE;
			c->stop = l;
			c->lines--;
			return NULL;
		}
		const char *r = find_result(l, e);
		if (had_cont || (had_call && glued(pl, pe))) {
			if (ends_unfinished(l, e))
				pid_get(&c->pids, c->cont_pid, c->cont_abi)->pending =
					(int32_t)c->cont_name;
			else if (r && result_is_error(r, e))
				ltab_count(&c->names, c->cont_name, c->cont_abi, 0, 1);
			c->skipped++;
			continue;
		}
		if (l == c->begin && !c->first) {
			c->first_cont = true;
			c->first_cont_err = r && result_is_error(r, e);
			c->first_cont_unfinished = ends_unfinished(l, e);
			c->skipped++;
			continue;
		}
		c->status = LINE_BAD;
		c->stop = l;
		return NULL;
	}
	if (c->last_call && !c->cont && pl && glued(pl, pe))
		c->cont = true; /* the next chunk may start with the rest */
	return NULL;
}

/* ---- strace -c tables: rows ------------------------------------------------ */

static bool parse_u64(const char *p, const char *e, uint64_t *out)
{
	uint64_t v = 0;
	if (p == e)
		return false;
	for (; p < e; p++) {
		if (!is_digit(*p) || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return true;
}

static bool time_token(const char *p, const char *e)
{
	if (p == e)
		return false;
	for (; p < e; p++)
		if (!is_digit(*p) && *p != '.' && *p != ',')
			return false;
	return true;
}

struct tok {
	const char *p, *e;
};

static unsigned tokens(const char *l, const char *e, struct tok *t, unsigned max)
{
	unsigned n = 0;
	const char *p = skip_spaces(l, e);
	while (p < e) {
		const char *q = p;
		while (q < e && *q != ' ' && *q != '\t')
			q++;
		if (n == max)
			return max + 1;
		t[n++] = (struct tok){p, q};
		p = skip_spaces(q, e);
	}
	return n;
}

struct table_result {
	struct ltab rows; /* counts of every table, interned only on success */
	unsigned tables;
	uint64_t lines;
};

static int table_error(struct cg_error *e, const char *fname, const char *text, const char *l,
		       const char *le, const char *what)
{
	char buf[96];
	cg_error_set(e, fname, line_of(text, (size_t)(l - text)), "%s, got '%s'", what,
		     excerpt(l, le, buf, sizeof buf));
	return -EINVAL;
}

/* Parses the tables from start (a table header or heading) to the end. */
static int parse_tables(const char *text, const char *start, const char *end, enum cg_abi native,
			const char *fname, struct table_result *tr, struct cg_error *e)
{
	enum { OUTSIDE, ROWS, TOTAL } state = OUTSIDE;
	struct table_cols tc = {0};
	enum cg_abi abi = native;
	bool heading = false;
	const char *next, *hdr = NULL, *hdr_e = NULL;
	for (const char *l = start; l < end; l = next) {
		const char *le = chomp(l, line_end(l, end, &next));
		tr->lines++;
		if (state == ROWS) {
			if (dash_groups(l, le) == tc.n) {
				state = TOTAL;
				continue;
			}
			struct tok t[COL_COUNT];
			unsigned n = tokens(l, le, t, COL_COUNT);
			bool has_err = false;
			for (unsigned i = 0; i < tc.n; i++)
				has_err |= tc.c[i] == COL_ERRORS;
			/* strace leaves the errors cell blank when it is 0. */
			bool no_err = n + 1 == tc.n && has_err;
			if (n != tc.n && !no_err)
				return table_error(e, fname, text, l, le,
						   "expected a table row with one value per column");
			uint64_t calls = 0, errors = 0;
			const struct tok *name = NULL;
			unsigned ti = 0;
			for (unsigned i = 0; i < tc.n; i++) {
				if (tc.c[i] == COL_ERRORS && no_err)
					continue;
				const struct tok *x = &t[ti++];
				bool ok = true;
				switch (tc.c[i]) {
				case COL_CALLS:
					ok = parse_u64(x->p, x->e, &calls);
					break;
				case COL_ERRORS:
					ok = parse_u64(x->p, x->e, &errors);
					break;
				case COL_NAME: {
					uint32_t h;
					ok = x->e - x->p <= NAME_MAX_LEN && is_lower_or_(*x->p) &&
					     scan_name(x->p, x->e, &h) == x->e;
					name = x;
					break;
				}
				default:
					ok = time_token(x->p, x->e);
					break;
				}
				if (!ok) {
					char what[128];
					snprintf(what, sizeof what, "expected %s in column '%s'",
						 tc.c[i] == COL_NAME ? "a system call name"
								     : "a number",
						 col_labels[tc.c[i]]);
					return table_error(e, fname, text, l, le, what);
				}
			}
			if (!name) /* cannot happen: parse_header() wants a name column */
				return table_error(e, fname, text, l, le, "expected a name column");
			uint32_t h;
			scan_name(name->p, name->e, &h);
			ltab_count(&tr->rows,
				   ltab_get(&tr->rows, name->p, (size_t)(name->e - name->p), h), abi,
				   calls, errors);
			continue;
		}
		if (state == TOTAL) {
			state = OUTSIDE;
			abi = native;
			struct tok t[COL_COUNT];
			unsigned n = tokens(l, le, t, COL_COUNT);
			bool total = false;
			for (unsigned i = 0; i < n && i < COL_COUNT; i++)
				total |= t[i].e - t[i].p == 5 && memcmp(t[i].p, "total", 5) == 0;
			if (total || blank(l, le))
				continue;
			return table_error(e, fname, text, l, le,
					   "expected the 'total' row after the table's closing dashes");
		}
		if (blank(l, le))
			continue;
		enum cg_abi habi;
		if (table_heading(l, le, &habi)) {
			if (heading)
				return table_error(e, fname, text, l, le,
						   "expected a table header after the summary heading");
			abi = habi;
			heading = true;
			hdr = l;
			hdr_e = le;
			continue;
		}
		if (table_header_at(l, le, end, &tc)) {
			state = ROWS;
			heading = false;
			hdr = l;
			hdr_e = le;
			tr->tables++;
			/* the dash line */
			l = next;
			line_end(l, end, &next);
			tr->lines++;
			continue;
		}
		return table_error(e, fname, text, l, le,
				   "expected a strace -c table header or 'System call usage "
				   "summary for ... mode:'");
	}
	if (state == ROWS)
		return table_error(e, fname, text, hdr, hdr_e,
				   "truncated table: expected rows ending in a dash line and "
				   "the 'total' row");
	if (heading)
		return table_error(e, fname, text, hdr, hdr_e,
				   "truncated input: expected a table after the summary heading");
	return 0;
}

/* ---- log + tables --------------------------------------------------------- */

static void chunk_merge_names(const struct chunk *c, struct cg_profile *p)
{
	for (size_t i = 0; i < c->names.n; i++) {
		const struct lname *x = &c->names.v[i];
		if (!x->seen)
			continue;
		cg_name n = cg_intern_n(x->s, x->len);
		for (unsigned a = 0; a < CG_ABI_COUNT; a++)
			if (x->seen & (1u << a))
				cg_profile_add(p, (enum cg_abi)a, n, x->calls[a], x->errors[a]);
	}
}

static int log_error(struct cg_error *e, const char *fname, const char *text, const char *l,
		     const char *end)
{
	const char *next;
	const char *le = chomp(l, line_end(l, end, &next));
	return table_error(e, fname, text, l, le,
			   "expected a strace log line ('PID name(args) = result', "
			   "'<... name resumed>', '+++ ... +++', '--- SIG... ---') or a "
			   "strace -c table");
}

/* Parses a strace log that may end in -c tables (-C), or tables alone. */
static int parse_strace(const char *text, size_t len, const struct cg_input_opts *o,
			const char *fname, bool need_table, struct cg_profile *out,
			struct cg_input_stats *st, struct cg_error *e)
{
	const char *end = text + len;
	unsigned n = o->threads ? o->threads : (len >= THREAD_MIN_BYTES ? 2 : 1);
	if (n > 16)
		n = 16;
	/* Logs that need one thread (see below) usually show it at once: a
	 * look at the start saves parsing them twice. */
	if (n > 1) {
		size_t head = len < (256u << 10) ? len : (256u << 10);
		if (memmem(text, head, " runs in ", 9) ||
		    (memmem(text, head, "[pid ", 5) && !STARTS(text, end, "[pid ")))
			n = 1;
	}
	struct chunk ch[16];
again:
	memset(ch, 0, sizeof ch);
	const char *b = text;
	for (unsigned i = 0; i < n; i++) {
		const char *ce = i + 1 == n ? end : text + len / n * (i + 1);
		if (ce < b)
			ce = b;
		if (ce < end) {
			const char *nl = memchr(ce, '\n', (size_t)(end - ce));
			ce = nl ? nl + 1 : end;
		}
		ch[i] = (struct chunk){.text = text, .begin = b, .end = ce, .tend = end,
				       .first = i == 0, .native = o->native};
		b = ce;
	}
	pthread_t tid[16];
	bool started[16] = {false};
	for (unsigned i = 1; i < n; i++)
		started[i] = pthread_create(&tid[i], NULL, run_chunk, &ch[i]) == 0;
	run_chunk(&ch[0]);
	for (unsigned i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			run_chunk(&ch[i]);
	}
	/* Which ABI a new pid starts in depends on every line before it, and a
	 * call may start without a pid and resume with "[pid N]" (no -o) in
	 * another chunk: such logs (only strace's stderr has them) are read
	 * again by one thread. */
	bool pers = false, bracket = false, unprefixed = false;
	for (unsigned i = 0; i < n; i++) {
		pers |= ch[i].saw_pers;
		bracket |= ch[i].saw_bracket;
		unprefixed |= ch[i].saw_unprefixed;
	}
	if (n > 1 && (pers || (bracket && unprefixed))) {
		for (unsigned i = 0; i < n; i++)
			chunk_free(&ch[i]);
		n = 1;
		goto again;
	}

	/* Where the log ends (a table) or fails, before anything is interned:
	 * rejected input must not fill the process-wide interner. */
	const char *table = NULL;
	const struct chunk *pc = NULL; /* the last chunk that had lines */
	unsigned last = n;             /* chunks [0, last) are merged */
	int r = 0;
	for (unsigned i = 0; i < n && r == 0 && !table; i++) {
		const struct chunk *c = &ch[i];
		if (c->first_cont && (!pc || !pc->cont))
			r = log_error(e, fname, text, c->begin, end);
		else if (c->status == LINE_BAD)
			r = log_error(e, fname, text, c->stop, end);
		else if (c->status == LINE_TABLE)
			table = c->stop;
		if (c->begin < c->end)
			pc = c;
		last = i + 1;
	}
	struct table_result tr = {0};
	if (r == 0 && table)
		r = parse_tables(text, table, end, o->native, fname, &tr, e);
	else if (r == 0 && need_table)
		r = table_error(e, fname, text, text, text,
				"expected a strace -c table ('% time     seconds  "
				"usecs/call     calls    errors syscall')");
	if (r < 0) {
		ltab_free(&tr.rows);
		for (unsigned i = 0; i < n; i++)
			chunk_free(&ch[i]);
		return r;
	}

	/* Merge in order, carrying pending <unfinished ...> calls across chunks. */
	_cleanup_profile_ struct cg_profile *lp = cg_profile_new();
	struct pidmap carry = {0};
	uint64_t lines = 0, calls = 0, skipped = 0;
	pc = NULL;
	for (unsigned i = 0; i < last; i++) {
		struct chunk *c = &ch[i];
		if (c->first_cont) {
			cg_name nm = cg_intern_n(pc->names.v[pc->cont_name].s,
						 pc->names.v[pc->cont_name].len);
			if (c->first_cont_err)
				cg_profile_add(lp, pc->cont_abi, nm, 0, 1);
			if (c->first_cont_unfinished)
				pid_get(&carry, pc->cont_pid, pc->cont_abi)->pending = (int32_t)nm;
		}
		chunk_merge_names(c, lp);
		for (size_t j = 0; j < c->norph; j++) {
			const struct lname *x = &c->names.v[c->orph[j].name];
			cg_name nm = cg_intern_n(x->s, x->len);
			struct lpid *cp = pid_find(&carry, c->orph[j].pid);
			if (cp && cp->pending >= 0) {
				cp->pending = -1;
				continue;
			}
			if (carry.nslots && resolve_unprefixed_in(&carry, c->orph[j].pid, nm))
				continue;
			cg_profile_add(lp, c->orph[j].abi, nm, 1, 0);
			calls++;
		}
		for (size_t j = 0; j < c->pids.nslots; j++) {
			const struct lpid *x = &c->pids.v[j];
			if (x->pid == PID_NONE || !x->seen)
				continue;
			int32_t pend = -1;
			if (x->pending >= 0)
				pend = (int32_t)cg_intern_n(c->names.v[x->pending].s,
							    c->names.v[x->pending].len);
			pid_get(&carry, x->pid, (enum cg_abi)x->abi)->pending = pend;
		}
		if (c->begin < c->end)
			pc = c;
		lines += c->lines;
		calls += c->calls;
		skipped += c->skipped;
	}
	pidmap_free(&carry);
	for (unsigned i = 0; i < n; i++)
		chunk_free(&ch[i]);

	if (!table) {
		cg_profile_merge(out, lp);
	} else {
		/* -C: the table counts win; the log adds what no table has
		 * (calls that never return, like exit_group). */
		_cleanup_set_ struct cg_set *names = cg_set_new();
		for (size_t i = 0; i < tr.rows.n; i++) {
			const struct lname *x = &tr.rows.v[i];
			cg_name nm = cg_intern_n(x->s, x->len);
			cg_set_add(names, nm);
			for (unsigned a = 0; a < CG_ABI_COUNT; a++)
				if (x->seen & (1u << a))
					cg_profile_add(out, (enum cg_abi)a, nm, x->calls[a],
						       x->errors[a]);
		}
		ltab_free(&tr.rows);
		for (size_t i = 0; i < cg_profile_count(lp); i++) {
			const struct cg_profile_entry *x = cg_profile_at(lp, i);
			if (!cg_set_has(names, x->name))
				cg_profile_add(out, x->abi, x->name, x->calls, x->errors);
		}
		lines += tr.lines;
		if (st)
			st->tables += tr.tables;
	}
	if (st) {
		st->lines += lines;
		st->log_calls += calls;
		st->skipped += skipped;
	}
	return 0;
}

/* ---- lists ----------------------------------------------------------------- */

static bool syscall_on_some_abi(const char *name)
{
	for (unsigned a = 0; a < CG_ABI_COUNT; a++)
		if (cg_syscall_on_abi((enum cg_abi)a, name))
			return true;
	return false;
}

static int list_pass(const char *text, size_t len, enum cg_abi native, const char *fname,
		     struct cg_profile *out, struct cg_input_stats *st, struct cg_error *e);

/* Checks a list of names, then (when out is not NULL) adds them to out:
 * rejected input is not interned. Returns 0 or -EINVAL with e set. */
static int parse_list(const char *text, size_t len, enum cg_abi native, const char *fname,
		      struct cg_profile *out, struct cg_input_stats *st, struct cg_error *e)
{
	int r = list_pass(text, len, native, fname, NULL, NULL, e);
	if (r == 0 && out)
		r = list_pass(text, len, native, fname, out, st, e);
	return r;
}

/* One pass over a list: checks it (out NULL) or adds its names to out. */
static int list_pass(const char *text, size_t len, enum cg_abi native, const char *fname,
		     struct cg_profile *out, struct cg_input_stats *st, struct cg_error *e)
{
	const char *p = text, *end = text + len;
	unsigned line = 1, first_unknown_line = 0;
	size_t unknown = 0; /* distinct names libseccomp does not know */
	struct ltab seen = {0};
	char first_unknown[NAME_MAX_LEN + 1] = "";
	while (p < end) {
		char ch = *p;
		if (ch == '\n') {
			line++;
			p++;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == ',') {
			p++;
			continue;
		}
		if (ch == '#') {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			p = nl ? nl : end;
			continue;
		}
		const char *q = p;
		while (q < end && !strchr(" \t\r\n,", *q) && *q)
			q++;
		uint32_t h;
		if (!is_lower_or_(*p) || q - p > NAME_MAX_LEN || scan_name(p, q, &h) != q) {
			const char *ls = p;
			while (ls > text && ls[-1] != '\n')
				ls--;
			const char *next;
			const char *le = chomp(ls, line_end(ls, end, &next));
			char buf[96], tok[72], word[128] = "";
			if (p != skip_spaces(ls, le) || q < le)
				snprintf(word, sizeof word, " (the word '%s' is not a system call name)",
					 excerpt(p, q, tok, sizeof tok));
			cg_error_set(e, fname, line,
				     "unrecognised input '%s'%s: expected a strace -c table, a strace "
				     "log or a list of system call names (words of a-z, 0-9 and _ "
				     "separated by spaces, commas or newlines)",
				     excerpt(ls, le, buf, sizeof buf), word);
			ltab_free(&seen);
			return -EINVAL;
		}
		char name[NAME_MAX_LEN + 1];
		memcpy(name, p, (size_t)(q - p));
		name[q - p] = 0;
		size_t before = seen.n;
		ltab_get(&seen, p, (size_t)(q - p), h);
		if (out) {
			cg_profile_add(out, native, cg_intern(name), 0, 0);
		} else if (seen.n > before && !syscall_on_some_abi(name) && !unknown++) {
			first_unknown_line = line;
			memcpy(first_unknown, name, sizeof name);
		}
		p = q;
	}
	size_t names = seen.n;
	ltab_free(&seen);
	if (names && unknown * 2 >= names) {
		cg_error_set(e, fname, first_unknown_line,
			     "'%s' is not a system call libseccomp knows (%zu of the %zu names are "
			     "not): expected a list of system call names, a strace -c table or a "
			     "strace log",
			     first_unknown, unknown, names);
		return -EINVAL;
	}
	if (st)
		st->lines += line - (len && text[len - 1] == '\n');
	return 0;
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
		if (table_start(l, le, end))
			return l;
	}
	return NULL;
}

/* True when the text starts like a strace log: its first few lines are log
 * lines and one of them is a complete call of a known system call. */
static bool looks_like_log(const char *text, const char *end)
{
	struct chunk c = {.text = text, .begin = text, .end = end, .tend = end, .first = true};
	const char *next;
	unsigned n = 0;
	bool call = false, ok = true;
	for (const char *l = text; l < end && n < 8 && ok; l = next) {
		const char *le = chomp(l, line_end(l, end, &next));
		if (blank(l, le))
			continue;
		n++;
		size_t before = c.names.n;
		enum line_kind k = log_line(&c, l, le);
		if (k == LINE_BAD) { /* the parser will name it, if a log started */
			ok = n > 1;
			break;
		}
		if (k == LINE_OK && !call && c.names.n > before) {
			const struct lname *x = &c.names.v[c.names.n - 1];
			char name[NAME_MAX_LEN + 1];
			memcpy(name, x->s, x->len);
			name[x->len] = 0;
			call = syscall_on_some_abi(name);
		}
	}
	chunk_free(&c);
	return ok && call;
}

enum cg_input_format cg_input_detect(const char *text, size_t len)
{
	const char *end = text + len, *le;
	if (binary(text, len))
		return CG_INPUT_AUTO;
	const char *l = first_line(text, end, &le);
	if (!l)
		return CG_INPUT_AUTO;
	if (table_start(l, le, end))
		return CG_INPUT_SUMMARY;
	if (looks_like_log(l, end))
		return CG_INPUT_LOG;
	if (find_table(l, end))
		return CG_INPUT_SUMMARY;
	struct cg_error e;
	if (parse_list(text, len, CG_ABI_X86_64, "", NULL, NULL, &e) == 0)
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
	/* The list reader says which word is wrong; else blame the first line. */
	if (parse_list(text, len, CG_ABI_X86_64, fname, NULL, NULL, e) == 0) {
		char buf[96];
		cg_error_set(e, fname, line_of(text, (size_t)(l - text)),
			     "unrecognised input '%s': expected a strace -c table, a strace log "
			     "or a list of system call names",
			     excerpt(l, le, buf, sizeof buf));
	}
	return -EINVAL;
}

int cg_input_parse(const char *text, size_t len, const struct cg_input_opts *o,
		   const char *fname, struct cg_profile *p, struct cg_input_stats *st,
		   struct cg_error *e)
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
		r = parse_strace(text, len, o, fname, false, tmp, &s, e);
		break;
	case CG_INPUT_SUMMARY:
		if (!l || table_start(l, le, end) || looks_like_log(l, end)) {
			r = parse_strace(text, len, o, fname, true, tmp, &s, e);
		} else {
			/* The traced program's own output before the table. */
			const char *t = find_table(l, end);
			if (!t) {
				r = table_error(e, fname, text, l, le,
						"expected a strace -c table ('% time     seconds  "
						"usecs/call     calls    errors syscall')");
				break;
			}
			s.skipped += line_of(text, (size_t)(t - text)) - 1;
			s.lines += line_of(text, (size_t)(t - text)) - 1;
			r = parse_strace(t, len - (size_t)(t - text), o, fname, true, tmp, &s, e);
			if (r < 0 && e->line) /* lines counted from t */
				e->line += line_of(text, (size_t)(t - text)) - 1;
		}
		break;
	case CG_INPUT_LIST:
		r = parse_list(text, len, o->native, fname, tmp, &s, e);
		break;
	default:
		cg_error_set(e, fname, 0, "unknown input format %d", (int)f);
		return -EINVAL;
	}
	if (r < 0)
		return r;
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
