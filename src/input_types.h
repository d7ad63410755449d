/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What input.h's entry points and the readers behind them share: the
 * formats, how to read, and what was read. Kept below both (input.h
 * includes it), so the readers never reach up into input.c. */
#pragma once

#include <stdint.h>

#include "abi.h"

enum cg_input_format {
	CG_INPUT_AUTO,	  /* detect; from cg_input_detect(): not recognised */
	CG_INPUT_SUMMARY, /* strace -c / -C table(s) */
	CG_INPUT_LOG,	  /* strace -f log (one file, or one of a -ff set) */
	CG_INPUT_LIST,	  /* names separated by newlines, spaces or commas */
	CG_INPUT_JSON,	  /* a callgroups JSON profile (run --complain --format=json) */
};

/* How to read. A zero-initialised struct (or NULL) means: detect the
 * format, unmarked calls are x86-64, choose the number of threads. */
struct cg_input_opts {
	enum cg_input_format format;
	enum cg_abi native; /* ABI of the first table and of unmarked log lines */
	/* Log parsing threads; 0 = 2 for inputs of 8 MB and more, else 1. A
	 * log from strace's stderr that switches ABIs or mixes unprefixed and
	 * "[pid N]" lines is always read by one thread. */
	unsigned threads;
};

/* The time a strace log's timestamps span (-t, -tt, -ttt, -r; strace's
 * --timestamps in any precision), as the log reader adds it up. */
struct cg_input_time {
	uint64_t abs;	 /* lines with an absolute timestamp (-t, -tt, -ttt) */
	double min, max; /* their earliest and latest, in seconds (time of day
			  * unwrapped past midnight within a file) */
	uint64_t rel;	 /* lines with a relative timestamp (-r, "(+ 0.000012)") */
	double rel_sum;	 /* their sum: strace -r measures each from the line
			  * printed before it, in any process and (-ff) any file,
			  * so the sum is the time from the first line to the last */
};

/* What was read; the reader functions add to it (several inputs sum up). */
struct cg_input_stats {
	enum cg_input_format format; /* format of the last input read */
	unsigned files;		     /* inputs read (each file of a -ff set) */
	unsigned tables;	     /* strace -c tables read */
	uint64_t lines;		     /* lines read */
	uint64_t log_calls;	     /* log lines counted as calls */
	uint64_t skipped;	     /* lines ignored: strace messages, -k frames,
				      * program output before a table */
	struct cg_input_time time;   /* the logs' timestamps, if any */
};
