#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Output never destroys what it writes to: a symlink stays a link (its
# target is written), a FIFO stays a FIFO, a file keeps its mode and owner,
# and an output that cannot be written is found before the work starts.
# Everything happens in a temporary directory, never in the real /dev.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS
IN="$TOP_SRCDIR/data/demo/backup-job-strace-f-c.txt"

# A symlink (like /dev/stdout -> /proc/self/fd/1) is followed.
: >"$TMP/target.txt"
ln -s target.txt "$TMP/link.txt"
check "suggest -o SYMLINK exits 0" $CG suggest -o "$TMP/link.txt" "$IN"
check "... the link is still a link" test -L "$TMP/link.txt"
check_grep "... and its target holds the report" 'SystemCallFilter=' "$TMP/target.txt"
# A dangling link: its target is created.
ln -s made.txt "$TMP/dangling.txt"
check "suggest -o DANGLING-SYMLINK exits 0" $CG suggest -o "$TMP/dangling.txt" "$IN"
check "... the link stays a link" test -L "$TMP/dangling.txt"
check_grep "... and the target it names is written" 'SystemCallFilter=' "$TMP/made.txt"

# A FIFO is written straight through, and stays a FIFO.
mkfifo "$TMP/fifo"
timeout 20 cat "$TMP/fifo" >"$TMP/from-fifo" &
reader=$!
check "suggest -o FIFO exits 0" timeout 20 $CG suggest -o "$TMP/fifo" "$IN"
wait "$reader"
check "... the FIFO is still a FIFO" test -p "$TMP/fifo"
check_grep "... and the reader got the report" 'SystemCallFilter=' "$TMP/from-fifo"

# /dev/stdout is written through whatever our stdout is: a pipe, or a file
# the shell opened (appended to, not replaced).
check_eq "suggest -o /dev/stdout into a pipe" \
	"$($CG suggest -o /dev/stdout "$IN" | grep -c '^  SystemCallFilter=@system-service$')" 1
printf 'first line\n' >"$TMP/appended.txt"
$CG suggest -o /dev/stdout "$IN" >>"$TMP/appended.txt"
check_eq "suggest -o /dev/stdout >> FILE appends" "$(head -1 "$TMP/appended.txt")" "first line"
check_grep "... the report" 'SystemCallFilter=' "$TMP/appended.txt"

# A regular file keeps its mode (600 stays 600) and owner.
printf 'old\n' >"$TMP/private.txt"
chmod 600 "$TMP/private.txt"
if [ "$(id -u)" -eq 0 ]; then chown 12345:12346 "$TMP/private.txt"; fi
before=$(stat -c '%a %u:%g' "$TMP/private.txt")
check "suggest -o FILE exits 0" $CG suggest -o "$TMP/private.txt" "$IN"
check_eq "... the file keeps its mode and owner" "$(stat -c '%a %u:%g' "$TMP/private.txt")" "$before"
check_grep "... and holds the new report" 'SystemCallFilter=' "$TMP/private.txt"
# A new file gets the mode the umask gives, as any file the user creates.
(umask 027 && $CG suggest -o "$TMP/new.txt" "$IN")
check_eq "a new output file follows the umask" "$(stat -c '%a' "$TMP/new.txt")" 640
# The character device in the temporary directory's place: /dev/null
# through a link stays /dev/null.
ln -s /dev/null "$TMP/null"
check "suggest -o LINK-TO-/dev/null exits 0" $CG suggest -o "$TMP/null" "$IN"
check "... /dev/null is still a character device" test -c /dev/null

# An output that cannot be written is found before the work starts: the
# command does not run, exit 2 names the path.
check_status "trace -o into a missing directory exits 2" 2 \
	$CG trace --no-report -o "$TMP/missing/t.txt" -- touch "$TMP/ran"
check_grep "... naming the path" "$TMP/missing" "$TMP/err"
check "... before the command ran" test ! -e "$TMP/ran"
check_status "suggest -o into a missing directory exits 2" 2 \
	$CG suggest -o "$TMP/missing/s.txt" "$IN"
mkdir "$TMP/adir"
check_status "suggest -o DIRECTORY exits 2" 2 $CG suggest -o "$TMP/adir" "$IN"
check_grep "... saying it is a directory" 'is a directory' "$TMP/err"
# trace -o a regular file still works and keeps what it is.
check "trace -o FILE exits with the command's status" \
	$CG trace --backend=ptrace --no-report -o "$TMP/t.txt" -- true
check_grep "... and the table is written" 'total$' "$TMP/t.txt"

done_testing
