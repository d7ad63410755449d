#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every unit test binary and every CLI test script, all speaking TAP
# ("ok N - ..." / "not ok N - ..."), and ends with "N passed, N failed",
# plus ", N skipped" when tests were skipped (each skip counts as neither;
# the reasons are listed under their program). A test program that dies
# without reporting a failure, or reports fewer or more results than its
# plan ("1..N") says, counts as one failure more.
#   tests/run.sh BUILD_DIR [PATTERN]
set -u
BUILD=${1:-build}
PATTERN=${2:-}
export BUILD_DIR=$(cd "$BUILD" && pwd)
export TOP_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export CALLGROUPS="$BUILD_DIR/callgroups"
export CMOCKA_MESSAGE_OUTPUT=TAP
LOGDIR="$BUILD_DIR/test-logs"
mkdir -p "$LOGDIR"
passed=0 failed=0 skipped=0

# A result line is "ok N ..." or "not ok N ..."; one with a "# SKIP"
# directive (any case, as TAP has it) is a skip whichever it starts with:
# cmocka 1.1 prints its skip() as "not ok N # SKIP NAME", 1.2 as "ok".
RESULT='^(not )?ok [0-9]+'
SKIP="$RESULT.*# [Ss][Kk][Ii][Pp]"

# The reasons of a log's skips, one line each with how many had it:
# "ok N - DESC # SKIP WHY" gives WHY (or DESC when there is no WHY); a
# cmocka skip gives its test's name and the "# ..." line the test printed
# just before (its reason: see tests/unit/testutil.h).
skip_reasons() {
	awk -v skip="$SKIP" '
		$0 ~ skip {
			why = $0; sub(/.*# [Ss][Kk][Ii][Pp][^ ]* */, "", why)
			desc = $0; sub(/^(not )?ok [0-9]+ *(- *)?/, "", desc); sub(/ *# [Ss][Kk][Ii][Pp].*/, "", desc)
			if (desc == "" && prev ~ /^# /)
				why = why ": " substr(prev, 3)
			print (why != "" ? why : desc)
		}
		{ prev = $0 }' "$1" | sort | uniq -c | sed 's/^ *\([0-9]*\) /    skipped \1: /'
}

run_one() {
	local name=$1; shift
	local log="$LOGDIR/${name//\//_}.log"
	# A program that hangs must not hang the whole run (or CI): it is
	# stopped after TEST_TIMEOUT seconds and counted as a failure.
	timeout -k 10 "${TEST_TIMEOUT:-1200}" "$@" >"$log" 2>&1 </dev/null
	local rc=$?
	[ "$rc" -eq 124 ] && echo "not ok - $name did not finish within ${TEST_TIMEOUT:-1200} s" >>"$log"
	local p f s
	s=$(grep -cE "$SKIP" "$log")
	p=$(grep -E '^ok [0-9]+' "$log" | grep -cvE "$SKIP")
	f=$(grep -E '^not ok [0-9]+' "$log" | grep -cvE "$SKIP")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc without reporting a failure" >>"$log"
	fi
	# A program that stops early without a failure still says less than
	# its plan ("1..N") promised.
	local plan results
	plan=$(grep -m1 -E '^1\.\.[0-9]+' "$log" | sed 's/^1\.\.\([0-9]*\).*/\1/')
	results=$(grep -cE "$RESULT" "$log")
	if [ "${plan:-x}" != "$results" ]; then
		f=$((f + 1))
		echo "not ok - $name planned ${plan:-no} tests and reported $results" >>"$log"
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	local counts="$p passed"
	[ "$f" -gt 0 ] && counts+=", $f failed"
	[ "$s" -gt 0 ] && counts+=", $s skipped"
	if [ "$f" -gt 0 ]; then
		printf 'FAIL %-40s %s\n' "$name" "$counts"
		grep -E '^not ok|^# ' "$log" | grep -vE "$SKIP" | head -40 | sed 's/^/    /'
		tail -5 "$log" | sed 's/^/    | /'
	else
		printf 'ok   %-40s %s\n' "$name" "$counts"
	fi
	[ "$s" -gt 0 ] && skip_reasons "$log"
}

for t in "$BUILD_DIR"/tests/test_*; do
	[ -x "$t" ] || continue
	case $t in *.d) continue ;; esac
	n=$(basename "$t")
	[ -n "$PATTERN" ] && [[ $n != *$PATTERN* ]] && continue
	run_one "unit/$n" "$t"
done
for t in "$TOP_SRCDIR"/tests/cli/test_*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	[ -n "$PATTERN" ] && [[ $n != *$PATTERN* ]] && continue
	run_one "cli/$n" bash "$t"
done
echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
