#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the Debian packages callgroups builds and tests with, when some
# are missing. Needs root for apt-get; without it, names what to install.
#   tools/install-deps.sh [--bench]
# --bench adds the peers bench/trace-overhead compares with (bpftrace,
# linux-perf for perf trace); make check does not need them.
set -eu
PKGS="gcc make pkg-config libseccomp-dev libjson-c-dev libcmocka-dev gcc-multilib strace systemd clang libclang-rt-14-dev jq libbpf-dev bpftool llvm procps libcap2-bin cppcheck clang-format zsh patch"
[ "${1:-}" = --bench ] && PKGS="$PKGS bpftrace linux-perf"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "callgroups needs these Debian packages:$missing" >&2
	echo "install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
