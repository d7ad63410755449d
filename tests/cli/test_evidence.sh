#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Argument evidence from every reader (issue 13): real strace logs of
# args.c (tests/fixtures/strace/args.c, strace 5.10, 6.1, 6.13, symbolic
# and -X raw) give exactly its calls' facts; the ptrace backend, the bpf
# backend and strace -f (symbolic, -X raw, -ff) on tests/progs/evidence_calls
# give the same facts as each other.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS

# "call kind value count", sorted: what every reader must agree on.
facts() { $CG suggest --format=json "$@" | jq -r '.options.facts[] | "\(.abi) \(.call) \(.kind) \(.value_text) \(.count)"' | sort; }

ARGS_WANT='x86-64 chmod setid-mode 04000 1
x86-64 clone3 namespace CLONE_NEWIPC 1
x86-64 clone3 namespace CLONE_NEWNS 1
x86-64 fchmod setid-mode 02000 1
x86-64 mmap wx-memory PROT_READ|PROT_WRITE|PROT_EXEC 1
x86-64 mprotect wx-memory PROT_READ|PROT_EXEC 1
x86-64 openat2 openat2 flags 0 1
x86-64 personality personality 0xffffffff (query) 1
x86-64 personality personality PER_LINUX 1
x86-64 sched_setscheduler sched-policy SCHED_FIFO 1
x86-64 sched_setscheduler sched-policy SCHED_OTHER 1
x86-64 sethostname hostname - 1
x86-64 socket socket-family AF_INET 1
x86-64 socket socket-family AF_INET6 1
x86-64 socket socket-family AF_NETLINK 1
x86-64 socket socket-family AF_UNIX 1
x86-64 socketpair socketpair-family AF_UNIX 1
x86-64 syslog syslog SYSLOG_ACTION_SIZE_BUFFER 1
x86-64 unshare namespace CLONE_NEWUTS 1'
for f in "$FIX"/strace/strace-*-args-*.txt; do
	check_eq "$(basename "$f"): the facts of args.c" "$(facts "$f")" "$ARGS_WANT"
done
# A strace log knows every kind; the evidence it gives survives a -o file.
check_eq "a strace log knows every fact kind" \
	"$($CG suggest --format=json "$FIX/strace/strace-6.13-args-f-log.txt" | jq -r '.options.known_kinds | length')" 13

P="$PROGS/evidence_calls"
PT_WANT='x86-64 chmod setid-mode 02000 1
x86-64 clone namespace CLONE_NEWNS 1
x86-64 clone namespace CLONE_NEWPID 1
x86-64 clone3 namespace CLONE_NEWIPC 1
x86-64 clone3 namespace CLONE_NEWNET 1
x86-64 fchmod setid-mode 04000 1
x86-64 mkdir setid-mode 02000 1
x86-64 mmap wx-memory PROT_READ|PROT_WRITE|PROT_EXEC 1
x86-64 mprotect wx-memory PROT_READ|PROT_EXEC 1
x86-64 openat path /dev/kmsg 1
x86-64 openat path /dev/rtc(read) 1
x86-64 openat path /proc/sys(write) 1
x86-64 openat path /sys(write) 1
x86-64 openat2 openat2 flags 0 1
x86-64 personality personality 0xffffffff (query) 1
x86-64 personality personality PER_LINUX 1
x86-64 sched_setscheduler sched-policy SCHED_FIFO 1
x86-64 sched_setscheduler sched-policy SCHED_OTHER 1
x86-64 sethostname hostname - 1
x86-64 setns namespace CLONE_NEWUTS 1
x86-64 settimeofday clock - 1
x86-64 socket socket-family AF_INET 1
x86-64 socket socket-family AF_INET6 1
x86-64 socket socket-family AF_NETLINK 1
x86-64 socket socket-family AF_PACKET 1
x86-64 socket socket-family AF_UNIX 1
x86-64 socketpair socketpair-family AF_UNIX 1
x86-64 syslog syslog SYSLOG_ACTION_SIZE_BUFFER 1
x86-64 unshare namespace CLONE_NEWUTS 1'
if [ ! -x "$P" ]; then
	skip "evidence_calls not built"
else
	$CG trace --backend=ptrace -o "$TMP/pt.txt" --report=/dev/null -- "$P" 2>"$TMP/pt.err"
	check_eq "ptrace: the calls of evidence_calls" "$(facts "$TMP/pt.txt")" "$PT_WANT"
	check_grep "ptrace: the first process of a fact is named" \
		'^# fact x86-64 mmap wx-memory 0x7 count=1 pid=[1-9][0-9]* comm=evidence_calls' "$TMP/pt.txt"
	# bpf: where it can run (root, kernel BTF; auto says which ran).
	$CG trace --no-report -o /dev/null -- true 2>"$TMP/auto.err"
	begin_skip "$(grep -q '^callgroups: using the bpf backend' "$TMP/auto.err" || echo "eBPF backend not possible here")"
	skipping || $CG trace --backend=bpf -o "$TMP/bpf.txt" --report=/dev/null -- "$P" 2>"$TMP/bpf.err"
	check_eq "bpf: as ptrace" "$(facts "$TMP/bpf.txt")" "$PT_WANT"
	check_grep "bpf: the first process of a fact is named" \
		'^# fact x86-64 sethostname hostname 0x0 count=1 pid=[1-9][0-9]* comm=evidence_calls' "$TMP/bpf.txt"
	end_skip
	begin_skip "$(command -v strace >/dev/null || echo 'strace not installed')"
	if ! skipping; then
		strace -f -o "$TMP/st.log" "$P"
		strace -f -X raw -o "$TMP/raw.log" "$P"
		strace -ff -o "$TMP/ff" "$P"
	fi
	check_eq "strace -f ($(strace -V 2>/dev/null | head -1)): as ptrace" "$(facts "$TMP/st.log")" "$PT_WANT"
	check_eq "strace -f -X raw: as ptrace" "$(facts "$TMP/raw.log")" "$PT_WANT"
	check_eq "strace -ff -o PREFIX: as ptrace" "$(facts "$TMP/ff")" "$PT_WANT"
	end_skip
fi

done_testing
