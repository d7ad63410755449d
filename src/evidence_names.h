/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names of fact kinds and of the values strace and people write for them
 * (AF_INET6, CLONE_NEWNS, PROT_EXEC, SCHED_FIFO, /dev/kmsg ...). Kept apart
 * from evidence.c with no dependency but libc, so that tools/gen-options.c
 * reads data/options.txt with the same names (and src/evidence.c, the only
 * other user, includes it). Symbols come from the system headers, never
 * from typed numbers. */
#pragma once

#include <stddef.h>
#include <stdint.h>

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
