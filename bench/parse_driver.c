/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Times cg_input_read() on files and prints MB/s (best of the runs).
 *   parse_driver [-j THREADS] [-n RUNS] FILE...
 * Built against build/libcallgroups.a by bench/parse. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "input.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct cg_input_opts o = {0};
	int runs = 3, c;
	while ((c = getopt(argc, argv, "j:n:")) != -1) {
		if (c == 'j')
			o.threads = (unsigned)atoi(optarg);
		else if (c == 'n')
			runs = atoi(optarg);
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: parse_driver [-j THREADS] [-n RUNS] FILE...\n");
		return 2;
	}
	double bytes = 0;
	for (int i = optind; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) == 0)
			bytes += (double)sb.st_size;
	}
	double best = 1e30;
	struct cg_input_stats st = {0};
	size_t entries = 0;
	for (int r = 0; r < runs; r++) {
		struct cg_profile *p = cg_profile_new();
		struct cg_input_stats s = {0};
		double t0 = now();
		for (int i = optind; i < argc; i++) {
			struct cg_error e = {0};
			if (cg_input_read(argv[i], &o, p, &s, &e) < 0) {
				char buf[1024];
				fprintf(stderr, "parse_driver: %s\n",
					cg_error_format(&e, buf, sizeof buf));
				return 1;
			}
		}
		double t = now() - t0;
		if (t < best)
			best = t;
		st = s;
		entries = cg_profile_count(p);
		cg_profile_free(p);
	}
	printf("%.0f MB in %.3f s: %.0f MB/s (%llu lines, %llu calls, %zu profile entries, "
	       "threads %s)\n",
	       bytes / 1e6, best, bytes / 1e6 / best, (unsigned long long)st.lines,
	       (unsigned long long)st.log_calls, entries,
	       o.threads ? (o.threads == 1 ? "1" : "2+") : "auto");
	return 0;
}
