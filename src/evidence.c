/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Argument evidence: the fact store, the decoding of one call's arguments,
 * and the evidence section of the profile file (see evidence.h). */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "evidence_names.h"
#include "util.h"

struct cg_evidence {
	struct cg_fact *f;
	size_t n, cap;
	uint32_t *slots; /* index + 1, open addressing on (abi, kind, call, value) */
	size_t nslots;
	uint32_t known;
	unsigned inputs;
};

struct cg_evidence *cg_evidence_new(void)
{
	return xcalloc(1, sizeof(struct cg_evidence));
}

void cg_evidence_free(struct cg_evidence *ev)
{
	if (!ev)
		return;
	free(ev->f);
	free(ev->slots);
	free(ev);
}

void cg_evidence_freep(struct cg_evidence **ev)
{
	cg_evidence_free(*ev);
}

static uint64_t fact_hash(enum cg_abi abi, enum cg_fact_kind kind, cg_name call, uint64_t value)
{
	uint64_t k = ((uint64_t)abi << 56) ^ ((uint64_t)kind << 48) ^ ((uint64_t)call << 16) ^
		     value * 0xff51afd7ed558ccdULL;
	return k * 0x9E3779B97F4A7C15ULL;
}

static size_t slot_of(const struct cg_evidence *ev, enum cg_abi abi, enum cg_fact_kind kind,
		      cg_name call, uint64_t value)
{
	size_t j = (size_t)(fact_hash(abi, kind, call, value) >> 20) & (ev->nslots - 1);
	while (ev->slots[j]) {
		const struct cg_fact *x = &ev->f[ev->slots[j] - 1];
		if (x->abi == abi && x->kind == kind && x->call == call && x->value == value)
			break;
		j = (j + 1) & (ev->nslots - 1);
	}
	return j;
}

static void reindex(struct cg_evidence *ev)
{
	size_t ns = 64;
	while (ns < ev->n * 2 + 2)
		ns *= 2;
	free(ev->slots);
	ev->slots = xcalloc(ns, sizeof *ev->slots);
	ev->nslots = ns;
	for (size_t i = 0; i < ev->n; i++) {
		const struct cg_fact *x = &ev->f[i];
		ev->slots[slot_of(ev, x->abi, x->kind, x->call, x->value)] = (uint32_t)i + 1;
	}
}

static void set_comm(char comm[16], const char *s)
{
	comm[0] = '\0';
	if (s)
		snprintf(comm, 16, "%s", s);
}

void cg_evidence_add(struct cg_evidence *ev, enum cg_abi abi, enum cg_fact_kind kind, cg_name call,
		     uint64_t value, uint64_t count, int32_t pid, const char *comm)
{
	if ((unsigned)kind >= CG_FACT_KIND_COUNT || (unsigned)abi >= CG_ABI_COUNT)
		return;
	if (ev->n * 2 + 2 > ev->nslots)
		reindex(ev);
	size_t j = slot_of(ev, abi, kind, call, value);
	if (!ev->slots[j]) {
		xgrow((void **)&ev->f, &ev->cap, ev->n + 1, sizeof *ev->f);
		ev->f[ev->n] = (struct cg_fact){
			.abi = abi, .kind = kind, .call = call, .value = value, .pid = pid};
		set_comm(ev->f[ev->n].comm, comm);
		ev->slots[j] = (uint32_t)++ev->n;
		ev->f[ev->n - 1].count = count;
		return;
	}
	struct cg_fact *x = &ev->f[ev->slots[j] - 1];
	x->count += count;
	if (x->pid == 0 && pid != 0) {
		x->pid = pid;
		set_comm(x->comm, comm);
	}
}

void cg_evidence_merge(struct cg_evidence *dst, const struct cg_evidence *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct cg_fact *x = &src->f[i];
		cg_evidence_add(dst, x->abi, x->kind, x->call, x->value, x->count, x->pid, x->comm);
	}
	if (src->inputs) {
		dst->known = dst->inputs ? dst->known & src->known : src->known;
		dst->inputs += src->inputs;
	}
}

void cg_evidence_clear(struct cg_evidence *ev)
{
	ev->n = 0;
	ev->known = 0;
	ev->inputs = 0;
	if (ev->slots)
		memset(ev->slots, 0, ev->nslots * sizeof *ev->slots);
}

void cg_evidence_input(struct cg_evidence *ev, uint32_t known)
{
	known &= CG_FACT_ALL;
	ev->known = ev->inputs ? ev->known & known : known;
	ev->inputs++;
}

uint32_t cg_evidence_known(const struct cg_evidence *ev)
{
	return ev->inputs ? ev->known : 0;
}

unsigned cg_evidence_inputs(const struct cg_evidence *ev)
{
	return ev->inputs;
}

size_t cg_evidence_count(const struct cg_evidence *ev)
{
	return ev->n;
}

const struct cg_fact *cg_evidence_at(const struct cg_evidence *ev, size_t i)
{
	return i < ev->n ? &ev->f[i] : NULL;
}

const struct cg_fact *cg_evidence_find(const struct cg_evidence *ev, enum cg_abi abi,
				       enum cg_fact_kind kind, cg_name call, uint64_t value)
{
	if (!ev->n)
		return NULL;
	size_t j = slot_of(ev, abi, kind, call, value);
	return ev->slots[j] ? &ev->f[ev->slots[j] - 1] : NULL;
}

static int cmp_fact(const void *a, const void *b)
{
	const struct cg_fact *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	if (x->abi != y->abi)
		return x->abi < y->abi ? -1 : 1;
	return strcmp(cg_name_str(x->call), cg_name_str(y->call));
}

void cg_evidence_sort(struct cg_evidence *ev)
{
	if (ev->n)
		qsort(ev->f, ev->n, sizeof *ev->f, cmp_fact);
	reindex(ev);
}

const struct cg_fact *cg_evidence_next(const struct cg_evidence *ev, enum cg_fact_kind kind,
				       size_t *i)
{
	for (; *i < ev->n; (*i)++)
		if (ev->f[*i].kind == kind)
			return &ev->f[(*i)++];
	return NULL;
}

/* ---- decoding calls ------------------------------------------------------ */

static const struct {
	const char *name;
	enum cg_call_decoder d;
} decoders[] = {
	{"socket", CG_DEC_SOCKET},
	{"socketpair", CG_DEC_SOCKETPAIR},
	{"clone", CG_DEC_CLONE},
	{"clone3", CG_DEC_CLONE3},
	{"unshare", CG_DEC_UNSHARE},
	{"setns", CG_DEC_SETNS},
	{"mmap", CG_DEC_MMAP},
	{"mmap2", CG_DEC_MMAP},
	{"mprotect", CG_DEC_MPROTECT},
	{"pkey_mprotect", CG_DEC_MPROTECT},
	{"shmat", CG_DEC_SHMAT},
	{"personality", CG_DEC_PERSONALITY},
	{"sched_setscheduler", CG_DEC_SCHED_SETSCHEDULER},
	{"sched_setattr", CG_DEC_SCHED_SETATTR},
	{"chmod", CG_DEC_MODE1},
	{"fchmod", CG_DEC_MODE1},
	{"mkdir", CG_DEC_MODE1},
	{"mknod", CG_DEC_MODE1},
	{"fchmodat", CG_DEC_MODE2},
	{"fchmodat2", CG_DEC_MODE2},
	{"mkdirat", CG_DEC_MODE2},
	{"mknodat", CG_DEC_MODE2},
	{"creat", CG_DEC_CREAT},
	{"open", CG_DEC_OPEN},
	{"openat", CG_DEC_OPENAT},
	{"openat2", CG_DEC_OPENAT2},
	/* the union of @clock in every shipped table (247 .. 262) */
	{"adjtimex", CG_DEC_CLOCK},
	{"clock_adjtime", CG_DEC_CLOCK},
	{"clock_adjtime64", CG_DEC_CLOCK},
	{"clock_settime", CG_DEC_CLOCK},
	{"clock_settime64", CG_DEC_CLOCK},
	{"settimeofday", CG_DEC_CLOCK},
	{"sethostname", CG_DEC_HOSTNAME},
	{"setdomainname", CG_DEC_HOSTNAME},
	{"syslog", CG_DEC_SYSLOG},
	{"_sysctl", CG_DEC_SYSCTL},
};

enum cg_call_decoder cg_evidence_call_decoder(const char *name, size_t n)
{
	if (n < 4 || n > 18)
		return CG_DEC_NONE;
	for (size_t i = 0; i < ELEMENTSOF(decoders); i++)
		if (strlen(decoders[i].name) == n && memcmp(decoders[i].name, name, n) == 0)
			return decoders[i].d;
	return CG_DEC_NONE;
}

unsigned cg_evidence_call_needs_n(enum cg_abi abi, const char *name, size_t n, unsigned *path_arg)
{
	unsigned pa = 0, need;
	switch (cg_evidence_call_decoder(name, n)) {
	case CG_DEC_NONE:
		return CG_NEED_NONE;
	case CG_DEC_CLONE3:
	case CG_DEC_SCHED_SETATTR:
		need = CG_NEED_REGS | CG_NEED_CLONE_ARGS;
		break;
	case CG_DEC_CREAT:
	case CG_DEC_OPEN:
		need = CG_NEED_REGS | CG_NEED_PATH;
		break;
	case CG_DEC_OPENAT:
		need = CG_NEED_REGS | CG_NEED_PATH;
		pa = 1;
		break;
	case CG_DEC_OPENAT2:
		need = CG_NEED_REGS | CG_NEED_PATH | CG_NEED_OPEN_HOW;
		pa = 1;
		break;
	default:
		need = CG_NEED_REGS;
		break;
	}
	if (path_arg)
		*path_arg = pa;
	return need;
}

/* Per interned name, the needs (+1; 0 = not looked up yet) and path arg. */
static uint8_t *needs_cache;
static size_t needs_cache_n;

unsigned cg_evidence_call_needs(enum cg_abi abi, cg_name call, unsigned *path_arg)
{
	if (call == CG_NAME_NONE)
		return CG_NEED_NONE;
	if (call >= needs_cache_n) {
		size_t nn = cg_name_count() + 64;
		needs_cache = xrealloc(needs_cache, nn);
		memset(needs_cache + needs_cache_n, 0, nn - needs_cache_n);
		needs_cache_n = nn;
	}
	if (!needs_cache[call]) {
		const char *s = cg_name_str(call);
		unsigned pa = 0;
		unsigned need = cg_evidence_call_needs_n(abi, s, strlen(s), &pa);
		needs_cache[call] = (uint8_t)(1 + (need | pa << 4));
	}
	unsigned v = needs_cache[call] - 1u;
	if (path_arg)
		*path_arg = v >> 4;
	return v & 0xf;
}

/* The CLONE_NEW* kinds systemd's RestrictNamespaces= knows. */
static const uint64_t ns_flags[] = {
	CLONE_NEWCGROUP, CLONE_NEWIPC,	CLONE_NEWNET, CLONE_NEWNS,
	CLONE_NEWPID,	 CLONE_NEWUSER, CLONE_NEWUTS,
};

static size_t ns_facts(uint64_t flags, struct cg_fact_raw *out, size_t k)
{
	for (size_t i = 0; i < ELEMENTSOF(ns_flags); i++)
		if (flags & ns_flags[i])
			out[k++] = (struct cg_fact_raw){CG_FACT_NAMESPACE, ns_flags[i]};
	return k;
}

static size_t mode_fact(uint64_t mode, struct cg_fact_raw *out, size_t k)
{
	uint64_t m = mode & (S_ISUID | S_ISGID);
	if (m)
		out[k++] = (struct cg_fact_raw){CG_FACT_SETID_MODE, m};
	return k;
}

static size_t path_fact(const char *path, uint64_t flags, struct cg_fact_raw *out, size_t k)
{
	enum cg_fact_path c = path ? cg_evidence_classify_path(path, flags) : 0;
	if (c)
		out[k++] = (struct cg_fact_raw){CG_FACT_PATH, c};
	return k;
}

size_t cg_evidence_decode_call(const char *name, size_t n, const struct cg_call_args *a,
			       struct cg_fact_raw *out)
{
	size_t k = 0;
	const uint64_t *r = a->arg;
	switch (cg_evidence_call_decoder(name, n)) {
	case CG_DEC_NONE:
		break;
	case CG_DEC_SOCKET:
		out[k++] = (struct cg_fact_raw){CG_FACT_SOCKET_FAMILY, (uint32_t)r[0]};
		break;
	case CG_DEC_SOCKETPAIR:
		out[k++] = (struct cg_fact_raw){CG_FACT_SOCKETPAIR_FAMILY, (uint32_t)r[0]};
		break;
	case CG_DEC_CLONE:
		k = ns_facts(r[0] & ~(uint64_t)0xff, out, k); /* low byte: exit signal */
		break;
	case CG_DEC_CLONE3:
		if (a->have_mem)
			k = ns_facts(a->mem_flags, out, k);
		break;
	case CG_DEC_UNSHARE:
		k = ns_facts(r[0], out, k);
		break;
	case CG_DEC_SETNS:
		if ((uint32_t)r[1] == 0)
			out[k++] = (struct cg_fact_raw){CG_FACT_NAMESPACE, 0};
		else
			k = ns_facts((uint32_t)r[1], out, k);
		break;
	case CG_DEC_MMAP:
		if ((r[2] & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC))
			out[k++] = (struct cg_fact_raw){CG_FACT_WX_MEMORY, (uint32_t)r[2]};
		break;
	case CG_DEC_MPROTECT:
		if (r[2] & PROT_EXEC)
			out[k++] = (struct cg_fact_raw){CG_FACT_WX_MEMORY, (uint32_t)r[2]};
		break;
	case CG_DEC_SHMAT:
		if (r[2] & SHM_EXEC)
			out[k++] = (struct cg_fact_raw){CG_FACT_WX_MEMORY, SHM_EXEC};
		break;
	case CG_DEC_PERSONALITY:
		out[k++] = (struct cg_fact_raw){CG_FACT_PERSONALITY, (uint32_t)r[0]};
		break;
	case CG_DEC_SCHED_SETSCHEDULER:
		out[k++] = (struct cg_fact_raw){CG_FACT_SCHED_POLICY, (uint32_t)r[1]};
		break;
	case CG_DEC_SCHED_SETATTR:
		if (a->have_mem)
			out[k++] = (struct cg_fact_raw){CG_FACT_SCHED_POLICY,
							(uint32_t)(a->mem_flags >> 32)};
		break;
	case CG_DEC_MODE1:
		k = mode_fact(r[1], out, k);
		break;
	case CG_DEC_MODE2:
		k = mode_fact(r[2], out, k);
		break;
	case CG_DEC_CREAT:
		k = mode_fact(r[1], out, k);
		k = path_fact(a->path, O_CREAT | O_WRONLY | O_TRUNC, out, k);
		break;
	case CG_DEC_OPEN:
		if (r[1] & O_CREAT)
			k = mode_fact(r[2], out, k);
		k = path_fact(a->path, r[1], out, k);
		break;
	case CG_DEC_OPENAT:
		if (r[2] & O_CREAT)
			k = mode_fact(r[3], out, k);
		k = path_fact(a->path, r[2], out, k);
		break;
	case CG_DEC_OPENAT2:
		out[k++] = (struct cg_fact_raw){CG_FACT_OPENAT2, a->have_mem ? a->mem_flags : 0};
		if (a->have_mem)
			k = path_fact(a->path, a->mem_flags, out, k);
		break;
	case CG_DEC_CLOCK:
		out[k++] = (struct cg_fact_raw){CG_FACT_CLOCK, 0};
		break;
	case CG_DEC_HOSTNAME:
		out[k++] = (struct cg_fact_raw){CG_FACT_HOSTNAME, 0};
		break;
	case CG_DEC_SYSLOG:
		out[k++] = (struct cg_fact_raw){CG_FACT_SYSLOG, (uint32_t)r[0]};
		break;
	case CG_DEC_SYSCTL:
		out[k++] = (struct cg_fact_raw){CG_FACT_SYSCTL, 0};
		break;
	}
	return k;
}

void cg_evidence_record_n(struct cg_evidence *ev, const struct cg_call_args *a, uint64_t count,
			  int32_t pid, const char *comm)
{
	if (a->call == CG_NAME_NONE)
		return;
	const char *s = cg_name_str(a->call);
	struct cg_fact_raw raw[CG_CALL_FACTS_MAX];
	size_t k = cg_evidence_decode_call(s, strlen(s), a, raw);
	for (size_t i = 0; i < k; i++)
		cg_evidence_add(ev, a->abi, raw[i].kind, a->call, raw[i].value, count, pid, comm);
}

void cg_evidence_record(struct cg_evidence *ev, const struct cg_call_args *a, int32_t pid,
			const char *comm)
{
	cg_evidence_record_n(ev, a, 1, pid, comm);
}

static bool path_is(const char *p, const char *want)
{
	size_t n = strlen(want);
	return strncmp(p, want, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

enum cg_fact_path cg_evidence_classify_path(const char *path, uint64_t open_flags)
{
	bool write = (open_flags & O_ACCMODE) != O_RDONLY || (open_flags & (O_CREAT | O_TRUNC));
	if (path[0] != '/')
		return 0;
	if (strcmp(path, "/dev/kmsg") == 0)
		return CG_PATH_DEV_KMSG;
	if (strcmp(path, "/proc/kmsg") == 0)
		return CG_PATH_PROC_KMSG;
	if (strncmp(path, "/dev/rtc", 8) == 0)
		return write ? CG_PATH_DEV_RTC_WRITE : CG_PATH_DEV_RTC_READ;
	if (write && path_is(path, "/proc/sys"))
		return CG_PATH_PROC_SYS_WRITE;
	if (write && path_is(path, "/sys"))
		return CG_PATH_SYS_WRITE;
	return 0;
}

/* ---- the evidence section -------------------------------------------------- */

const char *cg_fact_kind_name(enum cg_fact_kind k)
{
	return ev_kind_name(k);
}

int cg_fact_kind_from_name(const char *s, size_t n, enum cg_fact_kind *out)
{
	int k = ev_kind_from_name(s, n);
	if (k < 0)
		return -EINVAL;
	*out = (enum cg_fact_kind)k;
	return 0;
}

const char *cg_fact_text(const struct cg_fact *f, char *buf, size_t len)
{
	char v[96], who[48] = "", count[32] = "";
	bool has_value = f->kind != CG_FACT_CLOCK && f->kind != CG_FACT_HOSTNAME &&
			 f->kind != CG_FACT_SYSCTL;
	ev_value_str(f->kind, f->value, v, sizeof v);
	if (f->pid)
		snprintf(who, sizeof who, ", first pid %" PRId32 "%s%s%s", f->pid,
			 f->comm[0] ? " (" : "", f->comm, f->comm[0] ? ")" : "");
	if (f->count)
		snprintf(count, sizeof count, " %" PRIu64 "x", f->count);
	snprintf(buf, len, "%s%s%s%s%s%s", cg_name_str(f->call), has_value ? "(" : "",
		 has_value ? v : "", has_value ? ")" : "", count, who);
	if (f->abi != CG_ABI_X86_64) {
		size_t k = strlen(buf);
		snprintf(buf + k, len > k ? len - k : 0, " [%s]", cg_abi_name(f->abi));
	}
	return buf;
}

const char *cg_fact_value_str(enum cg_fact_kind kind, uint64_t value, char *buf, size_t len)
{
	ev_value_str(kind, value, buf, len);
	return buf;
}

static void append(char **s, size_t *n, size_t *cap, const char *fmt, ...) _printf_(4, 5);
static void append(char **s, size_t *n, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	xgrow((void **)s, cap, *n + (size_t)w + 1, 1);
	va_start(ap, fmt);
	vsnprintf(*s + *n, *cap - *n, fmt, ap);
	va_end(ap);
	*n += (size_t)w;
}

/* A comm as one word: characters outside [!-~] and '%' become %XX. */
static void comm_word(const char *comm, char *out, size_t len)
{
	size_t j = 0;
	for (const unsigned char *p = (const unsigned char *)comm; *p && j + 4 < len; p++) {
		if (*p > ' ' && *p < 0x7f && *p != '%')
			out[j++] = (char)*p;
		else
			j += (size_t)snprintf(out + j, len - j, "%%%02X", *p);
	}
	out[j] = '\0';
}

char *cg_evidence_format(const struct cg_evidence *ev)
{
	char *s = NULL;
	size_t n = 0, cap = 0;
	append(&s, &n, &cap, "%s", "");
	if (!ev->inputs)
		return s;
	append(&s, &n, &cap, "# callgroups-evidence %d inputs=%u known=", CG_EVIDENCE_FORMAT,
	       ev->inputs);
	bool first = true;
	for (unsigned k = 0; k < CG_FACT_KIND_COUNT; k++)
		if (ev->known & CG_FACT_BIT(k)) {
			append(&s, &n, &cap, "%s%s", first ? "" : ",", ev_kind_name(k));
			first = false;
		}
	if (first)
		append(&s, &n, &cap, "none");
	append(&s, &n, &cap, "\n");
	for (size_t i = 0; i < ev->n; i++) {
		const struct cg_fact *f = &ev->f[i];
		char v[96], c[64];
		ev_value_str(f->kind, f->value, v, sizeof v);
		comm_word(f->comm, c, sizeof c);
		append(&s, &n, &cap,
		       "# fact %s %s %s 0x%" PRIx64 " count=%" PRIu64 " pid=%" PRId32
		       " comm=%s # %s\n",
		       cg_abi_name(f->abi), cg_name_str(f->call), ev_kind_name(f->kind), f->value,
		       f->count, f->pid, c, v);
	}
	return s;
}

/* The next space-separated word of [*p, e). */
static bool word(const char **p, const char *e, const char **w, size_t *wn)
{
	const char *q = *p;
	while (q < e && *q == ' ')
		q++;
	const char *s = q;
	while (q < e && *q != ' ')
		q++;
	*w = s;
	*wn = (size_t)(q - s);
	*p = q;
	return q > s;
}

static bool word_is(const char *w, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(w, want, n) == 0;
}

static bool parse_u64(const char *w, size_t n, int base, uint64_t *out)
{
	char buf[32];
	if (n == 0 || n >= sizeof buf || w[0] == '-' || w[0] == '+')
		return false;
	memcpy(buf, w, n);
	buf[n] = '\0';
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool prefixed(const char *w, size_t n, const char *pre, const char **rest, size_t *rn)
{
	size_t pn = strlen(pre);
	if (n < pn || memcmp(w, pre, pn) != 0)
		return false;
	*rest = w + pn;
	*rn = n - pn;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int parse_header(struct cg_evidence *ev, const char *p, const char *e, const char **why)
{
	const char *w, *r;
	size_t wn, rn;
	uint64_t v;
	if (!word(&p, e, &w, &wn) || !parse_u64(w, wn, 10, &v)) {
		*why = "a format version after 'callgroups-evidence'";
		return -EINVAL;
	}
	if (v != CG_EVIDENCE_FORMAT) {
		*why = "evidence format 1 (this file was written by a newer callgroups)";
		return -EINVAL;
	}
	if (!word(&p, e, &w, &wn) || !prefixed(w, wn, "inputs=", &r, &rn) ||
	    !parse_u64(r, rn, 10, &v) || v == 0 || v > 1000000) {
		*why = "inputs=N (N > 0)";
		return -EINVAL;
	}
	unsigned inputs = (unsigned)v;
	if (!word(&p, e, &w, &wn) || !prefixed(w, wn, "known=", &r, &rn)) {
		*why = "known=KIND,KIND,... or known=none";
		return -EINVAL;
	}
	uint32_t known = 0;
	if (!word_is(r, rn, "none")) {
		const char *q = r, *re = r + rn;
		while (q < re) {
			const char *c = memchr(q, ',', (size_t)(re - q));
			if (!c)
				c = re;
			int k = ev_kind_from_name(q, (size_t)(c - q));
			if (k < 0) {
				*why = "known fact kinds (socket-family, namespace, ...)";
				return -EINVAL;
			}
			known |= CG_FACT_BIT(k);
			q = c + 1;
		}
	}
	if (word(&p, e, &w, &wn)) {
		*why = "nothing after known=";
		return -EINVAL;
	}
	if (ev) {
		struct cg_evidence tmp = {.known = known, .inputs = inputs};
		cg_evidence_merge(ev, &tmp);
	}
	return 1;
}

static int parse_fact(struct cg_evidence *ev, const char *p, const char *e, const char **why)
{
	const char *w, *r;
	size_t wn, rn;
	char buf[32];
	enum cg_abi abi;
	if (!word(&p, e, &w, &wn) || wn >= sizeof buf) {
		*why = "an ABI (x86-64, x86, x32) after 'fact'";
		return -EINVAL;
	}
	memcpy(buf, w, wn);
	buf[wn] = '\0';
	if (cg_abi_from_name(buf, &abi) < 0) {
		*why = "an ABI (x86-64, x86, x32) after 'fact'";
		return -EINVAL;
	}
	const char *call;
	size_t calln;
	if (!word(&p, e, &call, &calln) || calln > 64) {
		*why = "a system call name";
		return -EINVAL;
	}
	for (size_t i = 0; i < calln; i++)
		if (!((call[i] >= 'a' && call[i] <= 'z') || (call[i] >= '0' && call[i] <= '9') ||
		      call[i] == '_')) {
			*why = "a system call name ([a-z0-9_]+)";
			return -EINVAL;
		}
	int kind;
	if (!word(&p, e, &w, &wn) || (kind = ev_kind_from_name(w, wn)) < 0) {
		*why = "a fact kind (socket-family, namespace, ...)";
		return -EINVAL;
	}
	uint64_t value, count, pid;
	if (!word(&p, e, &w, &wn) || !prefixed(w, wn, "0x", &r, &rn) ||
	    !parse_u64(r, rn, 16, &value)) {
		*why = "a hexadecimal value (0x...)";
		return -EINVAL;
	}
	if (!word(&p, e, &w, &wn) || !prefixed(w, wn, "count=", &r, &rn) ||
	    !parse_u64(r, rn, 10, &count)) {
		*why = "count=N";
		return -EINVAL;
	}
	if (!word(&p, e, &w, &wn) || !prefixed(w, wn, "pid=", &r, &rn) ||
	    !parse_u64(r, rn, 10, &pid) || pid > INT32_MAX) {
		*why = "pid=N";
		return -EINVAL;
	}
	if (!word(&p, e, &w, &wn) || !prefixed(w, wn, "comm=", &r, &rn)) {
		*why = "comm=NAME";
		return -EINVAL;
	}
	char comm[16];
	size_t j = 0;
	for (size_t i = 0; i < rn; i++) {
		char c = r[i];
		if (c == '%') {
			int h1 = i + 2 < rn ? hexval(r[i + 1]) : -1;
			int h2 = i + 2 < rn ? hexval(r[i + 2]) : -1;
			if (h1 < 0 || h2 < 0 || (h1 == 0 && h2 == 0)) {
				*why = "comm=NAME with %XX escapes";
				return -EINVAL;
			}
			c = (char)(h1 * 16 + h2);
			i += 2;
		}
		if (j + 1 >= sizeof comm) {
			*why = "a comm of at most 15 bytes";
			return -EINVAL;
		}
		comm[j++] = c;
	}
	comm[j] = '\0';
	/* What follows is "# value in words", for people. */
	while (p < e && *p == ' ')
		p++;
	if (p < e && *p != '#') {
		*why = "'# comment' or nothing after comm=";
		return -EINVAL;
	}
	if (ev)
		cg_evidence_add(ev, abi, (enum cg_fact_kind)kind, cg_intern_n(call, calln), value,
				count, (int32_t)pid, comm);
	return 1;
}

int cg_evidence_parse_line(struct cg_evidence *ev, const char *l, const char *e, const char **why)
{
	const char *p = l, *w;
	size_t wn;
	*why = NULL;
	if (p >= e || *p != '#')
		return 0;
	p++;
	if (!word(&p, e, &w, &wn))
		return 0;
	if (word_is(w, wn, "callgroups-evidence"))
		return parse_header(ev, p, e, why);
	if (word_is(w, wn, "fact"))
		return parse_fact(ev, p, e, why);
	return 0;
}

/* ---- strace's rendering ---------------------------------------------------- */

/* The end of the argument starting at p: the next ',' or ')' at depth 0,
 * outside strings and comments; NULL when e comes first (cut short). */
static const char *arg_end(const char *p, const char *e)
{
	int depth = 0;
	while (p < e) {
		char c = *p;
		if (c == '"') {
			for (p++; p < e && *p != '"'; p++)
				if (*p == '\\')
					p++;
			if (p >= e)
				return NULL;
		} else if (c == '/' && p + 1 < e && p[1] == '*') {
			const char *q = memmem(p + 2, (size_t)(e - p - 2), "*/", 2);
			if (!q)
				return NULL;
			p = q + 1;
		} else if (c == '(' || c == '{' || c == '[') {
			depth++;
		} else if (c == ')' || c == '}' || c == ']') {
			if (depth == 0)
				return c == ')' ? p : NULL;
			depth--;
		} else if (c == ',' && depth == 0) {
			return p;
		} else if (c == '<' && depth == 0 && e - p >= 13 &&
			   memcmp(p, "<unfinished ", 12) == 0) {
			return NULL;
		}
		p++;
	}
	return NULL;
}

struct span {
	const char *p, *e;
};

/* Splits the arguments into at most max spans; returns how many were
 * complete. */
static size_t split_args(const char *p, const char *e, struct span *out, size_t max)
{
	size_t n = 0;
	while (n < max) {
		while (p < e && *p == ' ')
			p++;
		const char *q = arg_end(p, e);
		if (!q)
			break;
		const char *t = q;
		while (t > p && t[-1] == ' ')
			t--;
		out[n++] = (struct span){p, t};
		if (*q == ')')
			break;
		p = q + 1;
	}
	return n;
}

/* A value: a number or symbols of t joined by '|', with an optional
 * trailing comment ("10 /\* SYSLOG_ACTION_SIZE_BUFFER *\/") or "<...>" of -y. */
static bool span_value(struct span s, enum ev_syms t, uint64_t *out)
{
	const char *e = s.e;
	for (const char *q = s.p; q < e; q++)
		if (*q == ' ' || *q == '<') {
			e = q;
			break;
		}
	if (e == s.p)
		return false;
	if (*s.p == '-') /* a negative number (AT_FDCWD as -100): not a flag value */
		return false;
	return ev_value_parse(t, s.p, (size_t)(e - s.p), 0, out) == 0;
}

/* The value of "key=" inside a struct rendering "{a=1, key=VALUE, ...}" or
 * among named arguments. */
static bool member_value(struct span s, const char *key, enum ev_syms t, uint64_t *out)
{
	const char *p = s.p, *e = s.e;
	if (p < e && *p == '{')
		p++;
	size_t kn = strlen(key);
	while (p < e) {
		while (p < e && *p == ' ')
			p++;
		const char *q = arg_end(p, e);
		if (!q)
			q = e;
		if ((size_t)(q - p) > kn && memcmp(p, key, kn) == 0 && p[kn] == '=') {
			const char *v = p + kn + 1, *ve = q;
			if (ve > v && ve[-1] == '}')
				ve--;
			return span_value((struct span){v, ve}, t, out);
		}
		if (q >= e)
			break;
		p = q + 1;
	}
	return false;
}

/* Unescapes a C string rendering ("/dev/kmsg", maybe cut short as "..."...)
 * into buf. */
static bool span_path(struct span s, char *buf, size_t len)
{
	if (s.e - s.p < 2 || *s.p != '"' || len == 0)
		return false;
	size_t j = 0;
	for (const char *p = s.p + 1; p < s.e && *p != '"' && j + 1 < len; p++) {
		char c = *p;
		if (c == '\\' && p + 1 < s.e) {
			p++;
			switch (*p) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'x': {
				int h1 = p + 2 < s.e ? hexval(p[1]) : -1;
				int h2 = p + 2 < s.e ? hexval(p[2]) : -1;
				if (h1 < 0 || h2 < 0)
					return false;
				c = (char)(h1 * 16 + h2);
				p += 2;
				break;
			}
			default:
				if (*p >= '0' && *p <= '7') {
					unsigned v = 0, k = 0;
					while (k < 3 && p < s.e && *p >= '0' && *p <= '7') {
						v = v * 8 + (unsigned)(*p - '0');
						p++;
						k++;
					}
					p--;
					c = (char)v;
				} else {
					c = *p;
				}
			}
		}
		if (c == '\0')
			return false;
		buf[j++] = c;
	}
	buf[j] = '\0';
	return true;
}

bool cg_evidence_decode_strace(const char *name, size_t n, const char *args, const char *e,
			       struct cg_call_args *a, char *pathbuf, size_t len)
{
	enum cg_call_decoder d = cg_evidence_call_decoder(name, n);
	if (d == CG_DEC_NONE)
		return false;
	struct span s[6];
	size_t k = split_args(args, e, s, 6);
	memset(a->arg, 0, sizeof a->arg);
	a->have_mem = false;
	a->mem_flags = 0;
	a->path = NULL;
	switch (d) {
	case CG_DEC_NONE:
		return false;
	case CG_DEC_SOCKET:
	case CG_DEC_SOCKETPAIR:
		return k >= 1 && span_value(s[0], EV_SYM_AF, &a->arg[0]);
	case CG_DEC_CLONE:
		/* clone(child_stack=..., flags=...): flags is a named argument */
		for (size_t i = 0; i < k; i++)
			if (member_value(s[i], "flags", EV_SYM_CLONE, &a->arg[0]))
				return true;
		return false;
	case CG_DEC_CLONE3:
		if (k < 1 || *s[0].p != '{')
			return false;
		a->have_mem = member_value(s[0], "flags", EV_SYM_CLONE, &a->mem_flags);
		return a->have_mem;
	case CG_DEC_UNSHARE:
		return k >= 1 && span_value(s[0], EV_SYM_CLONE, &a->arg[0]);
	case CG_DEC_SETNS:
		return k >= 2 && span_value(s[1], EV_SYM_CLONE, &a->arg[1]);
	case CG_DEC_MMAP:
	case CG_DEC_MPROTECT:
		return k >= 3 && span_value(s[2], EV_SYM_PROT, &a->arg[2]);
	case CG_DEC_SHMAT:
		return k >= 3 && span_value(s[2], EV_SYM_SHM, &a->arg[2]);
	case CG_DEC_PERSONALITY:
		return k >= 1 && span_value(s[0], EV_SYM_PERSONALITY, &a->arg[0]);
	case CG_DEC_SCHED_SETSCHEDULER:
		return k >= 2 && span_value(s[1], EV_SYM_SCHED, &a->arg[1]);
	case CG_DEC_SCHED_SETATTR: {
		uint64_t pol;
		if (k < 2 || !member_value(s[1], "sched_policy", EV_SYM_SCHED, &pol))
			return false;
		a->have_mem = true;
		a->mem_flags = pol << 32;
		return true;
	}
	case CG_DEC_MODE1:
		return k >= 2 && span_value(s[1], EV_SYM_MODE, &a->arg[1]);
	case CG_DEC_MODE2:
		return k >= 3 && span_value(s[2], EV_SYM_MODE, &a->arg[2]);
	case CG_DEC_CREAT:
		if (k < 2 || !span_value(s[1], EV_SYM_MODE, &a->arg[1]))
			return false;
		if (span_path(s[0], pathbuf, len))
			a->path = pathbuf;
		return true;
	case CG_DEC_OPEN:
	case CG_DEC_OPENAT: {
		size_t pi = d == CG_DEC_OPEN ? 0 : 1;
		if (k < pi + 2 || !span_value(s[pi + 1], EV_SYM_OPEN, &a->arg[pi + 1]))
			return false;
		if (k >= pi + 3)
			span_value(s[pi + 2], EV_SYM_MODE, &a->arg[pi + 2]);
		if (span_path(s[pi], pathbuf, len))
			a->path = pathbuf;
		return true;
	}
	case CG_DEC_OPENAT2:
		if (k >= 3 && *s[2].p == '{')
			a->have_mem = member_value(s[2], "flags", EV_SYM_OPEN, &a->mem_flags);
		if (k >= 2 && span_path(s[1], pathbuf, len))
			a->path = pathbuf;
		return true;
	case CG_DEC_SYSLOG:
		if (k >= 1)
			span_value(s[0], EV_SYM_SYSLOG, &a->arg[0]);
		return true;
	case CG_DEC_CLOCK:
	case CG_DEC_HOSTNAME:
	case CG_DEC_SYSCTL:
		return true;
	}
	return false;
}
