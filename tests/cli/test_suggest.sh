#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups suggest end to end: every shipped strace sample, every input
# form of the same run, stdin, garbage, and the exposure rows against
# systemd-analyze security itself.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS

# Every real strace sample: exit 0, verified, and each observed call passes
# the recommended lines (checked again by `check`, which applies systemd's
# rules independently of the recommender).
for f in "$FIX"/strace/strace-*.txt; do
	n=$(basename "$f")
	if ! $CG suggest --format=json "$f" >"$TMP/s.json" 2>"$TMP/err"; then
		not_ok "suggest $n exits 0"; sed 's/^/# /' "$TMP/err"; continue
	fi
	check_eq "suggest $n: recommendation verified" \
		"$(jq -r '[.recommended.verified, .tight.verified, .deny_list.verified] | all' "$TMP/s.json")" true
	jq -r '.observed[].name' "$TMP/s.json" | sort -u >"$TMP/used"
	# Independent re-check: apply the recommended lines with `explain`-free
	# plain semantics through `check --filter`.
	args=()
	while IFS= read -r l; do args+=(--filter "$l"); done < <(jq -r '.recommended.SystemCallFilter[]' "$TMP/s.json")
	check_status "suggest $n: check finds nothing denied" 0 $CG check "${args[@]}" "$f"
done

# The workload, traced by real strace in every form, gives one recommendation.
W="$PROGS/workload"
if [ -x "$W" ] && command -v strace >/dev/null; then
	cd "$TMP" || exit 1
	strace -f -c -o wl.c "$W"
	strace -f -o wl.log "$W"
	strace -ff -o wl.ff "$W"
	strace -f -C -o wl.C "$W" 2>/dev/null
	awk '/^-/ {t++; next} t==1 {print $NF}' wl.c >wl.list
	# The seccomp-backed options need call arguments, which only the logs
	# have (tests/cli/test_options.sh): compared among the logs.
	OPTS='^(RestrictAddressFamilies|RestrictNamespaces|MemoryDenyWriteExecute|LockPersonality|RestrictRealtime|RestrictSUIDSGID|ProtectClock|ProtectHostname|ProtectKernelLogs|ProtectKernelTunables)='
	for form in wl.c wl.log wl.ff wl.C wl.list; do
		$CG suggest --format=dropin "$form" | grep -v '^#' >"all.$form"
		grep -vE "$OPTS" "all.$form" >"rec.$form"
		grep -E "$OPTS" "all.$form" >"opt.$form"
	done
	for form in wl.log wl.ff wl.C wl.list; do
		if cmp -s rec.wl.c "rec.$form"; then ok "same recommendation from -c table and $form"
		else not_ok "same recommendation from -c table and $form"; diff rec.wl.c "rec.$form" | sed 's/^/# /'; fi
	done
	for form in wl.ff wl.C; do
		if [ -s opt.wl.log ] && cmp -s opt.wl.log "opt.$form"; then ok "same options from wl.log and $form"
		else not_ok "same options from wl.log and $form"; diff opt.wl.log "opt.$form" | sed 's/^/# /'; fi
	done
	# Run the workload under the recommended lines (callgroups run builds
	# the filter systemd would build).
	if $CG run --help >/dev/null 2>&1; then
		args=()
		while IFS= read -r l; do args+=(--filter "$l"); done < <(grep '^SystemCallFilter=' rec.wl.c | cut -d= -f2-)
		check_status "workload runs under its recommended filter" 0 $CG run --architectures=native "${args[@]}" -- "$W"
		check_status "workload is killed without @process (fork denied)" 159 \
			$CG run --filter '@basic-io @file-system @signal' -- "$W"
	else
		not_ok "callgroups run is not available to run the workload under its filter"
	fi
	cd - >/dev/null || exit 1
else
	not_ok "workload program or strace missing"
fi

# Plain list on stdin.
check "list on stdin" bash -c "printf 'read\nwrite\nchown\n' | $CG suggest -"
check_grep "stdin list: chown re-added" 'SystemCallFilter=.*chown' "$TMP/out"
check_grep "stdin list: native ABI" 'SystemCallArchitectures=native' "$TMP/out"
# Garbage: exit 2 with file and line.
printf 'read write\n# fine so far\nThis line is prose, not a list of calls.\n' >"$TMP/garbage.txt"
check_status "garbage file: exit 2" 2 $CG suggest "$TMP/garbage.txt"
check_grep "garbage file: error names file and line" 'garbage.txt:3:' "$TMP/err"
check_status "binary input: exit 2" 2 $CG suggest /bin/true
check_status "missing file: exit 2" 2 $CG suggest /nonexistent/file
check_status "no input: exit 2" 2 $CG suggest
check_status "bad --format: exit 2" 2 $CG suggest --format=xml "$FIX/strace/strace-6.1-f-c.txt"
check_status "unknown systemd version: exit 2" 2 $CG suggest --systemd=199 "$FIX/strace/strace-6.1-f-c.txt"
check "--help" $CG suggest --help
check_grep "--help lists the formats" 'dropin' "$TMP/out"

# -o writes the file through a temporary name.
check "-o writes a file" $CG suggest --format=dropin -o "$TMP/out.conf" "$FIX/strace/strace-6.1-f-c.txt"
check_grep "-o file is a drop-in" '^\[Service\]' "$TMP/out.conf"

# Exposure rows: what we print for the recommended lines equals what
# systemd-analyze security prints for a unit file holding them.
if command -v systemd-analyze >/dev/null; then
	for f in "$FIX"/strace/strace-6.1-f-c.txt "$FIX"/strace/strace-6.13-f-c-m32.txt \
		 "$TOP_SRCDIR"/data/demo/backup-job-strace-f-c.txt; do
		n=$(basename "$f")
		$CG suggest --systemd=auto --format=json "$f" >"$TMP/s.json"
		{ echo "[Service]"; echo "ExecStart=/bin/true"
		  $CG suggest --systemd=auto --format=dropin "$f" | grep -E '^System'; } >"$TMP/rec.service"
		systemd-analyze security --offline=true --json=short "$TMP/rec.service" >"$TMP/sa.json" 2>/dev/null
		want=$(jq -c '[.[] | select(.name | startswith("SystemCall")) | select(.name != "SystemCallErrorNumber=") | {name, set, exposure, description}] | sort_by(.name)' "$TMP/sa.json")
		got=$(jq -c '[.exposure.after.rows[] | {name, set, exposure, description}] | sort_by(.name)' "$TMP/s.json")
		check_eq "$n: exposure rows equal systemd-analyze security" "$got" "$want"
	done
else
	skip "systemd-analyze not installed: exposure rows not compared"
fi
done_testing
