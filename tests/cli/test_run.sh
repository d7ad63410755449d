# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups run: enforcing (kill, errno, deny-list), the ABI bypasses,
# --complain, exports, --unit, exit statuses.
. "$(dirname "$0")/lib.sh"

FINE='@basic-io @file-system @process @signal'
run() { "$CALLGROUPS" run "$@"; }
"$PROGS/run_three" >"$TMP/native.out" 2>&1
native_rc=$?

# ---- enforcing -------------------------------------------------------------
check_status "chown is killed under $FINE" 159 run --filter "$FINE" -- "$PROGS/run_chown"
check_no_grep "killed before chown returned" '^chown' "$TMP/out"
check_grep "the kill is named with its call and group" \
	'killed run_chown \(pid [0-9]+\) for calling chown \(x86-64, #92\).*@chown' "$TMP/err"

check_status "chown passes with @chown added" 0 run --filter "$FINE @chown" -- "$PROGS/run_chown"
check_eq "... and chown worked" "$(cat "$TMP/out")" "$(printf 'chown: ok\nafter')"

check_status "a later line adds @chown the same way" 0 \
	run --filter "$FINE" --filter '@chown' -- "$PROGS/run_chown"

check_status "--errno=EPERM: the program goes on" 0 \
	run --filter "$FINE" --errno=EPERM -- "$PROGS/run_chown"
check_eq "... and chown failed with EPERM" "$(cat "$TMP/out")" "$(printf 'chown: EPERM\nafter')"

check_status "deny-list ~@chown kills chown" 159 run --filter '~@chown' -- "$PROGS/run_chown"
check_grep "... named" 'for calling chown' "$TMP/err"
check_status "deny-list entry errno: ~chown:EACCES" 0 run --filter '~chown:EACCES' -- "$PROGS/run_chown"
check_eq "... fails with EACCES" "$(head -1 "$TMP/out")" "chown: EACCES"
check_status "deny-list of other calls lets chown through" 0 \
	run --filter '~@mount @reboot' -- "$PROGS/run_chown"
check_eq "... ok" "$(head -1 "$TMP/out")" "chown: ok"

# The common pattern takes chown away (it is in @privileged too).
check_status "@system-service ~@privileged @resources kills chown" 159 \
	run --filter '@system-service' --filter '~@privileged @resources' -- "$PROGS/run_chown"

check_status "a child's kill shows as the shell's 159" 159 \
	run --filter "$FINE" -- sh -c "$PROGS/run_chown; exit \$?"
check_grep "... and is named" 'killed run_chown \(pid [0-9]+\) for calling chown' "$TMP/err"
check_status "exit status passes through" 42 run --filter '@system-service' -- sh -c 'exit 42'
check_status "a signal death is 128+N" 143 run --filter '@system-service' -- sh -c 'kill -TERM $$'
check_status "no such command: 127" 127 run --filter '@system-service' -- /nonexistent/cmd
check_status "not executable: 126" 126 run --filter '@system-service' -- /etc/passwd
check_status "bad errno: usage error" 2 run --errno=EBOGUS -- true
check_status "no command: usage error" 2 run --filter '@system-service'
check_status "bad architecture: usage error" 2 run --architectures=sparc -- true

# ---- signals -----------------------------------------------------------------
# The command gets the dispositions callgroups inherited, and behaves as it
# would without callgroups: a signal ignored under `trap "" INT` or nohup
# stays ignored, one at its default stays at its default.
intcmd='kill -INT $$; echo alive'
sh -c "$intcmd" >"$TMP/native.int" 2>&1
check_status "SIGINT to itself: as without callgroups" $? run --filter '@system-service' -- sh -c "$intcmd"
check_eq "... the same output" "$(cat "$TMP/out")" "$(cat "$TMP/native.int")"
(trap "" INT; sh -c "$intcmd") >"$TMP/native.int" 2>&1
check_eq "trap '' INT: without callgroups the command lives" "$? $(cat "$TMP/native.int")" "0 alive"
check_status "trap '' INT: under callgroups run too" 0 \
	bash -c 'trap "" INT; exec "$@"' _ "$CALLGROUPS" run --filter '@system-service' -- sh -c "$intcmd"
check_eq "... and says so" "$(cat "$TMP/out")" "alive"
check_status "nohup: the command ignores SIGHUP as without callgroups" 0 \
	sh -c 'trap "" HUP; exec "$0" run --filter @system-service -- sh -c "kill -HUP \$\$; echo alive"' \
	"$CALLGROUPS"
check_eq "... and says so" "$(cat "$TMP/out")" "alive"

# signal_run NAME SIG CMD: runs callgroups run -- sh -c CMD in the background
# (CMD prints "ready PID" first), sends SIG to callgroups once the command is
# ready, and leaves "STATUS OUTPUT..." in $TMP/NAME.res; the command is killed
# if it outlived callgroups.
signal_run() {
	local name=$1 sig=$2 cmd=$3 pid rc
	"$CALLGROUPS" run --filter @system-service -- sh -c "$cmd" >"$TMP/$name.out" 2>&1 &
	pid=$!
	wait_for "$TMP/$name.out" '^ready' && kill "-$sig" "$pid"
	wait "$pid"
	rc=$?
	kill -KILL "$(awk '/^ready/ {print $2}' "$TMP/$name.out")" 2>/dev/null
	echo "$rc $(grep -v '^ready' "$TMP/$name.out" | tr '\n' ' ')" >"$TMP/$name.res"
}
# ignored_here N: signal N was ignored when this script started (it then
# stays ignored: a shell cannot reset it).
ignored_here() {
	local mask
	mask=$(awk '/^SigIgn:/ {print $2}' /proc/$$/status)
	(((0x$mask >> ($1 - 1)) & 1))
}
if ignored_here 15; then
	skip "a SIGTERM to callgroups run reaches the command: SIGTERM is ignored here"
else
	signal_run term TERM 'trap "echo got TERM; exit 5" TERM; echo ready $$; while :; do sleep 0.1; done'
	check_eq "a SIGTERM to callgroups run reaches the command" "$(cat "$TMP/term.res")" "5 got TERM "
fi
if ignored_here 1; then
	skip "a SIGHUP to callgroups run reaches the command: SIGHUP is ignored here (nohup)"
else
	signal_run hup HUP 'trap "echo got HUP; exit 6" HUP; echo ready $$; while :; do sleep 0.1; done'
	check_eq "... a SIGHUP too" "$(cat "$TMP/hup.res")" "6 got HUP "
fi
(trap "" HUP; signal_run nohup HUP 'echo ready $$; sleep 0.5; echo alive')
check_eq "nohup: a SIGHUP to callgroups run is ignored, as by the command" \
	"$(cat "$TMP/nohup.res")" "0 alive "

# ---- other ABIs ---------------------------------------------------------------
# i386 numbers (int 0x80): getpid 20, chown 182, chown32 212.
no_i386 && begin_skip "$NO_I386_WHY"
check_status "without a filter int 0x80 works" 0 "$PROGS/sysprobe" -a x86 getpid=20
check_grep "... getpid allowed" '^getpid allowed' "$TMP/out"

# Each name is resolved on every ABI: the i386 chown is not a way around.
check_status "~@chown denies i386 chown and chown32 too" 0 \
	run --filter '~@chown' --errno=EPERM -- "$PROGS/sysprobe" -a x86 -f 1 chown=182 chown32=212 getpid=20
check_eq "... call by call" "$(cut -d' ' -f1,2 "$TMP/out" | tr '\n' ';')" \
	"chown filtered;chown32 filtered;getpid allowed;"
check_status "~@chown kills an i386 chown32" 159 \
	run --filter '~@chown' -- "$PROGS/sysprobe" -a x86 chown32=212
check_grep "... named as the i386 call" 'for calling chown32 \(x86, #212\)' "$TMP/err"

check_status "an allow-list without architectures lets i386 getpid through" 0 \
	run --filter "$FINE" -- "$PROGS/sysprobe" -a x86 getpid=20
check_grep "... allowed" '^getpid allowed' "$TMP/out"
check_status "--architectures=native kills an int 0x80 call" 159 \
	run --architectures=native -- "$PROGS/sysprobe" -a x86 getpid=20
check_eq "... before it returned" "$(cat "$TMP/out")" ""
check_grep "... and says it was the architecture" \
	'killed sysprobe \(pid [0-9]+\) for its x86 call getpid \(#20\): not of an allowed architecture' "$TMP/err"
check_status "--architectures=x86 allows it" 0 \
	run --architectures=x86 -- "$PROGS/sysprobe" -a x86 getpid=20

check_status "--architectures=native kills only the thread of an int 0x80 call" 3 \
	run --architectures=native -- "$PROGS/run_thread_int80"
check_eq "... the other thread goes on" "$(cat "$TMP/out")" "main"
check_grep "... and the dead thread is reported" \
	'killed a thread of run_thread_int8[0]? \(pid [0-9]+\) for its x86 call getpid \(#20\)' "$TMP/err"
check_status "... which lives without the restriction" 3 run -- "$PROGS/run_thread_int80"
check_grep "... getpid" '^thread: getpid [0-9]+' "$TMP/out"
end_skip

"$PROGS/sysprobe" -a x32 getpid=39 >"$TMP/x32" 2>&1
if grep -q '^getpid nosys' "$TMP/x32"; then
	skip "x32 call blocked by --architectures=native: x32 syscall ABI disabled in this kernel (ENOSYS without a filter)"
	skip "x32 call allowed by --architectures=x32: x32 syscall ABI disabled in this kernel"
else
	check_status "x32 call blocked by --architectures=native" 159 \
		run --architectures=native -- "$PROGS/sysprobe" -a x32 getpid=39
	check_status "x32 call allowed by --architectures=x32" 0 \
		run --architectures=x32 -- "$PROGS/sysprobe" -a x32 getpid=39
fi

# ---- SystemCallLog= ---------------------------------------------------------
check_status "--log: logged calls run and are counted" 7 \
	run --filter "$FINE @chown @memlock" --log '@chown sethostname' --filter sethostname -- "$PROGS/run_three"
check_eq "... the program ran as usual" "$(cat "$TMP/out")" "$(cat "$TMP/native.out")"
check_eq "... the kernel logged fchown twice and sethostname once, not mlock" \
	"$(grep -E '^ +[0-9]+  x86-64' "$TMP/err" | awk '{print $1, $3}' | tr '\n' ';')" \
	"2 fchown;1 sethostname;"
check_status "--log ~: log all but the listed calls" 7 \
	run --log '~@basic-io @file-system @process @signal @default @memlock @chown' -- "$PROGS/run_three"
check_grep "... only sethostname is logged" '^ +1  x86-64  sethostname$' "$TMP/err"
check_grep "... and nothing else" 'logged 1 system call \(1 call\)' "$TMP/err"

# ---- complain ----------------------------------------------------------------
check_status "--complain: the program's status is unchanged" "$native_rc" \
	run --filter "$FINE" --complain --report="$TMP/report" -- "$PROGS/run_three"
check_eq "... and so is its output" "$(cat "$TMP/out")" "$(cat "$TMP/native.out")"
check_eq "... status 7 really" "$native_rc" 7
check_eq "the report lists exactly the three denied calls" \
	"$(awk 'NR > 2 && /^ +[0-9]/ {print $1, $2, $3, $4, $5}' "$TMP/report")" \
	"$(printf '2 x86-64 fchown kill @chown\n1 x86-64 mlock kill @memlock\n1 x86-64 sethostname kill sethostname')"
check_grep "... with a summary line" 'would have denied 3 system calls \(4 calls\)' "$TMP/report"

check_status "--complain covers the whole process tree" 7 \
	run --filter "$FINE @io-event" --filter 'ioctl' --complain -- sh -c "$PROGS/run_three; $PROGS/run_three"
check_grep "... counts from both children" '^ +4 +x86-64 +fchown ' "$TMP/err"

check_status "--complain reports the errno a call would get" 7 \
	run --filter '~@chown:EPERM' --complain -- "$PROGS/run_three"
check_grep "... EPERM" '^ +2 +x86-64 +fchown +EPERM +fchown$' "$TMP/err"

no_i386 && begin_skip "$NO_I386_WHY"
check_status "--complain with an architecture restriction" 0 \
	run --architectures=native --complain -- "$PROGS/sysprobe" -a x86 getpid=20
check_grep "... the call ran" '^getpid allowed' "$TMP/out"
check_grep "... and is reported" '^ +1 +x86 +getpid +kill-thread +SystemCallArchitectures=x86' "$TMP/err"
end_skip

check_status "--complain, nothing denied" 0 run --filter '@system-service' --complain -- true
check_grep "... says so" 'would have denied no call' "$TMP/err"
check_no_grep "... and has no line to add" '^SystemCallFilter=' "$TMP/err"

# The report ends with what to paste: one line, deduplicated, that allows
# every call it lists (check's fix for the same calls).
check_eq "the text report ends with the paste-ready fix line" \
	"$(tail -1 "$TMP/report")" "SystemCallFilter=@chown @memlock sethostname"
check_grep "... said to allow every call" "allows every call above" "$TMP/report"
cp "$TMP/report" "$TMP/report.default"
check_status "--format=text is the default" 7 \
	run --filter "$FINE" --complain --format=text --report="$TMP/report.text" -- "$PROGS/run_three"
check_eq "... the same report" "$(sed 's/pid [0-9]*//' "$TMP/report.text")" \
	"$(sed 's/pid [0-9]*//' "$TMP/report.default")"
check_status "applied after the filter's lines, the fix line lets everything run" 7 \
	run --filter "$FINE" --filter "$(tail -1 "$TMP/report" | sed 's/^SystemCallFilter=//')" \
	--complain -- "$PROGS/run_three"
check_grep "... nothing would be denied" 'would have denied no call' "$TMP/err"
no_i386 && begin_skip "$NO_I386_WHY"
check_status "--complain: a call of another ABI gets its own line" 0 \
	run --filter "$FINE" --architectures=native --complain -- "$PROGS/sysprobe" -a x86 chown32=212
check_eq "... SystemCallArchitectures= and the filter's fix" \
	"$(grep -E '^SystemCall' "$TMP/err" | tr '\n' ';')" \
	"SystemCallFilter=@chown;SystemCallArchitectures=x86;"
end_skip

# ---- --complain --format=json, and reading it back --------------------------
check_status "--complain --format=json: the command's status" 7 \
	run --filter "$FINE" --complain --format=json --report="$TMP/R.json" -- "$PROGS/run_three"
check_eq "... a versioned profile of run --complain" \
	"$(jq -c '[.callgroups_profile, .source, .exit_status, (.command | length)]' "$TMP/R.json")" \
	'[1,"run --complain",7,1]'
check_eq "... the denied calls with counts, verdicts and fixes" \
	"$(jq -r '.denied[] | "\(.abi) \(.syscall) \(.calls) \(.would) \(.fix)"' "$TMP/R.json" | tr '\n' ';')" \
	"x86-64 fchown 2 kill @chown;x86-64 mlock 1 kill @memlock;x86-64 sethostname 1 kill sethostname;"
check_eq "... the first pid of each is the command's" \
	"$(jq '[.denied[].first_pid | . > 0] | all' "$TMP/R.json")" true
check_eq "... and the verified fix line" \
	"$(jq -r '[.SystemCallFilter, .SystemCallArchitectures, .fix_verified] | map(tostring) | join("|")' "$TMP/R.json")" \
	"@chown @memlock sethostname|null|true"
check_status "--json is --format=json" 7 \
	run --filter "$FINE" --complain --json --report="$TMP/R2.json" -- "$PROGS/run_three"
check_eq "... the same calls" "$(jq -c '[.denied[].syscall]' "$TMP/R2.json")" \
	'["fchown","mlock","sethostname"]'
check_status "--format=xml is a usage error" 2 run --filter "$FINE" --complain --format=xml -- true
check_status "--format=json without --complain is a usage error" 2 run --filter "$FINE" --json -- true
check_status "--report without --complain is a usage error" 2 \
	run --filter "$FINE" --report="$TMP/r" -- true
check "... and writes nothing" test ! -e "$TMP/r"

check_status "check reads the JSON report: the calls would be denied" 1 \
	"$CALLGROUPS" check --filter "$FINE" "$TMP/R.json"
check_eq "... exactly those calls" \
	"$(awk '/would be denied:/ {on = 1; next} on && NF == 0 {on = 0} on {print $1}' "$TMP/out" | tr '\n' ' ')" \
	"fchown mlock sethostname "
check_grep "... and the same fix line" '^SystemCallFilter=@chown @memlock sethostname$' "$TMP/out"
check_status "check with the fix line: nothing denied" 0 \
	"$CALLGROUPS" check --filter "$FINE" --filter '@chown @memlock sethostname' "$TMP/R.json"
check_status "suggest reads the JSON report" 0 "$CALLGROUPS" suggest "$TMP/R.json"
check_grep "... and counts its calls" '^3 system calls observed \(4 calls' "$TMP/out"
check_grep "... and lists them" 'fchown.*sethostname' "$TMP/out"
check_grep "... mlock too" 'mlock' "$TMP/out"
sed 's/"callgroups_profile":1/"callgroups_profile":2/' "$TMP/R.json" >"$TMP/R3.json"
check_status "another profile version: refused" 2 "$CALLGROUPS" suggest "$TMP/R3.json"
check_grep "... naming the file and the version" "R3.json: unsupported callgroups profile version 2" "$TMP/err"

# ---- output files are checked before the command runs ---------------------
check_status "an unwritable --report: exit 2" 2 \
	run --filter "$FINE" --complain --report="$TMP/no/such/dir/R.json" -- sh -c "touch '$TMP/ran'"
check_grep "... naming the file" "$TMP/no/such/dir/R.json" "$TMP/err"
check "... before the command ran" test ! -e "$TMP/ran"
check_status "an unwritable --export: exit 2" 2 \
	run --filter @system-service --export=oci "$TMP/no/such/dir/f.json" -- sh -c "touch '$TMP/ran'"
check "... before the command ran" test ! -e "$TMP/ran"
check_status "--report and a command not found: 127" 127 \
	run --filter "$FINE" --complain --report="$TMP/nf.json" --json -- /nonexistent/cmd
check "... and no report file" test ! -e "$TMP/nf.json"
echo "old report" >"$TMP/keep.txt"
check_status "... nor is an existing report emptied" 127 \
	run --filter "$FINE" --complain --report="$TMP/keep.txt" -- /nonexistent/cmd
check_eq "... it stays as it was" "$(cat "$TMP/keep.txt")" "old report"

# ---- no filter; 127 after the start ------------------------------------------
check_status "no filter option: the command runs" 0 run -- sh -c 'echo ran'
check_eq "... really" "$(cat "$TMP/out")" "ran"
check_grep "... with a warning that nothing is filtered" \
	'^callgroups run: no filter given \(--filter, --unit, --architectures\): the command runs unfiltered$' \
	"$TMP/err"
check_status "--errno alone filters nothing either" 0 run --errno=EPERM -- true
check_grep "... warned" 'no filter given' "$TMP/err"
check_status "with a filter: no such warning" 0 run --filter '@system-service' -- true
check_no_grep "... none" 'no filter given' "$TMP/err"
check_status "--architectures alone is a filter" 0 run --architectures=native -- true
check_no_grep "... no warning" 'no filter given' "$TMP/err"
printf '[Service]\nExecStart=/bin/true\n' >"$TMP/plain.service"
check_status "a unit without filter settings: warned too" 0 run --unit "$TMP/plain.service" -- true
check_grep "... naming the unit" 'plain.service sets no SystemCallFilter=.*runs unfiltered' "$TMP/err"

check_status "ld.so cannot open libc under ~openat:EPERM: 127" 127 \
	run --filter '~openat' --errno=EPERM -- /bin/true
check_grep "... and the 127 is named as a start under the filter" \
	'^callgroups run: the command exited 127 after it started: the dynamic loader could not load it under the filter' \
	"$TMP/err"
check_grep "... pointing to --complain" 'try --complain' "$TMP/err"
check_status "a command not found is still a start failure" 127 \
	run --filter '~openat' --errno=EPERM -- /nonexistent/cmd
check_no_grep "... without the loader message" 'after it started' "$TMP/err"
check_status "a 127 under a filter that only kills: no loader message" 127 \
	run --filter '@system-service' -- sh -c 'exit 127'
check_no_grep "... none" 'after it started' "$TMP/err"

# ---- --unit ------------------------------------------------------------------
cat >"$TMP/demo.service" <<EOF
[Service]
ExecStart=/bin/true
SystemCallFilter=@basic-io @file-system
SystemCallFilter=@process @signal
EOF
mkdir -p "$TMP/demo.service.d"
printf '[Service]\nSystemCallErrorNumber=EPERM\n' >"$TMP/demo.service.d/10-errno.conf"
check_status "--unit takes the unit's settings, drop-ins too" 0 run --unit "$TMP/demo.service" -- "$PROGS/run_chown"
check_eq "... chown gets EPERM" "$(head -1 "$TMP/out")" "chown: EPERM"
check_status "--filter after --unit adds to it" 0 \
	run --unit "$TMP/demo.service" --filter '@chown' -- "$PROGS/run_chown"
check_eq "... chown ok" "$(head -1 "$TMP/out")" "chown: ok"
check_status "--errno=kill after --unit overrides SystemCallErrorNumber=" 159 \
	run --unit "$TMP/demo.service" --errno=kill -- "$PROGS/run_chown"

# ---- exports -----------------------------------------------------------------
check_status "--export=oci" 0 run --filter "$FINE" --errno=EPERM --architectures=native \
	--export=oci "$TMP/seccomp.json"
check_eq "OCI defaultAction" "$(jq -r .defaultAction "$TMP/seccomp.json")" SCMP_ACT_ERRNO
check_eq "OCI defaultErrnoRet" "$(jq -r .defaultErrnoRet "$TMP/seccomp.json")" 1
check_eq "OCI architectures" "$(jq -c .architectures "$TMP/seccomp.json")" '["SCMP_ARCH_X86_64"]'
check_eq "OCI allows chmod, not chown" \
	"$(jq -r '[.syscalls[0].names[] | select(. == "chmod" or . == "chown")] | join(",")' "$TMP/seccomp.json")" \
	chmod

check_status "--export=bpf and run in one go" 159 \
	run --filter "$FINE" --export=bpf "$TMP/filter.bpf" -- "$PROGS/run_chown"
size=$(stat -c %s "$TMP/filter.bpf")
check_eq "BPF is whole instructions" "$((size % 8))" 0
check "BPF is not tiny" test "$size" -gt 100
# First instruction: ld [4] (seccomp_data.arch): code 0x20, k 4.
check_eq "BPF checks the arch first" "$(od -An -tx1 -N8 "$TMP/filter.bpf" | tr -d ' ')" \
	"2000000004000000"
check_status "--export needs a file" 2 run --filter "$FINE" --export=bpf
check_status "--export knows bpf and oci" 2 run --filter "$FINE" --export=xml "$TMP/x"

done_testing
