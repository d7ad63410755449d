#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds (once) a minimal Debian root file system for one suite with
# debootstrap and caches it outside the repository, keyed by suite and
# package list, so later runs reuse it without downloading anything.
#
#   tests/e2e/mkroot.sh SUITE      prints the cached root's directory
#
# Environment: CG_E2E_CACHE (default /var/cache/callgroups-e2e),
# CG_E2E_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

suite=${1:?usage: mkroot.sh SUITE}
cache=${CG_E2E_CACHE:-/var/cache/callgroups-e2e}
mirror=${CG_E2E_MIRROR:-http://deb.debian.org/debian}

# What every root holds: systemd to boot, the services under test (nginx,
# sqlite3, python3), a client (curl) and strace as a clearly marked fallback
# recorder. nginx-light keeps bullseye/bookworm free of the module packages
# (libgd pulls in X libraries); trixie has only the plain nginx package.
common="systemd,dbus,curl,sqlite3,python3,strace"
case $suite in
bullseye | bookworm) pkgs="$common,nginx-light" ;;
trixie) pkgs="$common,nginx" ;;
*) echo "mkroot.sh: unknown suite $suite" >&2; exit 2 ;;
esac

key=$(printf '%s\n' "$suite" "$pkgs" "v1" | sha256sum | cut -c1-12)
root="$cache/$suite-$key"
if [ -e "$root/.cg-e2e-complete" ]; then
	echo "$root"
	exit 0
fi

mkdir -p "$cache"
tmp="$root.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
start=$(date +%s)
echo "mkroot: debootstrap $suite ($pkgs) into $root" >&2
# One retry: a download cut short by the network is the likely failure.
for attempt in 1 2; do
	rm -rf "$tmp"
	if debootstrap --variant=minbase --include="$pkgs" "$suite" "$tmp" "$mirror" \
		>"$cache/$suite.debootstrap.log" 2>&1; then
		break
	fi
	tail -n 30 "$cache/$suite.debootstrap.log" >&2
	echo "mkroot: debootstrap $suite failed, attempt $attempt (log: $cache/$suite.debootstrap.log)" >&2
	[ "$attempt" = 2 ] && exit 1
	sleep 5
done
# Nothing the tests do needs these; keep the cache small and boot quiet.
rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*
# nginx in the packages is enabled by default: the tests start their own
# units, so the packaged one must not hold port 80 first.
rm -f "$tmp"/etc/systemd/system/multi-user.target.wants/nginx.service
# A fixed machine id and an empty root password are not needed: the tests
# never log in. Mark the tree complete last, then publish it atomically.
echo "$suite $pkgs" >"$tmp/.cg-e2e-complete"
rm -rf "$root"
mv "$tmp" "$root"
trap - EXIT
echo "mkroot: $suite done in $(($(date +%s) - start))s ($(du -sm "$root" | cut -f1) MiB)" >&2
echo "$root"
