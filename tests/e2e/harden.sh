#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The harden rows of `make check-e2e`: one boot per systemd version in which
# harden-inside.sh takes a long-running service through `callgroups harden`
# (see tests/e2e/README.md, "harden"). The host side runs what needs the
# host's kernel: `harden start --cgroup` (eBPF, which cannot load inside the
# container's PID namespace) and `harden watch --cgroup` (the kernel log,
# which the container cannot read), on the unit's cgroup as the host sees it
# and with --root=/proc/PID/root (the container's files).
#
#   tests/e2e/harden.sh BUILD [--table]
#
# Results in BUILD/e2e/results/SUITE-harden/rows.tsv (run.sh prints them in
# its table); with --table (running alone) prints the rows and "N passed, N
# failed" and exits 1 if anything failed. Environment as run.sh
# (CG_E2E_SUITES, CG_E2E_CACHE, CG_E2E_BOOT_TIMEOUT). Run it under
# `flock /tmp/cg-e2e.lock`, as every e2e run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "${1:-build}")
table=${2:-}
out=$build/e2e
CG=$build/callgroups
suites=${CG_E2E_SUITES:-bullseye bookworm trixie}
declare -A version=([bullseye]=247 [bookworm]=252 [trixie]=257)
UNIT='cg-hardend.service'

log() { echo "e2e harden: $*" >&2; }
[ "$(id -u)" = 0 ] || { log "must run as root"; exit 1; }
for b in "$CG" "$out/bin/callgroups" "$out/bin/hardend"; do
	[ -x "$b" ] || { log "build first: make BUILD=$build check-e2e ($b missing)"; exit 1; }
done

stage=$out/stage-harden
rm -rf "$stage"
mkdir -p "$stage/bin"
cp "$here/inside.sh" "$here/lib-cg.sh" "$here/harden-inside.sh" "$stage/"
cp -r "$here/services" "$here/files" "$stage/"
cp "$out/bin/callgroups" "$out/bin/hardend" "$stage/bin/"
echo "CG_E2E_SERVICES=''" >"$stage/env"

# The unit's cgroup as the host sees it (a cgroup v2 directory).
unit_cgroup() {
	local d
	while read -r d; do
		[ -e "$d/cgroup.controllers" ] && { echo "$d"; return 0; }
	done < <(find /sys/fs/cgroup -maxdepth 12 -type d -name "$UNIT" 2>/dev/null)
	return 1
}

# host_side RESULTS: answers the container's req.KIND files until killed.
host_side() {
	local h=$1/harden kind cg pid cmd
	set +e
	while :; do
		for kind in bpfstart watch; do
			[ -e "$h/req.$kind" ] && [ ! -e "$h/$kind.handled" ] || continue
			touch "$h/$kind.handled"
			cg=$(unit_cgroup)
			pid=$(head -n 1 "$cg/cgroup.procs" 2>/dev/null)
			if [ -z "$cg" ] || [ -z "$pid" ]; then
				echo "no cgroup (or no process) of $UNIT on the host" >"$h/$kind.err"
				echo 1 >"$h/$kind.rc"
				continue
			fi
			case $kind in
			bpfstart) cmd=(start "$UNIT" --cgroup="$cg") ;;
			watch) cmd=(watch "$UNIT" --cgroup="$cg") ;;
			esac
			"$CG" harden --root="/proc/$pid/root" "${cmd[@]}" >"$h/$kind.out" 2>"$h/$kind.err" &
			local tp=$!
			for _ in $(seq 100); do
				grep -q '^callgroups: watching' "$h/$kind.err" 2>/dev/null && break
				kill -0 "$tp" 2>/dev/null || break
				sleep 0.1
			done
			# eBPF: "attached" says no call is missed from here on.
			[ "$kind" = bpfstart ] && for _ in $(seq 50); do
				grep -q 'attached' "$h/$kind.err" 2>/dev/null && break
				kill -0 "$tp" 2>/dev/null || break
				sleep 0.1
			done
			touch "$h/$kind.ready"
			for _ in $(seq 600); do
				[ -e "$h/$kind.done" ] && break
				kill -0 "$tp" 2>/dev/null || break
				sleep 0.1
			done
			kill -INT "$tp" 2>/dev/null
			wait "$tp"
			echo $? >"$h/$kind.rc"
		done
		sleep 0.1
	done
}

# The kernel prints the records of SystemCallLog= (no auditd here) through
# printk's rate limit; watch must see each.
old_ratelimit=$(cat /proc/sys/kernel/printk_ratelimit 2>/dev/null || true)
hs_pid=
cleanup() {
	[ -z "$hs_pid" ] || kill "$hs_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	[ -z "$old_ratelimit" ] || echo "$old_ratelimit" >/proc/sys/kernel/printk_ratelimit || true
}
trap cleanup EXIT
[ -z "$old_ratelimit" ] || echo 0 >/proc/sys/kernel/printk_ratelimit || true

mkdir -p "$out/results"
for s in $suites; do
	res=$out/results/$s-harden
	rm -rf "$res"
	mkdir -p "$res/harden"
	echo harden >"$res/mode"
	root=$("$here/mkroot.sh" "$s" 2>"$res/mkroot.log") || { log "no root for $s"; continue; }
	host_side "$res" &
	hs_pid=$!
	rc=0
	"$here/boot.sh" "$root" "$stage" "$res" "${CG_E2E_BOOT_TIMEOUT:-600}" >"$res/console.log" 2>&1 || rc=$?
	kill "$hs_pid" 2>/dev/null || true
	wait "$hs_pid" 2>/dev/null || true
	hs_pid=
	[ "$rc" = 0 ] && [ -e "$res/done" ] || log "$s: the container did not finish (boot.sh exit $rc)"
done

# The rows every version must have.
harden_rows="harden-bpf-in-container-refused harden-start-bpf-no-restart harden-start-manager-calls-apart harden-start-restart-ptrace
harden-status harden-stage-form-accepted harden-stage-extra-unharmed harden-watch-reports-extra
harden-enforce-job-works harden-enforce-forbidden-killed-as-check-predicts harden-reset-cat-identical
harden-syscalllog-forms-as-check-models"
echo "$harden_rows" | tr ' ' '\n' >"$out/results/harden-expected"
[ "$table" = --table ] || exit 0
pass=0 fail=0
for s in $suites; do
	v=${version[$s]}
	for e in $harden_rows; do
		line=$(awk -F'\t' -v e="$e" -v v="$v" '$3 == e && $2 == v' "$out/results/$s-harden/rows.tsv" 2>/dev/null | tail -n 1)
		r=$(cut -f4 <<<"$line")
		d=$(cut -f5 <<<"$line")
		[ -n "$r" ] || { r=fail d="no result (see $s-harden/console.log)"; }
		[ "$r" = pass ] && pass=$((pass + 1)) || fail=$((fail + 1))
		printf '%-7s %-7s %-50s %-5s %s\n' harden "$v" "$e" "$r" "${d:0:150}"
	done
done
echo
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
