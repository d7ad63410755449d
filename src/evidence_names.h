/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names of fact kinds and of the values strace and people write for them
 * (AF_INET6, CLONE_NEWNS, PROT_EXEC, SCHED_FIFO, /dev/kmsg ...). Kept apart
 * from evidence.c with no dependency but libc, so that tools/gen-options.c
 * reads data/options.txt with the same names. The fact kinds and path
 * classes are defined here, below evidence.h, which includes them. Symbols come from the system
 * headers, never from typed numbers. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Fact kinds. The numbers are part of the profile file format (written by
 * name there, but keep them stable): add new kinds at the end. */
enum cg_fact_kind {
	CG_FACT_SOCKET_FAMILY,	   /* socket(): value = address family (AF_*) */
	CG_FACT_SOCKETPAIR_FAMILY, /* socketpair(): value = address family */
	CG_FACT_NAMESPACE,	   /* value = one CLONE_NEW* bit asked for by clone,
				    * clone3, unshare or setns; 0 = setns with
				    * nstype 0 (joins whatever the fd is) */
	CG_FACT_WX_MEMORY,	   /* value = prot of mmap/mmap2 with PROT_WRITE|
				    * PROT_EXEC, of mprotect/pkey_mprotect with
				    * PROT_EXEC; SHM_EXEC for shmat with it */
	CG_FACT_PERSONALITY,	   /* personality(): value = its argument (32 bits;
				    * 0xffffffff is the query) */
	CG_FACT_SCHED_POLICY,	   /* sched_setscheduler(), sched_setattr(): value =
				    * the policy, with SCHED_RESET_ON_FORK as given */
	CG_FACT_SETID_MODE,	   /* value = mode & (S_ISUID|S_ISGID) (never 0) of
				    * chmod, fchmod, fchmodat(2), mkdir(at),
				    * mknod(at), creat, open/openat with O_CREAT */
	CG_FACT_OPENAT2,	   /* any openat2(): value = open_how.flags, or 0
				    * when not read */
	CG_FACT_CLOCK,		   /* a call of @clock (clock_settime, settimeofday,
				    * adjtimex, clock_adjtime ...): value 0 */
	CG_FACT_HOSTNAME,	   /* sethostname, setdomainname: value 0 */
	CG_FACT_SYSLOG,		   /* syslog(): value = the action (arg 0) */
	CG_FACT_SYSCTL,		   /* _sysctl: value 0 */
	CG_FACT_PATH,		   /* an open of a path these options hide or make
				    * read-only: value = enum cg_fact_path */
	CG_FACT_KIND_COUNT,
};

/* Bit of each kind in a "known kinds" mask. */
#define CG_FACT_BIT(k) (1u << (k))
#define CG_FACT_ALL ((1u << CG_FACT_KIND_COUNT) - 1)

/* Values of CG_FACT_PATH. Only absolute paths are classified: an open
 * relative to a directory descriptor cannot be placed. */
enum cg_fact_path {
	CG_PATH_DEV_KMSG = 1,	/* /dev/kmsg, any mode */
	CG_PATH_PROC_KMSG,	/* /proc/kmsg, any mode */
	CG_PATH_DEV_RTC_READ,	/* /dev/rtc*, O_RDONLY */
	CG_PATH_DEV_RTC_WRITE,	/* /dev/rtc*, O_WRONLY or O_RDWR */
	CG_PATH_PROC_SYS_WRITE, /* under /proc/sys/, for writing */
	CG_PATH_SYS_WRITE,	/* under /sys/, for writing */
	CG_PATH_COUNT,
};

/* Tables of symbols a value may be written with. */
enum ev_syms {
	EV_SYM_AF,	    /* AF_* */
	EV_SYM_CLONE,	    /* CLONE_NEW* (other CLONE_ and signal names: unknown) */
	EV_SYM_PROT,	    /* PROT_* */
	EV_SYM_SHM,	    /* SHM_* of shmat */
	EV_SYM_PERSONALITY, /* PER_* and the personality flags */
	EV_SYM_SCHED,	    /* SCHED_* */
	EV_SYM_OPEN,	    /* O_* */
	EV_SYM_MODE,	    /* S_IS*, S_IF* */
	EV_SYM_SYSLOG,	    /* SYSLOG_ACTION_* */
	EV_SYM_PATH,	    /* the classes of enum cg_fact_path */
	EV_SYM_COUNT,
};

/* The kind's name ("socket-family"), NULL for a bad kind. */
const char *ev_kind_name(unsigned kind);
/* The kind named by s (n bytes), or -1. */
int ev_kind_from_name(const char *s, size_t n);

/* The value of symbol s (n bytes) in table t; returns 0, or -1 when t has
 * no such symbol. */
int ev_symbol(enum ev_syms t, const char *s, size_t n, uint64_t *out);
/* Parses a value as data/options.txt and strace write it: a number (0x..,
 * 0.. octal, decimal) or symbols of table t joined by '|'. Unknown symbols
 * make it fail (-1) when strict, else they count as 0. */
int ev_value_parse(enum ev_syms t, const char *s, size_t n, int strict, uint64_t *out);
/* The table a kind's values are written with. */
enum ev_syms ev_kind_syms(unsigned kind);
/* The value in words, into buf (see cg_fact_value_str). */
void ev_value_str(unsigned kind, uint64_t value, char *buf, size_t len);
