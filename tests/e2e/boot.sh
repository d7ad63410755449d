#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Boots a cached root once in systemd-nspawn and runs the test driver in it.
#
#   tests/e2e/boot.sh ROOT E2EDIR RESULTS [TIMEOUT]
#
# ROOT stays untouched: the container runs on an overlayfs whose upper layer
# is a temporary directory. E2EDIR (scripts, static binaries, unit
# templates) is bound read-only at /e2e, RESULTS read-write at /results.
# Inside, cg-e2e.service runs /e2e/inside.sh, then powers the machine off.
# The container has its own network namespace with only loopback.
# Exit status: nspawn's (0 when the container powered off cleanly); 124
# when it had to be stopped after TIMEOUT seconds. Everything it mounted or
# started is gone when it returns, whatever happened.
set -euo pipefail

root=${1:?usage: boot.sh ROOT E2EDIR RESULTS [TIMEOUT]}
e2edir=$(realpath "${2:?}")
results=$(realpath "${3:?}")
limit=${4:-300}

work=$(mktemp -d /tmp/cg-e2e-boot.XXXXXX)
nspawn_pid=
cleanup() {
	set +e
	if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
		kill -TERM "$nspawn_pid" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$nspawn_pid" 2>/dev/null || break
			sleep 1
		done
		kill -KILL "$nspawn_pid" 2>/dev/null
		wait "$nspawn_pid" 2>/dev/null
	fi
	# Anything still running in the container (nspawn killed hard leaves
	# its init behind): the processes whose root is our tree, and no other.
	local p left=0
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$work/merged" ] || continue
		kill -KILL "${p#/proc/}" 2>/dev/null && left=$((left + 1))
	done
	[ "$left" = 0 ] || { echo "boot.sh: killed $left leftover container processes" >&2; sleep 0.5; }
	if mountpoint -q "$work/merged"; then
		umount "$work/merged" || umount -l "$work/merged"
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/upper" "$work/work" "$work/merged"
mount -t overlay overlay -o "lowerdir=$root,upperdir=$work/upper,workdir=$work/work" \
	"$work/merged"

m=$work/merged
cat >"$m/etc/systemd/system/cg-e2e.service" <<'UNIT'
[Unit]
Description=callgroups end-to-end test driver
After=multi-user.target
Wants=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/bash /e2e/inside.sh
ExecStopPost=/bin/systemctl --no-block poweroff
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity
UNIT
mkdir -p "$m/etc/systemd/system/multi-user.target.wants"
ln -sf ../cg-e2e.service "$m/etc/systemd/system/multi-user.target.wants/cg-e2e.service"
# Quieter, quicker boots: nothing the tests use needs these.
for u in systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer \
	e2scrub_all.timer fstrim.timer man-db.timer dpkg-db-backup.timer \
	logrotate.timer; do
	ln -sf /dev/null "$m/etc/systemd/system/$u"
done

# The host has no systemd as PID 1 (no machined, no scope units to create):
# --register=no --keep-unit. systemd >= 256 refuses cgroup v1; a unified
# hierarchy for the container suits all three versions.
export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=${SYSTEMD_NSPAWN_UNIFIED_HIERARCHY:-1}
systemd-nspawn -q -b --register=no --keep-unit --private-network \
	--console=read-only --machine="cg-e2e-$$" -D "$m" \
	--bind-ro="$e2edir:/e2e" --bind="$results:/results" &
nspawn_pid=$!
deadline=$((SECONDS + limit))
while kill -0 "$nspawn_pid" 2>/dev/null; do
	if [ "$SECONDS" -ge "$deadline" ]; then
		echo "boot.sh: container still running after ${limit}s, stopping it" >&2
		cleanup
		trap - EXIT
		exit 124
	fi
	sleep 0.2
done
rc=0
wait "$nspawn_pid" || rc=$?
nspawn_pid=
exit "$rc"
