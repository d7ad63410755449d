#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups trace --backend=bpf: the same tables as the ptrace backend on
# every trace program, ABIs, errors, exit statuses and signals; -p attach
# (nothing lost after "attached", descendants that exist already and those
# forked later, the end when the last traced process ends); --cgroup (a
# process moved in, a process started there after attach, sub-cgroups).
# Skipped, with the reason, where eBPF tracing is not possible.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS
B="$CG trace --backend=bpf"

# (table, name, calls, errors) of every row but the timing-dependent futex.
norm() { rows "$1" futex; }

$CG trace --no-report -o /dev/null -- true 2>"$TMP/auto.err"
if ! grep -q '^callgroups: using the bpf backend' "$TMP/auto.err"; then
	why=$(sed -n 's/^callgroups: using the ptrace backend (bpf: \(.*\))$/\1/p' "$TMP/auto.err")
	skip "eBPF backend: not possible here: ${why:-$(head -1 "$TMP/auto.err")}"
	check_status "--backend=bpf where it cannot run -> failure (3)" 3 $B --no-report -- true
	check_grep "--backend=bpf says why it cannot run" 'eBPF backend unavailable' "$TMP/err"
	done_testing
	exit
fi
ok "auto picks bpf here (root, kernel BTF)"

# ---- the same tables as the ptrace backend -------------------------------------
for p in trace_exec trace_fork trace_signal trace_eintr trace_threads trace_many trace_int80 trace_x32 m32/trace_m32 workload; do
	no_i386 "$p" && begin_skip "$NO_I386_WHY"
	skipping || $B --no-report -o "$TMP/b.txt" -- "$PROGS/$p" >/dev/null 2>&1
	rb=$?
	skipping || $CG trace --backend=ptrace --no-report -o "$TMP/p.txt" -- "$PROGS/$p" >/dev/null 2>&1
	rp=$?
	check_eq "$p: same exit status as ptrace" "$rb" "$rp"
	check_eq "$p: same calls and errors as ptrace" "$(norm "$TMP/b.txt")" "$(norm "$TMP/p.txt")"
	end_skip
done

# ---- exact counts, ABIs, errors, exit status --------------------------------------
check_status "fork/vfork: the program's exit status (4)" 4 $B --no-report -o "$TMP/fork.txt" -- "$PROGS/trace_fork"
check_eq "fork child's getppid" "$(count "$TMP/fork.txt" getppid)" 10
check_eq "vfork child's getpid" "$(count "$TMP/fork.txt" getpid)" 3
check_eq "the command's own execve is the first call counted" "$(count "$TMP/fork.txt" execve)" 1
check_status "non-leader execve: exit 6" 6 $B --no-report -o "$TMP/te.txt" -- "$PROGS/trace_thread_exec"
check_eq "non-leader execve: 5 getppid" "$(count "$TMP/te.txt" getppid)" 5
check_eq "non-leader execve: 2 execve" "$(count "$TMP/te.txt" execve)" 2
no_i386 && begin_skip "$NO_I386_WHY"
check_status "32-bit program" 0 $B --no-report -o "$TMP/m32.txt" -- "$PROGS/m32/trace_m32"
check_eq "32-bit getppid in the 32-bit table" "$(count "$TMP/m32.txt" getppid "32 bit")" 7
check_eq "the launcher's execve stays 64-bit" "$(count "$TMP/m32.txt" execve)" 1
skipping || $B --no-report -o "$TMP/i80.txt" -- "$PROGS/trace_int80" >/dev/null 2>&1
check_eq "int 0x80 from a 64-bit program: i386 getppid" "$(count "$TMP/i80.txt" getppid "32 bit")" 4
end_skip
$B --no-report -o "$TMP/x32.txt" -- "$PROGS/trace_x32" 2>/dev/null
rc=$?
check_eq "x32 calls in the x32 table" "$(count "$TMP/x32.txt" getpid x32)" 3
if [ "$rc" -eq 77 ]; then
	echo "# x32 is disabled in this kernel (ENOSYS): the calls are traced but fail"
	check_eq "x32 off in this kernel: ENOSYS counted as errors" \
		"$(errcount <(awk '/x32 mode/ { m = 1 } m' "$TMP/x32.txt") getpid)" 3
else
	check_eq "x32 program exit status" "$rc" 0
fi
$B --no-report -o "$TMP/e1.txt" -- sh -c 'cd /nonexistent-cg 2>/dev/null; true'
check_eq "failed chdir counted as an error" "$(errcount "$TMP/e1.txt" chdir)" 1
$B --no-errors --no-report -o "$TMP/e2.txt" -- sh -c 'cd /nonexistent-cg 2>/dev/null; true'
check_eq "--no-errors: chdir counted" "$(count "$TMP/e2.txt" chdir)" 1
check_eq "--no-errors: no errors" "$(errcount "$TMP/e2.txt" chdir)" 0
check_status "killed by SIGTERM -> 143" 143 $B --no-report -o "$TMP/s.txt" -- sh -c 'kill -TERM $$'
# A command that cannot be run: the shell's codes and messages (lib.sh).
check_cannot_run "$B"
# The command keeps its privileges (nothing stops it): no setuid warning.
cp "$PROGS/trace_loop" "$TMP/suid" && chmod 4755 "$TMP/suid"
$B --no-report -o "$TMP/suid.txt" -- "$TMP/suid" 5 2>"$TMP/suid.err"
check_no_grep "setuid program: no warning under bpf" 'warning' "$TMP/suid.err"
check_eq "setuid program: its 5 getppid" "$(count "$TMP/suid.txt" getppid)" 5

# Children left running: traced until they end. (sh may call getppid itself,
# for $PPID: counted from a run of sh alone.)
$B --no-report -o "$TMP/sh.txt" -- sh -c "exit 0" 2>/dev/null
$B --no-report -o "$TMP/bg.txt" -- sh -c "(sleep 0.5; $PROGS/trace_loop 7) & exit 0" 2>"$TMP/bg.err"
check_eq "a child left behind is traced until it ends" "$(count "$TMP/bg.txt" getppid)" \
	$((7 + $(count "$TMP/sh.txt" getppid)))
check_grep "and we said so" 'tracing the processes it left' "$TMP/bg.err"

# A second SIGTERM kills the command (and what it started).
# (Signalled once the command runs: under load, or ASan, loading the eBPF
# programs took more than the half second this test used to wait.)
$B --no-report -o "$TMP/term2.txt" -- sh -c 'trap "" TERM; echo ready; sleep 30; exit 0' \
	>"$TMP/term2.out" 2>/dev/null &
cg=$!
wait_for "$TMP/term2.out" ready
kill -TERM $cg; sleep 0.3; kill -TERM $cg
wait $cg
check_eq "a second SIGTERM kills the command (137)" "$?" 137
check_grep "second SIGTERM: summary written" 'total$' "$TMP/term2.txt"

# The command inherits the signal dispositions we inherited, as without
# callgroups: under nohup (SIGHUP ignored) it survives a SIGHUP; started
# from `trap "" INT`, a SIGINT.
hup_cmd=(sh -c 'kill -HUP $$; echo alive')
want=$(nohup "${hup_cmd[@]}" 2>/dev/null; echo ":$?")
got=$(nohup $B --no-report -o "$TMP/hup.txt" -- "${hup_cmd[@]}" 2>/dev/null; echo ":$?")
check_eq "nohup: ignored SIGHUP stays ignored for the command, as without callgroups" "$got" "$want"
check_eq "nohup: the command went on" "$got" "alive
:0"
check_eq "nohup: its kill counted" "$(count "$TMP/hup.txt" kill)" 1
int_cmd=(sh -c 'kill -INT $$; echo alive')
want=$( (trap "" INT; "${int_cmd[@]}"); echo ":$?")
got=$( (trap "" INT; $B --no-report -o "$TMP/intign.txt" -- "${int_cmd[@]}") 2>/dev/null; echo ":$?")
check_eq "ignored SIGINT stays ignored for the command, as without callgroups" "$got" "$want"
check_eq "ignored SIGINT: the command went on" "$got" "alive
:0"

# ---- -p ------------------------------------------------------------------------
attach_test() { # NAME THREADS CALLS
	local name=$1 threads=$2 n=$3
	local out="$TMP/att-$name.out" tbl="$TMP/att-$name.txt" err="$TMP/att-$name.err"
	"$PROGS/trace_attach" "$n" "$threads" >"$out" &
	local prog=$!
	wait_for "$out" 'ready'
	$B --no-report -o "$tbl" -p $prog 2>"$err" &
	local cg=$!
	if ! wait_for "$err" 'attached to'; then
		not_ok "$name: callgroups attached"; kill -KILL $prog $cg; wait; return
	fi
	kill -USR1 $prog
	wait_for "$out" 'done'
	kill -INT $cg
	wait $cg
	check_eq "$name: callgroups ends with 0 after Ctrl+C" "$?" 0
	check_grep "$name: detached message" 'detached from' "$err"
	check_eq "$name: every getppid after attach counted" "$(count "$tbl" getppid)" $((n * (threads + 1)))
	kill -USR2 $prog
	wait $prog
	check_eq "$name: the program finishes normally after detach (exit 5)" "$?" 5
}
attach_test "-p" 0 20000
attach_test "-p threads" 3 5000

# The trace ends by itself when the last traced process ends.
"$PROGS/trace_attach" 100 >"$TMP/end.out" &
prog=$!
wait_for "$TMP/end.out" ready
$B --no-report -o "$TMP/end.txt" -p $prog 2>"$TMP/end.err" &
cg=$!
wait_for "$TMP/end.err" 'attached to'
kill -USR1 $prog; wait_for "$TMP/end.out" done; kill -USR2 $prog
wait $prog
for _ in $(seq 50); do kill -0 $cg 2>/dev/null || break; sleep 0.1; done
if kill -0 $cg 2>/dev/null; then
	not_ok "-p ends when the process does"; kill -INT $cg; wait $cg
else
	wait $cg; ok "-p ends when the process does"
fi
check_eq "-p to the end: getuid after the second signal" "$(count "$TMP/end.txt" getuid)" 1
check_eq "-p to the end: exit_group" "$(count "$TMP/end.txt" exit_group)" 1

# Descendants: one that exists at attach time, one forked later.
mkfifo "$TMP/fifo"
sh -c '"$1" 50 >"$2" & read x <"$3"; "$4"; wait' sh "$PROGS/trace_attach" "$TMP/desc.out" \
	"$TMP/fifo" "$PROGS/trace_fork" &
sh_pid=$!
wait_for "$TMP/desc.out" ready
kid=$(awk '{ print $1; exit }' "$TMP/desc.out")
$B --no-report -o "$TMP/desc.txt" -p $sh_pid 2>"$TMP/desc.err" &
cg=$!
wait_for "$TMP/desc.err" 'attached to'
check_grep "-p counts the tree: 2 processes" 'attached to 2 tasks' "$TMP/desc.err"
kill -USR1 $kid; wait_for "$TMP/desc.out" done; kill -USR2 $kid
echo go >"$TMP/fifo"
wait $sh_pid
wait $cg
check_eq "-p ends when the tree is gone" "$?" 0
check_eq "-p: a child that existed at attach is traced" "$(count "$TMP/desc.txt" getuid)" $((1 + 5))
check_eq "-p: children forked later are traced (fork child + attach prog)" \
	"$(count "$TMP/desc.txt" getppid)" $((50 + 10))
check_eq "-p: vfork child" "$(count "$TMP/desc.txt" getpid)" 3
check_status "-p of no such process -> 3" 3 $B --no-report -p 4194300

# ---- --cgroup --------------------------------------------------------------------
cgroot=
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	if [ "$(stat -fc %T "$d" 2>/dev/null)" = cgroup2fs ]; then cgroot=$d; break; fi
done
cgdir="$cgroot/callgroups-bpf-test-$$"
if [ -n "$cgroot" ] && mkdir "$cgdir" 2>/dev/null; then
	mkdir "$cgdir/sub"
	"$PROGS/trace_attach" 300 1 >"$TMP/cg.out" &
	prog=$!
	wait_for "$TMP/cg.out" ready
	echo $prog >"$cgdir/cgroup.procs"
	$B --no-report -o "$TMP/cg.txt" --cgroup "$cgdir" 2>"$TMP/cg.err" &
	cg=$!
	if wait_for "$TMP/cg.err" 'attached to 2 tasks'; then
		kill -USR1 $prog; wait_for "$TMP/cg.out" done
		# A process that starts in a sub-cgroup after the attach.
		sh -c 'echo $$ >"$1/sub/cgroup.procs"; exec "$2" 9' sh "$cgdir" "$PROGS/trace_loop"
		# One outside, not counted.
		"$PROGS/trace_loop" 1000
		kill -INT $cg; wait $cg
		check_eq "--cgroup: ends with 0 after Ctrl+C" "$?" 0
		check_eq "--cgroup: every call of the process and its thread, and of the new one below" \
			"$(count "$TMP/cg.txt" getppid)" $((600 + 9))
		kill -USR2 $prog; wait $prog
		check_eq "--cgroup: the process goes on after detach (exit 5)" "$?" 5
	else
		not_ok "--cgroup: attached"; sed 's/^/# /' "$TMP/cg.err"
		kill -KILL $prog $cg; wait
	fi
	# What a process does between entering the cgroup from outside and its
	# exec (a service manager's setup: manager_spawn plays systemd, making
	# getpriority calls there) is left out and named; the program's own
	# calls, its children's and the execve are counted.
	$B --no-report -o "$TMP/mg.txt" --cgroup "$cgdir" 2>"$TMP/mg.err" &
	cg=$!
	if wait_for "$TMP/mg.err" 'attached'; then
		"$PROGS/manager_spawn" "$cgdir" attach 3 "$PROGS/trace_fork"
		kill -INT $cg; wait $cg
		check_eq "--cgroup, manager: the command's own calls and its children's counted" \
			"$(count "$TMP/mg.txt" getppid)/$(count "$TMP/mg.txt" getuid)/$(count "$TMP/mg.txt" execve)" 10/5/1
		check_eq "--cgroup, manager: its setup is not in the table" "$(count "$TMP/mg.txt" getpriority)" 0
		check_grep "--cgroup, manager: ... but named after it" \
			'^# left out, made by the service manager before the exec: .*getpriority 4' "$TMP/mg.txt"
		check_grep "--cgroup, manager: stderr says so" 'calls the service manager made in the cgroup' "$TMP/mg.err"
		check_status "--cgroup, manager: suggest reads the table back" 0 $CG suggest --format=json "$TMP/mg.txt"
		check_eq "--cgroup, manager: ... without the setup's calls" \
			"$(jq -r '[.observed[] | select(. == "getpriority")] | length' "$TMP/out")" 0
	else
		not_ok "--cgroup, manager: attached"; sed 's/^/# /' "$TMP/mg.err"
		kill -KILL $cg; wait
	fi
	rmdir "$cgdir/sub" "$cgdir"
else
	skip "--cgroup: cannot create a cgroup v2 directory here"
fi
# ---- where PIDs differ from the kernel's: a PID namespace -------------------------
if unshare -p -f --mount-proc true 2>/dev/null; then
	unshare -p -f --mount-proc $CG trace --no-report -o /dev/null -- true 2>"$TMP/ns.err"
	check_grep "in a PID namespace auto falls back to ptrace, saying why" \
		'using the ptrace backend \(bpf: .*PID namespace' "$TMP/ns.err"
	check_status "in a PID namespace --backend=bpf refuses (3)" 3 \
		unshare -p -f --mount-proc $B --no-report -- true
else
	skip "PID namespace fallback: unshare -p not possible here"
fi

check_status "--cgroup on a directory that is not a cgroup -> 3" 3 $B --no-report --cgroup "$TMP"
check_grep "--cgroup: says it needs cgroup v2" 'cgroup v2' "$TMP/err"

# ---- calls a seccomp filter other than ours refuses (lib.sh) --------------------
check_refused_calls "$B"

# ---- the minimal BTF, made once per kernel ---------------------------------------
# The first trace reads the kernel's whole BTF and makes, with bpftool, a
# minimal one for our object under the kernel's build id; later traces load
# with that (libbpf's debug output says when it reads the kernel's BTF). A
# damaged file or one anyone could have written is not used, and made again.
C="$TMP/btf-cache"
kbtf() { grep -c "loading kernel BTF" "$1"; }
if ! command -v bpftool >/dev/null && [ ! -x /usr/sbin/bpftool ]; then
	skip "minimal BTF cache: bpftool is not installed"
elif ! grep -qa GNU /sys/kernel/notes 2>/dev/null; then
	skip "minimal BTF cache: the kernel has no build id in /sys/kernel/notes"
else
	for step in first cached damaged writable; do
		case $step in
		damaged) echo "not BTF" >"$C"/*.btf ;;
		writable) chmod 666 "$C"/*.btf ;;
		esac
		CALLGROUPS_BTF_CACHE="$C" CALLGROUPS_BPF_DEBUG=1 $B --no-report -o "$TMP/btf.txt" \
			-- "$PROGS/trace_loop" 5 2>"$TMP/btf.err"
		check_eq "BTF cache ($step): exit 0 and 5 getppid" "$?,$(count "$TMP/btf.txt" getppid)" "0,5"
		check_eq "BTF cache ($step): one file, under the kernel's build id" \
			"$(find "$C" -type f | sed 's|.*/||; s/^[0-9a-f]\{40,\}-[0-9a-f]\{16\}\.btf$/ok/')" ok
		check_eq "BTF cache ($step): the kernel's BTF read only when the file was not usable" \
			"$(kbtf "$TMP/btf.err")" "$([ $step = cached ] && echo 0 || echo 1)"
		check_eq "BTF cache ($step): the file left is a small BTF (magic 0xeb9f), mode 644" \
			"$(od -An -tx1 -N2 "$C"/*.btf | tr -d ' '),$(stat -c %a "$C"/*.btf),$(($(stat -c %s "$C"/*.btf) < 65536))" \
			"9feb,644,1"
	done
	CALLGROUPS_BTF_CACHE= CALLGROUPS_BPF_DEBUG=1 $B --no-report -o "$TMP/btf.txt" \
		-- "$PROGS/trace_loop" 5 2>"$TMP/btf.err"
	check_eq "CALLGROUPS_BTF_CACHE empty: no cache, the kernel's BTF, same counts" \
		"$(kbtf "$TMP/btf.err"),$(count "$TMP/btf.txt" getppid)" "1,5"
fi

done_testing
