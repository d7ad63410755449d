/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The strace log reader (formats: see input.h).
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
#include "input_readers.h"

#include <pthread.h>

#include "evidence.h"
#include "names.h"

/* Logs at least this large are split between two threads by default. */
#define THREAD_MIN_BYTES (8u << 20)

/* ---- pids ---------------------------------------------------------------- */

#define PID_NONE INT64_MIN
#define PID_UNPREFIXED (-1) /* lines without a pid (single process, -ff files) */

struct lpid {
	int64_t pid;	 /* PID_NONE = free slot */
	int32_t pending; /* name index of an <unfinished ...> call, or -1 */
	uint8_t abi;
	bool seen; /* this chunk knows whether a call of it is pending */
};

struct pidmap {
	struct lpid *v;
	size_t n, nslots;
};

static void pidmap_free(struct pidmap *m)
{
	free(m->v);
}

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

/* ---- strace logs --------------------------------------------------------- */

/* An argument fact of one chunk, on a chunk-local name (threads never intern). */
struct lfact {
	uint32_t name;
	uint8_t abi;
	uint8_t kind;
	uint64_t value, count;
	int64_t pid;
};

enum line_kind { LINE_OK, LINE_SKIPPED, LINE_TABLE, LINE_BAD };

struct orphan {
	int64_t pid;
	uint32_t name;
	uint8_t abi;
};

/* One stretch of a log, parsed by one thread. */
struct chunk {
	const char *text, *begin, *end, *tend; /* tend: end of the whole text */
	bool first;			       /* starts the input (no earlier chunk) */
	enum cg_abi native;

	struct ltab names;
	struct pidmap pids;
	enum cg_abi cur_abi;  /* ABI of the last call line: new pids start in it */
	bool pers_next;	      /* a "runs in" line was just read ... */
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
	/* Argument facts, and per local name whether its calls can show one
	 * (0 = not looked up, 1 = no, 2 = yes). */
	struct lfact *facts;
	size_t nfacts, facts_cap;
	uint8_t *dec;
	size_t ndec;

	/* results */
	int status; /* LINE_OK: parsed to end; LINE_TABLE / LINE_BAD at stop */
	const char *stop;
	bool first_cont;	    /* the first line looked like a continuation */
	bool first_cont_err;	    /* ... with an error result */
	bool first_cont_unfinished; /* ... or unfinished */
	uint64_t lines, calls, skipped;
	bool saw_pers, saw_bracket, saw_unprefixed; /* see input_parse_strace() */
};

static void chunk_free(struct chunk *c)
{
	ltab_free(&c->names);
	pidmap_free(&c->pids);
	free(c->orph);
	free(c->facts);
	free(c->dec);
}

/* Records the argument facts of the call line of local name ni, whose
 * arguments start at args (just after '('). */
static void chunk_evidence(struct chunk *c, uint32_t ni, enum cg_abi abi, int64_t pid,
			   const char *args, const char *e)
{
	if (ni >= c->ndec) {
		size_t nn = ni + 64;
		c->dec = xrealloc(c->dec, nn);
		memset(c->dec + c->ndec, 0, nn - c->ndec);
		c->ndec = nn;
	}
	const struct lname *x = &c->names.v[ni];
	if (!c->dec[ni])
		c->dec[ni] = cg_evidence_call_needs_n(abi, x->s, x->len, NULL) ? 2 : 1;
	if (c->dec[ni] != 2)
		return;
	struct cg_call_args a = {.abi = abi};
	char path[256];
	if (!cg_evidence_decode_strace(x->s, x->len, args, e, &a, path, sizeof path))
		return;
	struct cg_fact_raw raw[CG_CALL_FACTS_MAX];
	size_t k = cg_evidence_decode_call(x->s, x->len, &a, raw);
	for (size_t i = 0; i < k; i++) {
		struct lfact *f = NULL;
		for (size_t j = 0; j < c->nfacts; j++)
			if (c->facts[j].name == ni && c->facts[j].abi == abi &&
			    c->facts[j].kind == raw[i].kind && c->facts[j].value == raw[i].value) {
				f = &c->facts[j];
				break;
			}
		if (!f) {
			xgrow((void **)&c->facts, &c->facts_cap, c->nfacts + 1, sizeof *c->facts);
			f = &c->facts[c->nfacts++];
			*f = (struct lfact){.name = ni,
					    .abi = (uint8_t)abi,
					    .kind = (uint8_t)raw[i].kind,
					    .value = raw[i].value,
					    .pid = pid};
		}
		f->count++;
	}
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
			if (!parse_pid(&p, e, &pid) || !(p = skip_comm(p, e)) || p >= e ||
			    *p != ']')
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
		while (q < e &&
		       (is_digit(*q) || *q == ' ' || *q == '?' || (*q >= 'a' && *q <= 'f')))
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
	chunk_evidence(c, ni, abi, pid, q + 1, e);
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
		if (input_table_start(l, e, c->tend)) {
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

/* ---- log + tables --------------------------------------------------------- */

static void chunk_merge_facts(const struct chunk *c, struct cg_evidence *ev)
{
	for (size_t i = 0; i < c->nfacts; i++) {
		const struct lfact *f = &c->facts[i];
		const struct lname *x = &c->names.v[f->name];
		int32_t pid = f->pid > 0 && f->pid <= INT32_MAX ? (int32_t)f->pid : 0;
		cg_evidence_add(ev, (enum cg_abi)f->abi, (enum cg_fact_kind)f->kind,
				cg_intern_n(x->s, x->len), f->value, f->count, pid, NULL);
	}
}

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
	return input_line_error(e, fname, text, l, le,
				"expected a strace log line ('PID name(args) = result', "
				"'<... name resumed>', '+++ ... +++', '--- SIG... ---') or a "
				"strace -c table");
}

/* Parses a strace log that may end in -c tables (-C), or tables alone. */
int input_parse_strace(const char *text, size_t len, const struct cg_input_opts *o,
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
		ch[i] = (struct chunk){.text = text,
				       .begin = b,
				       .end = ce,
				       .tend = end,
				       .first = i == 0,
				       .native = o->native};
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
	unsigned last = n;	       /* chunks [0, last) are merged */
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
		r = input_parse_tables(text, table, end, o->native, fname, &tr, e);
	else if (r == 0 && need_table)
		r = input_line_error(e, fname, text, text, text,
				     "expected a strace -c table ('% time     seconds  "
				     "usecs/call     calls    errors syscall')");
	if (r < 0) {
		ltab_free(&tr.rows);
		free(tr.evl);
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
		chunk_merge_facts(c, cg_profile_evidence(lp));
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

	/* A log shows every argument the evidence needs. */
	if (calls > 0)
		cg_evidence_input(cg_profile_evidence(lp), CG_FACT_ALL);
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
		cg_evidence_merge(cg_profile_evidence(out), cg_profile_evidence(lp));
		/* the evidence section callgroups trace writes after its table */
		for (size_t i = 0; i < tr.nevl; i++) {
			const char *why;
			cg_evidence_parse_line(cg_profile_evidence(out), tr.evl[i].p, tr.evl[i].e,
					       &why);
		}
		free(tr.evl);
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

/* True when the text starts like a strace log: its first few lines are log
 * lines and one of them is a complete call of a known system call. */
bool input_looks_like_log(const char *text, const char *end)
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
