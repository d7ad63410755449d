# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# The host side of the hardening-option rows (options.sh runs in the
# containers), sourced by run.sh: what goes into the stage, and which rows
# the table expects.

# The cases every version must show (options.sh): AF_INET, a JIT-like W+X
# mapping, unshare of a namespace, a set-uid file.
OPT_REQUIRED="af-inet mdwe-jit ns-unshare suid-file"

options_stage() { # STAGE BINDIR
	cp "$here/options.sh" "$1/"
	cp "$2/optprobe" "$1/bin/"
}

# "SERVICE EXPECTATION" lines for one version's results directory: the
# required cases' three rows each, any other case options.sh ran (one whose
# call fails in the container without any option gives none: see
# options/skipped.txt), and each service's exposure row.
options_expected() { # RESULTS SERVICE...
	local d=$1 c e
	shift
	for c in $OPT_REQUIRED; do
		for e in refused relaxed-works run-agrees; do
			echo "options opt-$c-$e"
		done
	done
	awk -F'\t' '$1 == "options" { print $3 }' "$d/rows.tsv" 2>/dev/null | sort -u |
		while read -r e; do
			case " $OPT_REQUIRED " in *" $(echo "$e" | sed 's/^opt-//; s/-\(refused\|relaxed-works\|run-agrees\)$//') "*) continue ;; esac
			echo "options $e"
		done
	for c in "$@"; do
		echo "$c exposure"
	done
}
