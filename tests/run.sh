#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every unit test binary and every CLI test script, all speaking TAP
# ("ok N - ..." / "not ok N - ..."), and ends with "N passed, N failed".
# A test program that dies without reporting counts as one failure.
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

run_one() {
	local name=$1; shift
	local log="$LOGDIR/${name//\//_}.log"
	"$@" >"$log" 2>&1 </dev/null
	local rc=$?
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$log")
	s=$(grep -cE '^ok [0-9]+.*# (SKIP|skip)' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc without reporting a failure" >>"$log"
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -gt 0 ]; then
		printf 'FAIL %-40s %d passed, %d failed\n' "$name" "$p" "$f"
		grep -E '^not ok|^# ' "$log" | head -40 | sed 's/^/    /'
		tail -5 "$log" | sed 's/^/    | /'
	else
		printf 'ok   %-40s %d passed%s\n' "$name" "$p" "$([ "$s" -gt 0 ] && echo ", $s skipped")"
	fi
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
