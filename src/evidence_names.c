/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "evidence_names.h"

#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

static const char *const kind_names[CG_FACT_KIND_COUNT] = {
	[CG_FACT_SOCKET_FAMILY] = "socket-family",
	[CG_FACT_SOCKETPAIR_FAMILY] = "socketpair-family",
	[CG_FACT_NAMESPACE] = "namespace",
	[CG_FACT_WX_MEMORY] = "wx-memory",
	[CG_FACT_PERSONALITY] = "personality",
	[CG_FACT_SCHED_POLICY] = "sched-policy",
	[CG_FACT_SETID_MODE] = "setid-mode",
	[CG_FACT_OPENAT2] = "openat2",
	[CG_FACT_CLOCK] = "clock",
	[CG_FACT_HOSTNAME] = "hostname",
	[CG_FACT_SYSLOG] = "syslog",
	[CG_FACT_SYSCTL] = "sysctl",
	[CG_FACT_PATH] = "path",
};

const char *ev_kind_name(unsigned kind)
{
	return kind < CG_FACT_KIND_COUNT ? kind_names[kind] : NULL;
}

int ev_kind_from_name(const char *s, size_t n)
{
	for (unsigned k = 0; k < CG_FACT_KIND_COUNT; k++)
		if (strlen(kind_names[k]) == n && memcmp(kind_names[k], s, n) == 0)
			return (int)k;
	return -1;
}

struct sym {
	const char *name;
	uint64_t value;
};
#define S(x)                                                                                       \
	{                                                                                          \
#x, (uint64_t)(x)                                                                  \
	}

static const struct sym af_syms[] = {
	S(AF_UNSPEC),
	S(AF_UNIX),
	S(AF_INET),
	S(AF_AX25),
	S(AF_IPX),
	S(AF_APPLETALK),
	S(AF_NETROM),
	S(AF_BRIDGE),
	S(AF_ATMPVC),
	S(AF_X25),
	S(AF_INET6),
	S(AF_ROSE),
	S(AF_DECnet),
	S(AF_NETBEUI),
	S(AF_SECURITY),
	S(AF_KEY),
	S(AF_NETLINK),
	S(AF_PACKET),
	S(AF_ASH),
	S(AF_ECONET),
	S(AF_ATMSVC),
	S(AF_RDS),
	S(AF_SNA),
	S(AF_IRDA),
	S(AF_PPPOX),
	S(AF_WANPIPE),
	S(AF_LLC),
	S(AF_IB),
	S(AF_MPLS),
	S(AF_CAN),
	S(AF_TIPC),
	S(AF_BLUETOOTH),
	S(AF_IUCV),
	S(AF_RXRPC),
	S(AF_ISDN),
	S(AF_PHONET),
	S(AF_IEEE802154),
	S(AF_CAIF),
	S(AF_ALG),
	S(AF_NFC),
	S(AF_VSOCK),
	S(AF_KCM),
	S(AF_QIPCRTR),
	S(AF_SMC),
	S(AF_XDP),
	S(AF_MCTP),
	{"AF_LOCAL", AF_UNIX},
	{"AF_FILE", AF_UNIX},
	{"AF_ROUTE", AF_NETLINK},
};

static const struct sym clone_syms[] = {
	S(CLONE_NEWNS),	  S(CLONE_NEWCGROUP), S(CLONE_NEWUTS), S(CLONE_NEWIPC),
	S(CLONE_NEWUSER), S(CLONE_NEWPID),    S(CLONE_NEWNET),
};

static const struct sym prot_syms[] = {
	S(PROT_NONE), S(PROT_READ), S(PROT_WRITE), S(PROT_EXEC), S(PROT_GROWSDOWN), S(PROT_GROWSUP),
};

static const struct sym shm_syms[] = {
	S(SHM_EXEC),
	S(SHM_RDONLY),
	S(SHM_RND),
	S(SHM_REMAP),
};

static const struct sym per_syms[] = {
	S(PER_LINUX),	      S(PER_LINUX_32BIT),  S(PER_LINUX_FDPIC),
	S(PER_SVR4),	      S(PER_SVR3),	   S(PER_SCOSVR3),
	S(PER_OSR5),	      S(PER_WYSEV386),	   S(PER_ISCR4),
	S(PER_BSD),	      S(PER_SUNOS),	   S(PER_XENIX),
	S(PER_LINUX32),	      S(PER_LINUX32_3GB),  S(PER_IRIX32),
	S(PER_IRIXN32),	      S(PER_IRIX64),	   S(PER_RISCOS),
	S(PER_SOLARIS),	      S(PER_UW7),	   S(PER_OSF4),
	S(PER_HPUX),	      S(UNAME26),	   S(ADDR_NO_RANDOMIZE),
	S(FDPIC_FUNCPTRS),    S(MMAP_PAGE_ZERO),   S(ADDR_COMPAT_LAYOUT),
	S(READ_IMPLIES_EXEC), S(ADDR_LIMIT_32BIT), S(SHORT_INODE),
	S(WHOLE_SECONDS),     S(STICKY_TIMEOUTS),  S(ADDR_LIMIT_3GB),
};

static const struct sym sched_syms[] = {
	S(SCHED_OTHER),	   S(SCHED_FIFO),	   S(SCHED_RR),	     S(SCHED_BATCH), S(SCHED_IDLE),
	S(SCHED_DEADLINE), S(SCHED_RESET_ON_FORK), {"SCHED_ISO", 4},
};

static const struct sym open_syms[] = {
	S(O_RDONLY),	S(O_WRONLY),  S(O_RDWR),
	S(O_CREAT),	S(O_EXCL),    S(O_NOCTTY),
	S(O_TRUNC),	S(O_APPEND),  S(O_NONBLOCK),
	S(O_DSYNC),	S(O_SYNC),    S(O_DIRECTORY),
	S(O_NOFOLLOW),	S(O_CLOEXEC), S(O_PATH),
	S(O_TMPFILE),	S(O_NOATIME), S(O_DIRECT),
	S(O_LARGEFILE), S(O_ASYNC),   {"O_NDELAY", O_NONBLOCK},
};

static const struct sym mode_syms[] = {
	S(S_ISUID), S(S_ISGID), S(S_ISVTX),  S(S_IFREG), S(S_IFCHR),
	S(S_IFBLK), S(S_IFIFO), S(S_IFSOCK), S(S_IFDIR), S(S_IFLNK),
};

static const struct sym syslog_syms[] = {
	{"SYSLOG_ACTION_CLOSE", 0},	    {"SYSLOG_ACTION_OPEN", 1},
	{"SYSLOG_ACTION_READ", 2},	    {"SYSLOG_ACTION_READ_ALL", 3},
	{"SYSLOG_ACTION_READ_CLEAR", 4},    {"SYSLOG_ACTION_CLEAR", 5},
	{"SYSLOG_ACTION_CONSOLE_OFF", 6},   {"SYSLOG_ACTION_CONSOLE_ON", 7},
	{"SYSLOG_ACTION_CONSOLE_LEVEL", 8}, {"SYSLOG_ACTION_SIZE_UNREAD", 9},
	{"SYSLOG_ACTION_SIZE_BUFFER", 10},
};

static const struct sym path_syms[] = {
	{"/dev/kmsg", CG_PATH_DEV_KMSG},
	{"/proc/kmsg", CG_PATH_PROC_KMSG},
	{"/dev/rtc(read)", CG_PATH_DEV_RTC_READ},
	{"/dev/rtc(write)", CG_PATH_DEV_RTC_WRITE},
	{"/proc/sys(write)", CG_PATH_PROC_SYS_WRITE},
	{"/sys(write)", CG_PATH_SYS_WRITE},
};

static const struct {
	const struct sym *v;
	size_t n;
} tables[EV_SYM_COUNT] = {
	[EV_SYM_AF] = {af_syms, sizeof af_syms / sizeof *af_syms},
	[EV_SYM_CLONE] = {clone_syms, sizeof clone_syms / sizeof *clone_syms},
	[EV_SYM_PROT] = {prot_syms, sizeof prot_syms / sizeof *prot_syms},
	[EV_SYM_SHM] = {shm_syms, sizeof shm_syms / sizeof *shm_syms},
	[EV_SYM_PERSONALITY] = {per_syms, sizeof per_syms / sizeof *per_syms},
	[EV_SYM_SCHED] = {sched_syms, sizeof sched_syms / sizeof *sched_syms},
	[EV_SYM_OPEN] = {open_syms, sizeof open_syms / sizeof *open_syms},
	[EV_SYM_MODE] = {mode_syms, sizeof mode_syms / sizeof *mode_syms},
	[EV_SYM_SYSLOG] = {syslog_syms, sizeof syslog_syms / sizeof *syslog_syms},
	[EV_SYM_PATH] = {path_syms, sizeof path_syms / sizeof *path_syms},
};

int ev_symbol(enum ev_syms t, const char *s, size_t n, uint64_t *out)
{
	if ((unsigned)t >= EV_SYM_COUNT)
		return -1;
	for (size_t i = 0; i < tables[t].n; i++)
		if (strlen(tables[t].v[i].name) == n && memcmp(tables[t].v[i].name, s, n) == 0) {
			*out = tables[t].v[i].value;
			return 0;
		}
	return -1;
}

static bool number(const char *s, size_t n, uint64_t *out)
{
	char buf[32];
	if (n == 0 || n >= sizeof buf || !(s[0] >= '0' && s[0] <= '9'))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *end;
	unsigned long long v = strtoull(buf, &end, 0);
	if (*end)
		return false;
	*out = v;
	return true;
}

int ev_value_parse(enum ev_syms t, const char *s, size_t n, int strict, uint64_t *out)
{
	uint64_t v = 0;
	const char *e = s + n;
	if (n == 0)
		return -1;
	/* a path class is one symbol, '|' never splits it */
	if (t == EV_SYM_PATH) {
		if (ev_symbol(t, s, n, out) == 0 || number(s, n, out))
			return 0;
		return -1;
	}
	while (s < e) {
		const char *b = memchr(s, '|', (size_t)(e - s));
		if (!b)
			b = e;
		uint64_t x;
		if (number(s, (size_t)(b - s), &x) || ev_symbol(t, s, (size_t)(b - s), &x) == 0)
			v |= x;
		else if (strict)
			return -1;
		s = b + 1;
	}
	*out = v;
	return 0;
}

enum ev_syms ev_kind_syms(unsigned kind)
{
	switch (kind) {
	case CG_FACT_SOCKET_FAMILY:
	case CG_FACT_SOCKETPAIR_FAMILY:
		return EV_SYM_AF;
	case CG_FACT_NAMESPACE:
		return EV_SYM_CLONE;
	case CG_FACT_WX_MEMORY:
		return EV_SYM_PROT;
	case CG_FACT_PERSONALITY:
		return EV_SYM_PERSONALITY;
	case CG_FACT_SCHED_POLICY:
		return EV_SYM_SCHED;
	case CG_FACT_SETID_MODE:
		return EV_SYM_MODE;
	case CG_FACT_OPENAT2:
		return EV_SYM_OPEN;
	case CG_FACT_SYSLOG:
		return EV_SYM_SYSLOG;
	case CG_FACT_PATH:
		return EV_SYM_PATH;
	default:
		return EV_SYM_COUNT;
	}
}

static const char *exact(enum ev_syms t, uint64_t v)
{
	for (size_t i = 0; i < tables[t].n; i++)
		if (tables[t].v[i].value == v)
			return tables[t].v[i].name;
	return NULL;
}

/* v as symbols of t joined by '|' (bits without a name in hex). */
static void flags_str(enum ev_syms t, uint64_t v, char *buf, size_t len)
{
	size_t j = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < tables[t].n && v; i++) {
		uint64_t b = tables[t].v[i].value;
		if (b && (v & b) == b) {
			j += (size_t)snprintf(buf + j, j < len ? len - j : 0, "%s%s", j ? "|" : "",
					      tables[t].v[i].name);
			v &= ~b;
		}
	}
	if (v || !j)
		snprintf(buf + (j < len ? j : len - 1), j < len ? len - j : 1, "%s%#llx",
			 j ? "|" : "", (unsigned long long)v);
}

void ev_value_str(unsigned kind, uint64_t value, char *buf, size_t len)
{
	const char *s;
	switch (kind) {
	case CG_FACT_SOCKET_FAMILY:
	case CG_FACT_SOCKETPAIR_FAMILY:
	case CG_FACT_SYSLOG:
	case CG_FACT_PATH:
		s = exact(ev_kind_syms(kind), value);
		if (s)
			snprintf(buf, len, "%s", s);
		else
			snprintf(buf, len, "%llu", (unsigned long long)value);
		return;
	case CG_FACT_NAMESPACE:
		if (value == 0)
			snprintf(buf, len, "any kind (setns nstype 0)");
		else
			flags_str(EV_SYM_CLONE, value, buf, len);
		return;
	case CG_FACT_WX_MEMORY:
		if (value == SHM_EXEC)
			snprintf(buf, len, "SHM_EXEC");
		else
			flags_str(EV_SYM_PROT, value, buf, len);
		return;
	case CG_FACT_PERSONALITY:
		if (value == 0xffffffff)
			snprintf(buf, len, "0xffffffff (query)");
		else if ((s = exact(EV_SYM_PERSONALITY, value)))
			snprintf(buf, len, "%s", s);
		else
			snprintf(buf, len, "%#llx", (unsigned long long)value);
		return;
	case CG_FACT_SCHED_POLICY: {
		uint64_t base = value & ~(uint64_t)SCHED_RESET_ON_FORK;
		s = exact(EV_SYM_SCHED, base);
		if (s)
			snprintf(buf, len, "%s%s", s,
				 value & SCHED_RESET_ON_FORK ? "|SCHED_RESET_ON_FORK" : "");
		else
			snprintf(buf, len, "%#llx", (unsigned long long)value);
		return;
	}
	case CG_FACT_SETID_MODE:
		snprintf(buf, len, "0%llo", (unsigned long long)value);
		return;
	case CG_FACT_OPENAT2:
		snprintf(buf, len, "flags %#llx", (unsigned long long)value);
		return;
	default:
		snprintf(buf, len, "-");
		return;
	}
}
