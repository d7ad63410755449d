# SPDX-License-Identifier: LGPL-2.1-or-later
# A tiny TAP library for the CLI tests. Source it; call the helpers; end with
# `done_testing`. $CALLGROUPS is the binary, $TOP_SRCDIR the source tree,
# $BUILD_DIR the build tree; $TMP is a scratch directory removed at exit.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${BUILD_DIR:=$TOP_SRCDIR/build}"
: "${CALLGROUPS:=$BUILD_DIR/callgroups}"
FIX="$TOP_SRCDIR/tests/fixtures"
PROGS="$BUILD_DIR/progs"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
_n=0 _failed=0 _skip_why=

# Between begin_skip REASON and end_skip every check (ok, not_ok, check*)
# is reported as "ok N - DESC # SKIP REASON" without running its command,
# and the table readers (count, errcount, rows) read nothing: a guard
# around a section that cannot run here. An empty REASON skips nothing.
# Other commands of the section can test `skipping`.
begin_skip() { _skip_why=$1; }
end_skip() { _skip_why=; }
skipping() { [ -n "$_skip_why" ]; }
_skipped() { [ -n "$_skip_why" ] && { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $_skip_why"; }; }

ok() { _skipped "$*" && return; _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _skipped "$*" && return; _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n - $* # SKIP"; }

# no_i386 [PROG]: true when this kernel cannot run i386 code (32-bit
# programs, int 0x80 from 64-bit ones), with the reason in $NO_I386_WHY;
# with PROG (a name under $PROGS), only when PROG is an i386 test program
# (m32/..., *int80*). Asks $PROGS/i386_probe once; when the probe cannot
# tell, the i386 tests run (and fail on their own). Call it directly, not
# in $(...), or it asks every time.
NO_I386_WHY=
_i386_asked=
no_i386() {
	if [ $# -gt 0 ]; then case $1 in m32/* | *int80*) ;; *) return 1 ;; esac; fi
	if [ -z "$_i386_asked" ]; then
		_i386_asked=1
		NO_I386_WHY=$("$PROGS/i386_probe" "$PROGS/m32/trace_m32" 2>"$TMP/i386_probe.err")
		case $? in
		0) NO_I386_WHY= ;;
		1) ;;
		*) NO_I386_WHY=; sed 's/^/# /' "$TMP/i386_probe.err" ;;
		esac
	fi
	[ -n "$NO_I386_WHY" ]
}

# check DESC CMD...: passes when CMD exits 0.
check() {
	local d=$1; shift
	_skipped "$d" && return
	if "$@" >"$TMP/out" 2>"$TMP/err"; then ok "$d"; else
		not_ok "$d"; echo "# command: $*"; sed 's/^/# stderr: /' "$TMP/err" | head -20; fi
}
# check_status DESC STATUS CMD...: passes when CMD exits with STATUS.
check_status() {
	local d=$1 want=$2; shift 2
	_skipped "$d" && return
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$d"; else
		not_ok "$d (exit $rc, wanted $want)"; echo "# command: $*"
		sed 's/^/# stderr: /' "$TMP/err" | head -20; fi
}
# check_eq DESC GOT WANT
check_eq() {
	_skipped "$1" && return
	if [ "$2" == "$3" ]; then ok "$1"; else
		not_ok "$1"; echo "# got:  $2" | head -20; echo "# want: $3" | head -20; fi
}
# check_grep DESC PATTERN FILE: FILE has a line matching the extended regex.
check_grep() {
	_skipped "$1" && return
	if grep -qE -- "$2" "$3"; then ok "$1"; else
		not_ok "$1"; echo "# no line matches /$2/ in $3:"; head -30 "$3" | sed 's/^/#   /'; fi
}
check_no_grep() {
	_skipped "$1" && return
	if ! grep -qE -- "$2" "$3"; then ok "$1"; else
		not_ok "$1"; echo "# a line matches /$2/:"; grep -E -- "$2" "$3" | head -5 | sed 's/^/#   /'; fi
}
# Readers of strace -c style tables: callgroups trace's (calls errors
# syscall, as strace -c -U calls,errors,name) and strace's own (% time ...).
# count FILE NAME [MODE]: calls of NAME in the table of MODE ("" = the
# first, native table; "32 bit" or "x32").
count() {
	awk -v n="$2" -v want="${3:-}" 'BEGIN { c = 4 }
		/^System call usage summary for/ { mode = $0; sub(/^System call usage summary for /, "", mode); sub(/ mode:$/, "", mode); next }
		/calls +errors +syscall$/ { c = ($1 == "%") ? 4 : 1; next }
		mode == want && $NF == n && $1 ~ /^[0-9]/ { print $c; found = 1 }
		END { if (!found) print 0 }' "$1"
}
# rows FILE LEAVE_OUT: every row as "TABLE|name|calls|errors", sorted, to
# compare two tables; LEAVE_OUT is an ERE alternation of names to skip.
rows() {
	awk 'BEGIN { c = 4; nf = 6 } /^System call usage summary/ { m = $0 }
	     /calls +errors +syscall$/ { c = ($1 == "%") ? 4 : 1; nf = c + 2; next }
	     $1 ~ /^[0-9]/ && $NF != "total" { print m "|" $NF "|" $c "|" (NF == nf ? $(c + 1) : 0) }' "$1" |
		grep -vE "\|($2)\|" | sort
}
# errcount FILE NAME: errors of NAME.
errcount() {
	awk -v n="$2" 'BEGIN { c = 4; nf = 6 } /calls +errors +syscall$/ { c = ($1 == "%") ? 4 : 1; nf = c + 2; next }
		$NF == n && $1 ~ /^[0-9]/ { print (NF == nf ? $(c + 1) : 0); f = 1 } END { if (!f) print 0 }' "$1"
}
# wait_for FILE REGEX: up to 10 s for a line to show up.
wait_for() {
	for _ in $(seq 100); do grep -qE -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }

# ---- calls a seccomp filter other than ours refuses -----------------------------
# refuse_exec installs a filter answering getpgid and keyctl with EPERM, then
# execs refused_calls (3 getpgid, 1 keyctl, then a child forked after does the
# same): the way a container's filter is installed. ERRNO outranks our filter's
# TRACE, so these calls are counted from syscall-entry stops (ptrace) or at
# sys_exit (bpf); strace -f -c (entry stops, before seccomp) counts them too.
#   check_refused_calls TRACER [INSTALLS]
# runs those checks with TRACER (a command line, "$CG trace --backend=..."),
# and when INSTALLS is given, checks that stderr matches it when the traced
# task installs its filter.
refused_rows() { rows "$1" 'futex|exit|exit_group' | grep -E '\|(getpgid|keyctl)\|'; }
check_refused_calls() {
	local tracer=$1 installs=${2:-} ne
	local RF=("$PROGS/refuse_exec" "$PROGS/refused_calls" 3 fork)
	if command -v strace >/dev/null; then
		strace -f -c -o "$TMP/rst.txt" "${RF[@]}" >/dev/null 2>&1
		for ne in "" --no-errors; do
			check_status "refused (${ne:-errors counted}): the command ran under the filter (exit 0)" 0 \
				$tracer $ne --no-report -o "$TMP/rf.txt" -- "${RF[@]}"
			[ -z "$installs" ] || check_grep "refused (${ne:-errors counted}): stderr says the task installed a filter" \
				"$installs" "$TMP/err"
			check_eq "refused (${ne:-errors counted}): getpgid 6/6, keyctl 2/2 (calls/errors) as strace -f -c" \
				"$(refused_rows "$TMP/rf.txt")" "$(refused_rows "$TMP/rst.txt")"
			check_eq "refused (${ne:-errors counted}): strace -f -c saw 6 getpgid" "$(count "$TMP/rst.txt" getpgid)" 6
			check_grep "refused (${ne:-errors counted}): the table names them" \
				'^# refused by an inherited seccomp filter: getpgid 6, keyctl 2$' "$TMP/rf.txt"
			[ -z "$ne" ] && check_eq "refused: every call and error as strace -f -c" \
				"$(rows "$TMP/rf.txt" 'futex|exit|exit_group')" "$(rows "$TMP/rst.txt" 'futex|exit|exit_group')"
			# The tracer itself under the filter (in a container): inherited.
			check_status "refused (${ne:-errors counted}), inherited: exit 0" 0 \
				"$PROGS/refuse_exec" $tracer $ne --no-report -o "$TMP/ri.txt" -- "${RF[@]:1}"
			check_grep "refused (${ne:-errors counted}), inherited: stderr says so" \
				'the command runs under a seccomp filter it inherited' "$TMP/err"
			check_eq "refused (${ne:-errors counted}), inherited: getpgid and keyctl as strace -f -c" \
				"$(refused_rows "$TMP/ri.txt")" "$(refused_rows "$TMP/rst.txt")"
			check_grep "refused (${ne:-errors counted}), inherited: the table names them" \
				'^# refused by an inherited seccomp filter: getpgid 6, keyctl 2$' "$TMP/ri.txt"
		done
		# suggest reads the table back (the '#' line skipped), keyctl included.
		check_status "refused: suggest reads the table with its '#' line" 0 \
			$CG suggest --format=dropin "$TMP/rf.txt"
		cp "$TMP/out" "$TMP/rf.conf"
		check_status "refused: the recommended lines deny no observed call" 0 \
			$CG check "$TMP/rf.conf" "$TMP/rf.txt"
		check_status "refused: keyctl is in the profile read back (~@keyring would deny it)" 1 \
			$CG check --filter='~@keyring' "$TMP/rf.txt"
		check_grep "refused: ... and check names it" 'keyctl' "$TMP/out"
	else
		skip "refused calls: strace is not installed"
	fi
	# A filter for the whole thread group (TSYNC) installed while another thread
	# calls getppid: exactly 6 of its calls are refused, whatever the timing.
	for ne in "" --no-errors; do
		check_status "refused by a TSYNC filter (${ne:-errors counted}): exit 0" 0 \
			$tracer $ne --no-report -o "$TMP/ts.txt" -- "$PROGS/tsync_refuse"
		check_eq "refused by a TSYNC filter (${ne:-errors counted}): 6 getppid errors" \
			"$(errcount "$TMP/ts.txt" getppid)" 6
		check_grep "refused by a TSYNC filter (${ne:-errors counted}): marked" \
			'^# refused by an inherited seccomp filter: getppid 6$' "$TMP/ts.txt"
	done
}

# ---- a command that cannot be run --------------------------------------------------
#   check_cannot_run TRACER
# The shell's codes and messages, as `run` gives them, with TRACER (a
# command line, "$CG trace --backend=..."): 127 for a command not found
# (by path or in PATH) or a missing #! interpreter, 126 for a file not
# executable or one execve refuses (then the failed execve is counted).
check_cannot_run() {
	local tracer=$1
	check_status "unknown command -> 127" 127 $tracer --no-report -- /nonexistent/callgroups-no-such-cmd
	check_grep "unknown command is named" '^callgroups: /nonexistent/callgroups-no-such-cmd: command not found$' "$TMP/err"
	check_status "unknown command in PATH -> 127" 127 $tracer --no-report -- callgroups-no-such-cmd
	printf 'not a program\n' >"$TMP/noexec" && chmod 644 "$TMP/noexec"
	check_status "not executable -> 126" 126 $tracer --no-report -- "$TMP/noexec"
	check_grep "not executable: said so" 'noexec: permission denied$' "$TMP/err"
	chmod 755 "$TMP/noexec"
	check_status "execve refuses it (no #!, not ELF) -> 126" 126 $tracer --no-report -o "$TMP/noexec.txt" -- "$TMP/noexec"
	check_grep "execve refuses it: says why" "^callgroups: cannot run $TMP/noexec: Exec format error$" "$TMP/err"
	check_eq "execve refuses it: the failed execve is in the table" "$(errcount "$TMP/noexec.txt" execve)" 1
	printf '#!/nonexistent/callgroups-interp\n' >"$TMP/badint" && chmod 755 "$TMP/badint"
	check_status "its interpreter is missing -> 127" 127 $tracer --no-report -- "$TMP/badint"
	check_grep "missing interpreter: says why" "^callgroups: cannot run $TMP/badint: No such file or directory$" "$TMP/err"
}
