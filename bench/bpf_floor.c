/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers of bench/trace-overhead.
 *
 *   bpf_floor empty CMD [ARGS...]
 *     attaches an empty eBPF program (return 0) to the tracepoints the bpf
 *     backend uses (raw_syscalls:sys_enter and sys_exit,
 *     sched:sched_process_fork and sched_process_exit), runs CMD, detaches,
 *     and exits with CMD's status. What every task pays while those
 *     tracepoints have a program: the floor of any eBPF syscall counter.
 *     Loaded with two bpf() calls, no BTF: its fixed cost is near nothing.
 *
 *   bpf_floor enter CMD [ARGS...]
 *     the same on raw_syscalls:sys_enter alone: what the syscall slow path
 *     and one program call cost, without the exit side.
 *
 *   bpf_floor loop N FILE
 *     calls getppid N times and writes to FILE (a file, since stdout may be
 *     a tracer's) the nanoseconds the loop took, so that a tracer's fixed
 *     costs (loading, printing) stay out of the per-call figure: its wall
 *     time, the CPU time of its thread (the kernel's syscall path and any
 *     eBPF program run in that thread), and the time of the fastest burst
 *     of 1000 calls times N/1000, which the other jobs of a shared machine
 *     (preemption, a host's steal) disturb least.
 *
 *   bpf_floor time FILE CMD [ARGS...]
 *     runs CMD and writes its wall time and the CPU time of it and every
 *     descendant it waited for (user + system, from wait4) to FILE, in ns
 *     (and -1: no burst). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

/* Runs argv and waits for it; ru (may be NULL) gets its and its waited-for
 * descendants' usage. Returns its status as a shell gives it (127 when it
 * could not be executed), or -1 when it could not be started or waited for. */
static int run(char **argv, struct rusage *ru)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("bpf_floor: fork");
		return -1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "bpf_floor: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	while (wait4(pid, &st, 0, ru) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int empty(char **argv, bool enter_only)
{
	/* r0 = 0; exit */
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	const char *tps[] = {"sched_process_fork", "sched_process_exit", "sys_exit", "sys_enter"};
	int prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "cg_empty", "GPL", insns,
				 sizeof(insns) / sizeof(insns[0]), NULL);
	if (prog < 0) {
		fprintf(stderr, "bpf_floor: cannot load the empty program: %s\n", strerror(errno));
		return 3;
	}
	for (size_t i = enter_only ? 3 : 0; i < sizeof(tps) / sizeof(tps[0]); i++)
		if (bpf_raw_tracepoint_open(tps[i], prog) < 0) {
			fprintf(stderr, "bpf_floor: cannot attach to %s: %s\n", tps[i],
				strerror(errno));
			return 3;
		}
	/* The links close with this process. */
	int status = run(argv, NULL);
	return status < 0 ? 3 : status;
}

static long long ns_of(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

static int write_times(const char *file, long long wall, long long cpu, long long best)
{
	FILE *f = fopen(file, "w");
	if (!f || fprintf(f, "%lld %lld %lld\n", wall, cpu, best) < 0 || fclose(f) != 0) {
		fprintf(stderr, "bpf_floor: cannot write %s\n", file);
		return 1;
	}
	return 0;
}

/* Calls per burst of the loop: about a millisecond, which a preemption or a
 * host's steal hits rarely; the fastest burst is what a call costs. */
#define BURST 1000

static int loop(long n, const char *file)
{
	struct timespec a, b, ca, cb, ba, bb;
	long long best = -1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ca);
	for (long done = 0; done < n;) {
		long k = n - done < BURST ? n - done : BURST;
		clock_gettime(CLOCK_MONOTONIC, &ba);
		for (long i = 0; i < k; i++)
			syscall(SYS_getppid);
		clock_gettime(CLOCK_MONOTONIC, &bb);
		if (k == BURST && (best < 0 || ns_of(&ba, &bb) < best))
			best = ns_of(&ba, &bb);
		done += k;
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cb);
	clock_gettime(CLOCK_MONOTONIC, &b);
	/* The best burst, scaled to n calls: the same unit as the others. */
	return write_times(file, ns_of(&a, &b), ns_of(&ca, &cb), best < 0 ? -1 : best * n / BURST);
}

static int timed(const char *file, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int status = run(argv, &ru);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (status < 0)
		return 3;
	long long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
			(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
	if (write_times(file, ns_of(&a, &b), cpu, -1))
		return 3;
	return status;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "empty") == 0)
		return empty(argv + 2, false);
	if (argc >= 3 && strcmp(argv[1], "enter") == 0)
		return empty(argv + 2, true);
	if (argc == 4 && strcmp(argv[1], "loop") == 0)
		return loop(atol(argv[2]), argv[3]);
	if (argc >= 4 && strcmp(argv[1], "time") == 0)
		return timed(argv[2], argv + 3);
	fprintf(stderr,
		"usage: bpf_floor empty|enter CMD [ARGS...] | loop N FILE | time FILE CMD [ARGS...]\n");
	return 2;
}
