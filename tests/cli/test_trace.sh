#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups trace (ptrace backend): exact counts, where the table and the
# report go, exit status and stdio pass-through, signals, -p attach and
# detach, cgroups, setuid warning, and agreement with strace -f -c.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS
T="$CG trace --backend=ptrace"


# ---- exact counts, -o, exit status ----------------------------------------
check_status "threads: exit 0" 0 $T --no-report -o "$TMP/thr.txt" -- "$PROGS/trace_threads"
check_eq "threads: 4 x 100 getppid" "$(count "$TMP/thr.txt" getppid)" 400
check_eq "threads: 7 getuid" "$(count "$TMP/thr.txt" getuid)" 7

check_status "fork/vfork: exit status of the program (4)" 4 \
	$T --no-report -o "$TMP/fork.txt" -- "$PROGS/trace_fork"
check_eq "fork child's getppid" "$(count "$TMP/fork.txt" getppid)" 10
check_eq "vfork child's getpid" "$(count "$TMP/fork.txt" getpid)" 3

check_status "exec chain" 0 $T --no-report -o "$TMP/exec.txt" -- "$PROGS/trace_exec"
check_eq "exec chain: 3 execve" "$(count "$TMP/exec.txt" execve)" 3
check_eq "exec chain: 6 getppid" "$(count "$TMP/exec.txt" getppid)" 6

check_status "non-leader execve: exit 6" 6 $T --no-report -o "$TMP/te.txt" -- "$PROGS/trace_thread_exec"
check_eq "non-leader execve: 5 getppid" "$(count "$TMP/te.txt" getppid)" 5

no_i386 && begin_skip "$NO_I386_WHY"
check_status "32-bit program" 0 $T --no-report -o "$TMP/m32.txt" -- "$PROGS/m32/trace_m32"
check_grep "32-bit table heading as strace's" '^System call usage summary for 32 bit mode:$' "$TMP/m32.txt"
check_eq "32-bit getppid in the 32-bit table" "$(count "$TMP/m32.txt" getppid "32 bit")" 7
check_eq "no 64-bit getppid" "$(count "$TMP/m32.txt" getppid)" 0
end_skip

$T --no-report -o "$TMP/x32.txt" -- "$PROGS/trace_x32" 2>/dev/null
rc=$?
check_eq "x32 calls in the x32 table" "$(count "$TMP/x32.txt" getpid x32)" 3
if [ "$rc" -eq 77 ]; then
	echo "# x32 is disabled in this kernel (ENOSYS): the calls are traced but fail"
	check_eq "x32 calls failed with ENOSYS, counted as errors" "$(errcount "$TMP/x32.txt" getpid)" 3
else
	check_eq "x32 program exit status" "$rc" 0
fi

check_status "sh exit 3 -> 3" 3 $T --no-report -o "$TMP/s.txt" -- sh -c 'exit 3'
check_status "killed by SIGTERM -> 143" 143 $T --no-report -o "$TMP/s.txt" -- sh -c 'kill -TERM $$'
# A command that cannot be run: the shell's codes and messages (lib.sh).
check_cannot_run "$T"
check_status "no target -> usage error" 2 $CG trace --no-report
check_status "two targets -> usage error" 2 $CG trace --no-report -p 1 -- true
check_status "bad backend -> usage error" 2 $CG trace --backend=magic -- true

# ---- stdio untouched; table on stderr without -o ---------------------------
seq 1 2000 >"$TMP/in"
$T --no-report -o "$TMP/cat.txt" -- cat <"$TMP/in" >"$TMP/cat.out" 2>"$TMP/cat.err"
check "data piped through a traced cat unchanged" cmp "$TMP/in" "$TMP/cat.out"
check_eq "traced cat's stderr only has our notes" "$(grep -vc '^callgroups: ' "$TMP/cat.err")" 0
$T --no-report -- "$PROGS/trace_exec" >"$TMP/o1" 2>"$TMP/e1"
check_grep "without -o the table goes to stderr" '^ +calls +errors +syscall$' "$TMP/e1"
check_no_grep "... without time columns it could only fill with zeros" 'usecs/call' "$TMP/e1"
check_eq "without -o and --no-report stdout stays empty" "$(wc -c <"$TMP/o1")" 0
$CG trace -- "$PROGS/trace_exec" >"$TMP/o2" 2>"$TMP/e2"
check_grep "auto says which backend it used" '^callgroups: using the (bpf|ptrace) backend' "$TMP/e2"
check_grep "with a command, the report goes to stderr" 'SystemCallFilter=' "$TMP/e2"
check_no_grep "... never into the command's stdout" 'SystemCallFilter=' "$TMP/o2"
# The man page's pattern: the command's output and the drop-in stay apart.
$T --format=dropin --report="$TMP/ls.conf" -- ls "$TOP_SRCDIR/data" >"$TMP/ls.out" 2>/dev/null
check_eq "--report: the command's stdout holds only its own output" \
	"$(cat "$TMP/ls.out")" "$(ls "$TOP_SRCDIR/data")"
check_grep "--report FILE: the drop-in" '^\[Service\]$' "$TMP/ls.conf"
check_no_grep "... and nothing of the command" '^families.txt$' "$TMP/ls.conf"
$T --format=json -o "$TMP/j.txt" --report="$TMP/j.json" -- "$PROGS/trace_exec" >/dev/null 2>&1
check "--format=json: the report is JSON" jq -e '.observed' "$TMP/j.json"
check_eq "--format=json: names what was traced" "$(jq -r '.inputs[0]' "$TMP/j.json")" \
	"a trace of $PROGS/trace_exec"
check_eq "--format=json: says how long the trace ran, and that it was short" \
	"$(jq -r '(.trace_seconds >= 0) and .short_trace' "$TMP/j.json")" true
$T --format=dropin -o "$TMP/d.txt" -- "$PROGS/trace_exec" >"$TMP/d.out" 2>"$TMP/d.conf"
check_grep "--format=dropin: a drop-in (on stderr without --report)" '^\[Service\]$' "$TMP/d.conf"
check_grep "--format=dropin: with a filter" '^SystemCallFilter=' "$TMP/d.conf"
check_grep "... warning that a short trace may miss periodic work" '^# traced for [0-9.]+ s: a short trace' "$TMP/d.conf"
check_status "--report and --no-report together are a usage error" 2 \
	$T --no-report --report="$TMP/x" -- true
check_status "an unwritable --report is found before the command runs" 2 \
	$T --report="$TMP/missing/r.txt" -- touch "$TMP/ran-report"
check "... which did not run" test ! -e "$TMP/ran-report"
$CG suggest "$TMP/exec.txt" >"$TMP/sug.out" 2>"$TMP/sug.err"
check_grep "callgroups suggest reads the -o table" 'SystemCallFilter=' "$TMP/sug.out"

# ---- errors counted by default, not with --no-errors -----------------------
$T --no-report -o "$TMP/err1.txt" -- sh -c 'cd /nonexistent-cg 2>/dev/null; true'
check_eq "failed chdir counted as an error" "$(errcount "$TMP/err1.txt" chdir)" 1
$T --no-errors --no-report -o "$TMP/err2.txt" -- sh -c 'cd /nonexistent-cg 2>/dev/null; true'
check_eq "--no-errors: chdir counted" "$(count "$TMP/err2.txt" chdir)" 1
check_eq "--no-errors: no errors" "$(errcount "$TMP/err2.txt" chdir)" 0

# ---- signals with a command --------------------------------------------------
$T --no-report -o "$TMP/term.txt" -- sh -c 'echo ready; exec sleep 30' >"$TMP/term.out" 2>"$TMP/term.err" &
cg=$!
wait_for "$TMP/term.out" ready
kill -TERM $cg
wait $cg
check_eq "SIGTERM to callgroups reaches the command: 143" "$?" 143
check_grep "SIGTERM: the -o summary is still written" '^ +[0-9]+ .* total$' "$TMP/term.txt"
check_eq "SIGTERM: the command's calls are in it (echo's write)" "$(count "$TMP/term.txt" write)" 1
# A command that ignores the signal: a second one ends it.
$T --no-report -o "$TMP/term2.txt" -- sh -c 'trap "" TERM; echo ready; sleep 30; exit 0' \
	>"$TMP/term2.out" 2>/dev/null &
cg=$!
wait_for "$TMP/term2.out" ready
kill -TERM $cg; sleep 0.3; kill -TERM $cg
wait $cg
check_eq "a second SIGTERM kills the command (137)" "$?" 137
check_grep "second SIGTERM: summary written" 'total$' "$TMP/term2.txt"

# Ctrl+C on a terminal reaches the command once (callgroups does not pass it
# on a second time) and the trace ends when the command does.  script(1) runs
# $SHELL -c; "exec" keeps that shell out of the foreground process group (dash
# would otherwise die of the SIGINT itself and report 130 whatever we do).
if command -v script >/dev/null; then
	(wait_for "$TMP/ctrlc.out" ready; printf '\003'; sleep 2) | SHELL=/bin/sh script -qec \
		"exec $T --no-report -o $TMP/ctrlc.txt -- $PROGS/trace_sigint" /dev/null >"$TMP/ctrlc.out" 2>&1
	check_eq "Ctrl+C: the command got one SIGINT, its exit status is ours" "$?" 1
	check_grep "Ctrl+C: summary written" 'total$' "$TMP/ctrlc.txt"
else
	skip "Ctrl+C on a terminal: script(1) is not installed"
fi
# kill -INT to callgroups alone is passed on: once.
$T --no-report -o "$TMP/int.txt" -- "$PROGS/trace_sigint" >"$TMP/int.out" 2>/dev/null &
cg=$!
wait_for "$TMP/int.out" ready
kill -INT $cg
wait $cg
check_eq "SIGINT sent to callgroups: passed on once" "$?" 1

# kill -INT -PGID reaches callgroups and the command: the command gets one.
if command -v setsid >/dev/null; then
	setsid $T --no-report -o "$TMP/grp.txt" -- "$PROGS/trace_sigint" >"$TMP/grp.out" 2>/dev/null &
	cg=$!
	wait_for "$TMP/grp.out" ready
	pg=$(ps -o pgid= $cg | tr -d ' ')
	check_eq "setsid made callgroups a group leader" "$pg" "$cg"
	kill -INT -- -"$pg"
	wait $cg
	check_eq "SIGINT to the process group: the command got one" "$?" 1
else
	skip "setsid(1) is not installed"
fi

# The command inherits the signal dispositions we inherited: under nohup
# (SIGHUP ignored) it survives a SIGHUP.
sh -c 'trap "" HUP; exec "$@"' sh $T --no-report -o "$TMP/hup.txt" -- \
	sh -c 'kill -HUP $$; echo alive' >"$TMP/hup.out" 2>/dev/null
check_eq "ignored SIGHUP stays ignored for the command" "$?:$(cat "$TMP/hup.out")" "0:alive"
# So does an ignored SIGINT (a command started from `trap "" INT`, or in
# the background of a non-interactive shell): the same as without us.
int_cmd=(sh -c 'kill -INT $$; echo alive')
want=$( (trap "" INT; "${int_cmd[@]}"); echo ":$?")
got=$( (trap "" INT; $T --no-report -o "$TMP/intign.txt" -- "${int_cmd[@]}") 2>/dev/null; echo ":$?")
check_eq "ignored SIGINT stays ignored for the command, as without callgroups" "$got" "$want"
check_eq "ignored SIGINT: the command went on" "$got" "alive
:0"

# Job control: SIGSTOP stops a traced command (group-stop kept by
# PTRACE_LISTEN), SIGCONT resumes it, and its calls are all counted.
$T --no-report -o "$TMP/stop.txt" -- "$PROGS/trace_attach" 50 >"$TMP/stop.out" 2>/dev/null &
cg=$!
wait_for "$TMP/stop.out" ready
prog=$(awk '/ready/ { print $1 }' "$TMP/stop.out")
kill -STOP "$prog"
state=
for _ in $(seq 50); do
	state=$(awk '{ print $3 }' "/proc/$prog/stat" 2>/dev/null)
	case $state in [Tt]) break ;; esac
	sleep 0.1
done
# (t: a stop seen by a tracer, as under strace; kept until SIGCONT)
check_eq "SIGSTOP: the traced command is stopped" "${state/t/T}" T
kill -USR1 "$prog"
sleep 0.3
check_no_grep "stopped: it does not run" done "$TMP/stop.out"
kill -CONT "$prog"
wait_for "$TMP/stop.out" done
kill -USR2 "$prog"
wait $cg
check_eq "SIGCONT: it goes on and ends normally (5)" "$?" 5
check_eq "job control: every getppid counted" "$(count "$TMP/stop.txt" getppid)" 50

# ---- setuid warning ------------------------------------------------------------
cp "$PROGS/trace_loop" "$TMP/suid" && chmod 4755 "$TMP/suid"
$T --no-report -o "$TMP/suid.txt" -- "$TMP/suid" 5 2>"$TMP/suid.err"
check_grep "setuid program: warned" 'setuid.*without those privileges' "$TMP/suid.err"
cp "$PROGS/trace_loop" "$TMP/fcaps"
if command -v setcap >/dev/null && setcap cap_net_raw+ep "$TMP/fcaps" 2>/dev/null; then
	$T --no-report -o "$TMP/fcaps.txt" -- "$TMP/fcaps" 5 2>"$TMP/fcaps.err"
	check_grep "program with file capabilities: warned" 'file capabilities' "$TMP/fcaps.err"
else
	skip "file capabilities: setcap unavailable or not supported on $TMP"
fi
$T --no-report -o "$TMP/suid.txt" -- "$PROGS/trace_loop" 5 2>"$TMP/nosuid.err"
check_no_grep "plain program: no warning" 'warning' "$TMP/nosuid.err"

# ---- one CPU: the tracer sleeps in waitpid instead of polling -----------------
if command -v taskset >/dev/null; then
	taskset -c 0 $T --no-report -o "$TMP/cpu1.txt" -- "$PROGS/trace_loop" 3000
	check_eq "one CPU (no polling): exit status" "$?" 0
	check_eq "one CPU (no polling): every getppid counted" "$(count "$TMP/cpu1.txt" getppid)" 3000
	$T --no-report -o "$TMP/cpu2.txt" -- "$PROGS/trace_loop" 3000
	check_eq "several CPUs (polling): every getppid counted" "$(count "$TMP/cpu2.txt" getppid)" 3000
else
	skip "one CPU: taskset is not installed"
fi

# ---- -p: attach, lose nothing after attach, Ctrl+C detaches ------------------
attach_test() { # NAME THREADS CALLS SIGNAL -- TRACE-ARGS (with @PID@ for the pid)
	local name=$1 threads=$2 n=$3 sig=$4; shift 5
	local out="$TMP/att-$name.out" tbl="$TMP/att-$name.txt" err="$TMP/att-$name.err"
	"$PROGS/trace_attach" "$n" "$threads" >"$out" &
	local prog=$!
	wait_for "$out" 'ready'
	local args=("${@//@PID@/$prog}")
	$CG trace --backend=ptrace --no-report -o "$tbl" "${args[@]}" 2>"$err" &
	local cg=$!
	if ! wait_for "$err" 'attached to'; then
		not_ok "$name: callgroups attached"; kill -KILL $prog $cg; wait; return
	fi
	kill -USR1 $prog
	wait_for "$out" 'done'
	kill -"$sig" $cg
	wait $cg
	check_eq "$name: callgroups ends with 0 after SIG$sig" "$?" 0
	check_grep "$name: detached message" 'detached from' "$err"
	check_eq "$name: every getppid after attach counted" "$(count "$tbl" getppid)" $((n * (threads + 1)))
	kill -USR2 $prog
	wait $prog
	check_eq "$name: the program finishes normally after detach (exit 5)" "$?" 5
}
attach_test "-p" 0 1000 INT -- -p @PID@
attach_test "-p threads" 3 500 INT -- -p @PID@
attach_test "-p, SIGTERM" 1 200 TERM -- -p @PID@
attach_test "-p, SIGHUP" 0 100 HUP -- -p @PID@

# The program forks after attach: the child is traced too (seccomp-less).
# (attach to a sh waiting on a FIFO, then let it exec the program)
mkfifo "$TMP/fifo"
sh -c 'read x <"$1"; exec "$2"' sh "$TMP/fifo" "$PROGS/trace_fork" &
prog=$!
sleep 0.3
$CG trace --backend=ptrace --no-report -o "$TMP/pf.txt" -p $prog 2>"$TMP/pf.err" &
cg=$!
wait_for "$TMP/pf.err" 'attached to'
echo go >"$TMP/fifo"
wait $prog
check_eq "-p on a program that forks and execs: its exit status" "$?" 4
wait $cg
check_eq "-p ends when every tracee is gone" "$?" 0
check_eq "-p follows fork: the child's getppid" "$(count "$TMP/pf.txt" getppid)" 10
check_eq "-p follows vfork: the child's getpid" "$(count "$TMP/pf.txt" getpid)" 3
check_eq "-p follows exec" "$(count "$TMP/pf.txt" execve)" 1

# ---- --cgroup and --unit --------------------------------------------------------
cgroot=
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	if [ "$(stat -fc %T "$d" 2>/dev/null)" = cgroup2fs ]; then cgroot=$d; break; fi
done
unit="cgtest-$$.service"
made_slice=
if [ -n "$cgroot" ] && { [ -d "$cgroot/system.slice" ] || { mkdir "$cgroot/system.slice" && made_slice=1; }; } \
	&& mkdir "$cgroot/system.slice/$unit" 2>/dev/null; then
	cgdir="$cgroot/system.slice/$unit"
	"$PROGS/trace_attach" 300 1 >"$TMP/cg.out" &
	prog=$!
	wait_for "$TMP/cg.out" ready
	echo $prog >"$cgdir/cgroup.procs"
	$CG trace --backend=ptrace --no-report -o "$TMP/unit.txt" --unit "$unit" 2>"$TMP/unit.err" &
	cg=$!
	if wait_for "$TMP/unit.err" 'attached to 2 tasks'; then
		# A process that joins the cgroup later is found and traced too.
		"$PROGS/trace_attach" 77 >"$TMP/cg2.out" &
		prog2=$!
		wait_for "$TMP/cg2.out" ready
		echo $prog2 >"$cgdir/cgroup.procs"
		check "--unit: a process that joins the cgroup later is traced" \
			wait_for "$TMP/unit.err" "process $prog2 joined the cgroup"
		kill -USR1 $prog $prog2; wait_for "$TMP/cg.out" done; wait_for "$TMP/cg2.out" done
		kill -INT $cg; wait $cg
		check_eq "--unit: every call of the unit's processes and threads" \
			"$(count "$TMP/unit.txt" getppid)" $((600 + 77))
		kill -USR2 $prog $prog2; wait $prog
		check_eq "--unit: the process goes on after detach (exit 5)" "$?" 5
		wait $prog2
		check_eq "--unit: so does the one that joined (exit 5)" "$?" 5
		# The trace of a cgroup ends when the cgroup is empty.
		"$PROGS/trace_attach" 10 >"$TMP/cg3.out" &
		prog3=$!
		wait_for "$TMP/cg3.out" ready
		echo $prog3 >"$cgdir/cgroup.procs"
		$CG trace --backend=ptrace --no-report -o "$TMP/cg3.txt" --cgroup "$cgdir" 2>"$TMP/cg3.err" &
		cg=$!
		wait_for "$TMP/cg3.err" 'attached to'
		kill -USR1 $prog3; wait_for "$TMP/cg3.out" done; kill -USR2 $prog3
		wait $cg
		check_eq "--cgroup: ends by itself when its last process ends" "$?" 0
		wait $prog3
		check_eq "--cgroup: counted" "$(count "$TMP/cg3.txt" getppid)" 10
	else
		not_ok "--unit: attached to the cgroup's process"; sed 's/^/# /' "$TMP/unit.err"
		kill -KILL $prog $cg; wait
	fi
	# --cgroup DIR on an empty cgroup: nothing to trace.
	check_status "--cgroup with no process -> failure" 3 $CG trace --backend=ptrace --no-report --cgroup "$cgdir"
	rmdir "$cgdir"
	[ -n "$made_slice" ] && rmdir "$cgroot/system.slice"
else
	skip "--unit: cannot create a cgroup v2 directory here"
fi
check_status "--unit without such a unit -> failure" 3 $CG trace --no-report --unit no-such-unit-cg.service
check_grep "--unit names what it looked for" 'no-such-unit-cg.service' "$TMP/err"

# ---- the same calls as strace -f -c -----------------------------------------------
# Compared as (table, name, calls, errors), leaving out futex (timing) and
# exit/exit_group (strace -c counts calls when they return; we count them
# when they start, so calls that never return are in our table only).
norm() { rows "$1" 'futex|exit|exit_group'; }
if command -v strace >/dev/null; then
	for p in trace_threads trace_fork trace_exec trace_signal trace_eintr trace_thread_exec trace_int80 trace_x32 m32/trace_m32; do
		no_i386 "$p" && begin_skip "$NO_I386_WHY"
		skipping || strace -f -c -o "$TMP/st.txt" "$PROGS/$p" >/dev/null 2>&1
		skipping || $T --no-report -o "$TMP/cg.txt" -- "$PROGS/$p" >/dev/null 2>&1
		check_eq "$p: same calls and errors as strace -f -c" "$(norm "$TMP/cg.txt")" "$(norm "$TMP/st.txt")"
		end_skip
	done
else
	skip "strace is not installed"
fi

# ---- calls a seccomp filter other than ours refuses (lib.sh) --------------------
check_refused_calls "$T" 'process [0-9]+ installs a seccomp filter'

done_testing
