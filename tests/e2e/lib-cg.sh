# SPDX-License-Identifier: LGPL-2.1-or-later
# How the end-to-end tests call callgroups: every command line of the tool
# is here, in one place, used inside the containers (static binary) and on
# the host alike. CG is the binary to run.

# Prints the words to put before a service's command in ExecStart= so that
# callgroups traces it (every process, to the end) and saves the profile to
# OUT.
cg_trace_prefix() { # OUT
	echo "$CG trace --backend=ptrace --no-report -o $1 --"
}

# Whether `callgroups trace` works here: traces /bin/true into a profile.
# Prints its complaint when it does not.
cg_trace_works() {
	local tmp=/tmp/cg-trace-probe.$$ rc=0
	timeout 30 "$CG" trace --backend=ptrace --no-report -o "$tmp" -- /bin/true >/tmp/cg-trace-probe.err 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] || [ ! -s "$tmp" ]; then
		echo "callgroups trace: exit $rc: $(head -c 300 /tmp/cg-trace-probe.err | tr '\n' ' ')"
		rm -f "$tmp"
		return 1
	fi
	rm -f "$tmp"
}

# The fallback recorder, used only when trace does not work, and said so in
# the results: strace's -c table, which suggest reads as well.
strace_prefix() { # OUT
	echo "/usr/bin/strace -f -qq -c -o $1"
}

# The recommended drop-in for systemd version V from profile P, on stdout.
cg_suggest() { # V P
	"$CG" suggest --format=dropin --systemd="$1" "$2"
}

# explain-crash on the kernel's audit record(s) of a SIGSYS kill in file F,
# with the group tables of version V; prints its answer.
cg_explain_crash() { # V F
	"$CG" explain-crash --systemd="$1" "$2"
}

# check: would the unit (systemctl cat output in U) deny a call of profile
# P, under each of the versions in VS (comma-separated)? Prints one line
# per version: "VERSION ok" or "VERSION denied", and returns 0, or prints a
# complaint and returns non-zero when check could not answer.
cg_check_versions() { # VS U P
	local vs=$1 u=$2 p=$3 v out rc
	for v in ${vs//,/ }; do
		rc=0
		out=$("$CG" check --no-analyze --systemd="$v" - "$p" <"$u" 2>&1) || rc=$?
		case $rc in
		0) echo "$v ok" ;;
		1) echo "$v denied" ;;
		*) echo "callgroups check --systemd=$v: exit $rc: $(echo "$out" | head -c 300 | tr '\n' ' ')"
		   return 1 ;;
		esac
	done
}

# check with a list of versions at once: its "Across systemd versions"
# section, one line per version (shown in the table; the verdicts above
# come from one exit code per version).
cg_check_across() { # VS U P
	"$CG" check --no-analyze --systemd="$1" - "$3" <"$2" 2>&1 |
		sed -n '/^Across systemd versions/,$p' | grep -E '^  [0-9]+:' | sed 's/^ *//' | tr '\n' ';' ||
		true
}

# The cross-version report of suggest for versions VS (comma-separated) from
# profile P, as JSON (.recommended, .tight, .deny_list: SystemCallFilter
# lines and per version would_deny); exit 1 when an observed name is unknown.
cg_suggest_json() { # VS P
	"$CG" suggest --format=json --systemd="$1" "$2"
}

# check's answer for version V on the unit (systemctl cat output, or a drop-in)
# in U with profile P: the calls it would deny, one per line (none: nothing
# denied). Returns non-zero with a complaint when check could not answer.
cg_check_denied() { # V U P
	local out err rc=0
	err=$(mktemp)
	out=$("$CG" check --no-analyze --format=json --systemd="$1" - "$3" <"$2" 2>"$err") || rc=$?
	if [ "$rc" -gt 1 ] || ! jq -e .denied >/dev/null 2>&1 <<<"$out"; then
		echo "callgroups check --systemd=$1: exit $rc: $(head -c 300 "$err" | tr '\n' ' ')"
		rm -f "$err"
		return 1
	fi
	rm -f "$err"
	jq -r '.denied[].syscall' <<<"$out" | sort -u
}
