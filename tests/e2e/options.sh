# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2154 # row, R, V, CG come from inside.sh
# The hardening options under real systemd (issue 14), sourced by inside.sh
# after the services of the first round. For each case, /e2e/bin/optprobe
# (tests/progs/optprobe.c, static) makes the one call an option refuses, as
# a oneshot unit:
#   1. traced outside any unit (trace --backend=ptrace keeps the argument
#      evidence) into a profile;
#   2. `callgroups check --systemd=V` on the unit with the option tightened
#      and with it relaxed: what it predicts (refused, and with which errno);
#   3. the unit run by systemd, tightened: the call must fail with the errno
#      check predicted (the rows opt-CASE-refused); relaxed: it must work
#      (opt-CASE-relaxed-works);
#   4. `callgroups run --unit=... --systemd=V` with the same drop-in must
#      give the same answer, both ways (opt-CASE-run-agrees).
# Cases whose call fails in the container even without any option (an
# nspawn container lacks CAP_SYSLOG) are listed in options/skipped.txt and
# give no row. Then, per service of the first round, the overall exposure
# systemd-analyze security gives its unit without hardening, with our
# SystemCallFilter= lines and with the full recommendation
# (options/exposure.tsv, row exposure).

opt_dir=$R/options
mkdir -p "$opt_dir"

# CASE|PROBE|TIGHT LINE|RELAXED LINE (added after the tight one)
opt_cases() {
	cat <<'EOF'
af-inet|socket inet|RestrictAddressFamilies=AF_UNIX|RestrictAddressFamilies=AF_INET
mdwe-jit|wx|MemoryDenyWriteExecute=yes|MemoryDenyWriteExecute=no
ns-unshare|unshare user|RestrictNamespaces=yes|RestrictNamespaces=user
suid-file|suid /var/tmp|RestrictSUIDSGID=yes|RestrictSUIDSGID=no
mdwe-mprotect|mprotect-exec|MemoryDenyWriteExecute=yes|MemoryDenyWriteExecute=no
ns-net|unshare net|RestrictNamespaces=~net|RestrictNamespaces=net
personality|personality|LockPersonality=yes|LockPersonality=no
realtime|realtime|RestrictRealtime=yes|RestrictRealtime=no
clock|clock|ProtectClock=yes|ProtectClock=no
hostname|hostname|ProtectHostname=yes|ProtectHostname=no
syslog|syslog|ProtectKernelLogs=yes|ProtectKernelLogs=no
EOF
}

# opt_unit CASE PROBE LINE...: installs cg-opt.service running the probe,
# its output in $opt_dir/CASE.PHASE.out (PHASE from $opt_phase).
opt_unit() {
	local c=$1 probe=$2
	shift 2
	rm -rf /etc/systemd/system/cg-opt.service.d
	cat >/etc/systemd/system/cg-opt.service <<EOF
[Unit]
Description=callgroups e2e: optprobe $probe
[Service]
Type=oneshot
ExecStart=/e2e/bin/optprobe $probe
StandardOutput=file:$opt_dir/$c.$opt_phase.out
StandardError=journal
EOF
	if [ $# -gt 0 ]; then
		mkdir -p /etc/systemd/system/cg-opt.service.d
		{
			echo '[Service]'
			printf '%s\n' "$@"
		} >/etc/systemd/system/cg-opt.service.d/50-option.conf
	fi
	systemctl daemon-reload
}

# The answer of a probe's output: "ok" or the errno name.
opt_answer() { sed -n '1s/^[^:]*: //p' "$1" 2>/dev/null; }

# What check predicts for the unit as it stands: "ok" or the errno it names
# for the probe's call (exit 1); "?" when it says something else.
opt_predict() { # PROFILE
	local out rc
	out=$("$CG" check --no-analyze --systemd="$V" cg-opt.service "$1" 2>&1)
	rc=$?
	echo "$out" >"$opt_dir/$c.$opt_phase.check"
	if [ "$rc" = 0 ]; then
		echo ok
	elif [ "$rc" = 1 ]; then
		echo "$out" | awk '/ fails with / && !/falls back/ {
			for (i = 1; i < NF; i++) if ($i == "with") { print $(i + 1); exit } }'
	else
		echo "?"
	fi
}

opt_case() { # CASE PROBE TIGHT RELAXED
	local c=$1 probe=$2 tight=$3 relaxed=$4 call prof native
	# shellcheck disable=SC2086 # the probe's words
	native=$(/e2e/bin/optprobe $probe 2>&1 | head -n 1)
	call=${native%%:*}
	if [ "${native#*: }" != ok ]; then
		echo "$c: '$probe' fails here without any option: $native" >>"$opt_dir/skipped.txt"
		return
	fi
	prof=$opt_dir/$c.profile
	# shellcheck disable=SC2086
	"$CG" trace --backend=ptrace -o "$prof" -- /e2e/bin/optprobe $probe >/dev/null 2>"$opt_dir/$c.trace.err"
	local opt_phase p want got run_got detail=""
	local agree=1 run_agree=1
	for opt_phase in tight relaxed; do
		if [ $opt_phase = tight ]; then
			opt_unit "$c" "$probe" "$tight"
		else
			opt_unit "$c" "$probe" "$tight" "$relaxed"
		fi
		p=$(opt_predict "$prof")
		rm -f "$opt_dir/$c.$opt_phase.out"
		systemctl start cg-opt.service >/dev/null 2>&1
		got=$(opt_answer "$opt_dir/$c.$opt_phase.out")
		# shellcheck disable=SC2086
		run_got=$("$CG" run --unit=cg-opt.service --systemd="$V" -- /e2e/bin/optprobe $probe 2>/dev/null | sed -n '1s/^[^:]*: //p')
		detail="$detail$opt_phase: systemd $got, check $p, run $run_got; "
		[ "$p" = "$got" ] || agree=0
		[ "$run_got" = "$got" ] || run_agree=0
		if [ $opt_phase = tight ]; then
			if [ "$got" != ok ] && [ -n "$got" ] && [ "$p" = "$got" ]; then
				row options "opt-$c-refused" pass "$tight: $call fails with $got, as check --systemd=$V predicted"
			else
				row options "opt-$c-refused" fail "$tight: systemd says '${got:-nothing}', check predicted '$p'"
			fi
		else
			if [ "$got" = ok ] && [ "$p" = ok ]; then
				row options "opt-$c-relaxed-works" pass "with $relaxed after it: $call works, check predicted it"
			else
				row options "opt-$c-relaxed-works" fail "with $relaxed: systemd says '${got:-nothing}', check predicted '$p'"
			fi
		fi
	done
	if [ "$run_agree" = 1 ]; then
		row options "opt-$c-run-agrees" pass "$detail"
	else
		row options "opt-$c-run-agrees" fail "$detail"
	fi
	rm -rf /etc/systemd/system/cg-opt.service /etc/systemd/system/cg-opt.service.d
	systemctl daemon-reload
}

: >"$opt_dir/skipped.txt"
while IFS='|' read -r c probe tight relaxed; do
	opt_case "$c" "$probe" "$tight" "$relaxed"
done < <(opt_cases)

# The overall exposure of each service's unit, as systemd-analyze security
# (online, this very systemd) scores it: no hardening, our SystemCallFilter=
# lines alone (the SystemCall* lines of the drop-in suggest recommended in
# the first round), and that whole drop-in (the lines plus every option the
# argument evidence allows).
opt_exposure() { # UNIT
	systemd-analyze security "$1" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' | tail -n 1
}
for s in ${CG_E2E_SERVICES:-worker python sqlite nginx}; do
	[ -e "/e2e/services/$s.sh" ] || continue
	(
		# shellcheck disable=SC1090
		. "/e2e/services/$s.sh"
		install_unit "$s" ""
		none=$(opt_exposure "cg-$s.service")
		filt='' full='' nopt=0
		if [ -s "$R/$s/dropin.conf" ]; then
			{
				echo '[Service]'
				grep '^SystemCall' "$R/$s/dropin.conf"
			} >"$opt_dir/$s-filter.conf"
			install_unit "$s" "" "$opt_dir/$s-filter.conf"
			filt=$(opt_exposure "cg-$s.service")
			install_unit "$s" "" "$R/$s/dropin.conf"
			full=$(opt_exposure "cg-$s.service")
			nopt=$(grep -cE '^(RestrictAddressFamilies|RestrictNamespaces|MemoryDenyWriteExecute|LockPersonality|RestrictRealtime|RestrictSUIDSGID|ProtectClock|ProtectHostname|ProtectKernelLogs|ProtectKernelTunables)=' "$R/$s/dropin.conf")
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$V" "${none:-?}" "${filt:-?}" "${full:-?}" "$nopt" >>"$opt_dir/exposure.tsv"
		if [ -n "$none" ] && [ -n "$filt" ] && [ -n "$full" ]; then
			row "$s" exposure pass "systemd-analyze security: $none without hardening, $filt with our SystemCallFilter= lines, $full with the full recommendation ($nopt option lines)"
		else
			row "$s" exposure fail "systemd-analyze security gave '${none:-nothing}' / '${filt:-nothing}' / '${full:-nothing}'"
		fi
		rm -rf "/etc/systemd/system/cg-$s.service" "/etc/systemd/system/cg-$s.service.d"
		systemctl daemon-reload
	)
done
