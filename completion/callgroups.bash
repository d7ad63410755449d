# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion for callgroups(1)

_callgroups_groups()
{
	callgroups groups --json 2>/dev/null | sed -n 's/^ *"name": "\(@[^"]*\)".*/\1/p'
}

_callgroups()
{
	local cur prev cmd
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	local commands="suggest trace check explain-crash run groups explain"
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $cur in
	--systemd=*)
		COMPREPLY=($(compgen -W "auto 247 252 254 257 262 all" -- "${cur#--systemd=}"))
		return ;;
	--format=*)
		COMPREPLY=($(compgen -W "text json dropin" -- "${cur#--format=}"))
		return ;;
	--input-format=*)
		COMPREPLY=($(compgen -W "auto summary log list" -- "${cur#--input-format=}"))
		return ;;
	--backend=*)
		COMPREPLY=($(compgen -W "auto bpf ptrace" -- "${cur#--backend=}"))
		return ;;
	--architectures=*)
		COMPREPLY=($(compgen -W "native x86-64 x86 x32" -- "${cur#--architectures=}"))
		return ;;
	--export=*)
		COMPREPLY=($(compgen -W "bpf oci" -- "${cur#--export=}"))
		return ;;
	esac
	case $prev in
	-p|--pid)
		COMPREPLY=($(compgen -W "$(ls /proc | grep '^[0-9]')" -- "$cur"))
		return ;;
	--unit)
		COMPREPLY=($(compgen -W "$(systemctl list-units --type=service --no-legend --plain 2>/dev/null | awk '{print $1}')" -- "$cur"))
		return ;;
	esac
	local opts
	case $cmd in
	suggest) opts="--format= --systemd= --input-format= --output= --help" ;;
	trace) opts="--output= --pid= --unit= --cgroup= --backend= --no-errors --no-report --format= --systemd= --help" ;;
	check) opts="--filter= --errno= --architectures= --root= --systemd= --no-analyze --json --help" ;;
	explain-crash) opts="--unit= --root= --systemd= --json --help" ;;
	run) opts="--filter= --errno= --architectures= --log= --unit= --systemd= --complain --report= --export= --help" ;;
	groups) opts="--systemd= --json --help" ;;
	explain) opts="--systemd= --json --help" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace
		return
	fi
	if [ "$cmd" = groups ] || { [ "$cmd" = run ] && [[ $cur == @* ]]; }; then
		COMPREPLY=($(compgen -W "$(_callgroups_groups)" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _callgroups callgroups
