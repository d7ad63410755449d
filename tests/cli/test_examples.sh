#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The README's and the man page's examples, run as written: every example
# line of README.md's Commands section and of callgroups(1)'s EXAMPLES is
# taken from the documents themselves (so an example that changes is tested
# as it now reads), and run in a scratch directory that holds what the
# examples assume (./myservice and ./app with --selftest, app.service and
# nginx.service units), inside a private mount namespace whose
# /etc/systemd/system is a tmpfs, so the examples that write there do not
# touch the machine. Two documented substitutions: `-p 1234` traces a live
# process of ours, and examples that need a running systemd (systemctl,
# --unit of a live service, harden: tests/e2e runs it) are skipped with that
# reason where none runs.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
	skip "the examples need root and a mount namespace (unshare -m)"
	done_testing
	exit
fi

# The example lines, in document order: 4-space indented code lines of the
# README that start with a command, and the man page's EXAMPLES block.
readme_examples() {
	awk '/^## Commands/ { on = 1 } /^## / && !/^## Commands/ { on = 0 }
	     on && /^    (callgroups|strace|printf|journalctl|systemctl) / { sub(/^    /, ""); print }' \
		"$TOP_SRCDIR/README.md"
}
man_examples() {
	awk '/^\.SH EXAMPLES/ { on = 1; next } /^\.SH / { on = 0 } on && !/^\./' \
		"$TOP_SRCDIR/doc/callgroups.1" | sed -e 's/\\-/-/g' -e 's/\\\\/\\/g'
}
readme_examples >"$TMP/readme.txt"
man_examples >"$TMP/man.txt"
check "README has examples to run" test -s "$TMP/readme.txt"
check "the man page has examples to run" test -s "$TMP/man.txt"

# The world the examples assume.
W="$TMP/world"
mkdir -p "$W/bin"
ln -s "$CALLGROUPS" "$W/bin/callgroups"
for prog in myservice app; do
	cat >"$W/$prog" <<'EOF'
#!/bin/sh
# A tiny service: it does a little of everything and ends (--selftest, as
# the examples call it, or no argument).
[ $# -eq 0 ] || [ "$1" = --selftest ] || { echo "usage: $0 [--selftest]" >&2; exit 2; }
d=$(mktemp -d) && echo state >"$d/state" && cat "$d/state" >/dev/null &&
	ls "$d" >/dev/null && rm -rf "$d"
EOF
	chmod +x "$W/$prog"
done
unit() { # NAME EXEC
	printf '[Unit]\nDescription=%s\n\n[Service]\nExecStart=%s\nSystemCallFilter=@system-service\nSystemCallArchitectures=native\n' "$1" "$2"
}

cat >"$TMP/inner.sh" <<'EOF'
# Runs inside the mount namespace: a private /etc/systemd/system, then each
# example as written, one result line per example on fd 3.
set -u
mount -t tmpfs callgroups-examples /etc/systemd/system || exit 99
mkdir -p /etc/systemd/system/myservice.service.d
unit app "$W/app --selftest" >/etc/systemd/system/app.service
unit nginx "/usr/sbin/nginx -g 'daemon off;'" >/etc/systemd/system/nginx.service
cd "$W" || exit 99
export PATH="$W/bin:$PATH"
sleep 300 &
live=$!
systemd_runs=false
[ -d /run/systemd/system ] && systemd_runs=true
n=0
while IFS= read -r ex; do
	n=$((n + 1))
	run=$ex
	case $ex in
	*systemctl*|*--unit\ nginx.service*|*callgroups\ harden\ *)
		$systemd_runs || { printf 'skip\037%s\037needs a running systemd\n' "$ex" >&3; continue; } ;;
	esac
	run=${run//-p 1234/-p $live}
	out="$TMP/ex-$n.out" err="$TMP/ex-$n.err"
	if [[ $run == *"-p $live"* ]]; then
		# Attached: stop the trace after a moment, as Ctrl+C would.
		bash -c "$run" >"$out" 2>"$err" &
		tracer=$!
		sleep 1
		kill -INT "$tracer" 2>/dev/null
		wait "$tracer"
	else
		timeout 60 bash -c "$run" >"$out" 2>"$err"
	fi
	printf 'ran\037%s\037%s\037%s\n' "$ex" "$?" "$n" >&3
done <"$EXAMPLES"
kill "$live" 2>/dev/null
# The drop-in the README writes under /etc/systemd/system, kept for a look.
cp /etc/systemd/system/myservice.service.d/filter.conf "$W/etc-filter.conf" 2>/dev/null
true
EOF

# What an example's exit status may be, and what its output must show.
judge() { # EXAMPLE STATUS N
	local ex=$1 rc=$2 out="$TMP/ex-$3.out" err="$TMP/ex-$3.err"
	case $ex in
	*"journalctl -k | callgroups explain-crash"*)
		# No seccomp record in this kernel's log is a documented answer (1).
		if [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && grep -qiE 'no (seccomp )?record' "$err" "$out"; }; then
			ok "example runs: $ex (exit $rc)"
		else not_ok "example runs: $ex (exit $rc)"; sed 's/^/# /' "$err" | head -5; fi
		return ;;
	esac
	if [ "$rc" -eq 0 ]; then ok "example runs: $ex"
	else not_ok "example runs: $ex (exit $rc)"; sed 's/^/# stderr: /' "$err" | head -8; fi
	case $ex in
	*"suggest"*"> /etc/systemd/system/myservice.service.d/filter.conf"*) ;;
	*"callgroups suggest"*|*"callgroups check"*|*"callgroups groups"*|*"callgroups explain "*)
		check "... and prints its answer" test -s "$out" ;;
	esac
}

for doc in readme man; do
	export EXAMPLES="$TMP/$doc.txt" W TMP
	export -f unit
	unshare -m --propagation private bash "$TMP/inner.sh" 3>"$TMP/$doc.results" \
		>"$TMP/$doc.inner.out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		not_ok "$doc examples: the sandbox could not be set up (exit $rc)"
		sed 's/^/# /' "$TMP/$doc.inner.out" | head -5
		continue
	fi
	check_eq "$doc: every example was tried" "$(wc -l <"$TMP/$doc.results")" \
		"$(wc -l <"$TMP/$doc.txt")"
	while IFS=$'\037' read -r kind ex rc n; do
		case $kind in
		skip) skip "example: $ex: $rc" ;;
		ran) judge "$ex" "$rc" "$n" ;;
		esac
	done <"$TMP/$doc.results"
done

# What the examples leave behind is what the documents say.
check_grep "README: suggest --format=dropin > /etc/systemd/system/... wrote a drop-in" \
	'^SystemCallFilter=' "$W/etc-filter.conf"
check_grep "trace --report=filter.conf wrote the drop-in" '^\[Service\]$' "$W/filter.conf"
check "run --export=oci filter.json wrote OCI JSON" jq -e '.defaultAction' "$W/filter.json"
check "strace -f -c -o calls.txt left a table suggest reads" "$CALLGROUPS" suggest "$W/calls.txt"

done_testing
