# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion for callgroups(1).
#
# Works on plain bash (the bash-completion package is not needed; when it is
# loaded, its _command_offset completes the command after `--`). What the
# binary can tell is asked from the binary, so the completion follows the
# binary it completes: its commands and each command's options (--help), the
# values an option takes (its complaint about a bad one: "expected a, b or
# c"), the shipped systemd versions, the group names (`callgroups groups`, for
# the --systemd given on the line) and the system call names.
#
# The line is read from COMP_LINE up to COMP_POINT with a small shell lexer
# instead of COMP_WORDS, because COMP_WORDS is split at COMP_WORDBREAKS
# ("--systemd=2" is three words, "@basic" two, "'@a b" one). Candidates are
# built as whole words and then cut to the text readline will replace: what
# follows the last unquoted break character (readline keeps a leading @ or
# $), or what follows an open quote. So `--systemd=2`, `--systemd 2`,
# `--filter '@system-service ~@pr` and `~@pr` all come out right, whether or
# not COMP_WORDBREAKS holds = and @.

# Used when the binary cannot be asked.
_callgroups_commands=(suggest groups explain trace check explain-crash run harden)

# Errno names for SystemCallErrorNumber= (the binary has no list to ask).
# The aliases ENOTSUP, EWOULDBLOCK and EDEADLOCK only where the binary takes
# them (_callgroups_errno_aliases).
_callgroups_errnos=(E2BIG EACCES EADDRINUSE EADDRNOTAVAIL EADV EAFNOSUPPORT EAGAIN
EALREADY EBADE EBADF EBADFD EBADMSG EBADR EBADRQC EBADSLT EBFONT EBUSY ECANCELED
ECHILD ECHRNG ECOMM ECONNABORTED ECONNREFUSED ECONNRESET EDEADLK EDESTADDRREQ EDOM
EDOTDOT EDQUOT EEXIST EFAULT EFBIG EHOSTDOWN EHOSTUNREACH EHWPOISON EIDRM EILSEQ
EINPROGRESS EINTR EINVAL EIO EISCONN EISDIR EISNAM EKEYEXPIRED EKEYREJECTED
EKEYREVOKED EL2HLT EL2NSYNC EL3HLT EL3RST ELIBACC ELIBBAD ELIBEXEC ELIBMAX ELIBSCN
ELNRNG ELOOP EMEDIUMTYPE EMFILE EMLINK EMSGSIZE EMULTIHOP ENAMETOOLONG ENAVAIL
ENETDOWN ENETRESET ENETUNREACH ENFILE ENOANO ENOBUFS ENOCSI ENODATA ENODEV ENOENT
ENOEXEC ENOKEY ENOLCK ENOLINK ENOMEDIUM ENOMEM ENOMSG ENONET ENOPKG ENOPROTOOPT
ENOSPC ENOSR ENOSTR ENOSYS ENOTBLK ENOTCONN ENOTDIR ENOTEMPTY ENOTNAM ENOTRECOVERABLE
ENOTSOCK ENOTTY ENOTUNIQ ENXIO EOPNOTSUPP EOVERFLOW EOWNERDEAD EPERM
EPFNOSUPPORT EPIPE EPROTO EPROTONOSUPPORT EPROTOTYPE ERANGE EREMCHG EREMOTE
EREMOTEIO ERESTART ERFKILL EROFS ESHUTDOWN ESOCKTNOSUPPORT ESPIPE ESRCH ESRMNT
ESTALE ESTRPIPE ETIME ETIMEDOUT ETOOMANYREFS ETXTBSY EUCLEAN EUNATCH EUSERS
EXDEV EXFULL)

# The binary to ask: the one on the line when it names a file, else PATH's.
_callgroups_bin()
{
	local b=${_cg_w[0]}
	[[ $b == \~/* ]] && b=$HOME/${b#\~/}
	if [[ $b == */* && -x $b && ! -d $b ]]; then
		printf '%s\n' "$b"
	else
		printf '%s\n' callgroups
	fi
}

# _callgroups_lex LINE: split LINE (the line up to the cursor) as the shell
# would into _cg_w (words, quotes removed; the last one is the word being
# completed, maybe empty) and _cg_wpos (where each starts in LINE). _cg_tstart
# is where, in the last word's unquoted text, readline's completion text
# starts.
_callgroups_lex()
{
	local line=$1 i n=${#1} c q='' w='' started=0 brk
	brk=${COMP_WORDBREAKS-$' \t\n"\'><=;|&(:'}
	_cg_w=() _cg_wpos=() _cg_tstart=0
	local start=0
	for ((i = 0; i < n; i++)); do
		c=${line:i:1}
		if [[ $q == "'" ]]; then
			if [[ $c == "'" ]]; then q=; else w+=$c; fi
			continue
		fi
		if [[ $q == '"' ]]; then
			if [[ $c == '"' ]]; then
				q=
			elif [[ $c == '\' && $((i + 1)) -lt $n && ${line:i+1:1} == [\$\`\"\\] ]]; then
				i=$((i + 1)); w+=${line:i:1}
			else
				w+=$c
			fi
			continue
		fi
		case $c in
		[[:blank:]])
			if ((started)); then
				_cg_w+=("$w") _cg_wpos+=("$start")
				w='' started=0 _cg_tstart=0
			fi
			continue ;;
		esac
		if ((!started)); then started=1 start=$i; fi
		case $c in
		"'" | '"')
			q=$c _cg_tstart=${#w} ;;
		'\')
			if ((i + 1 < n)); then i=$((i + 1)); w+=${line:i:1}; fi ;;
		*)
			if [[ $brk == *"$c"* ]]; then
				# readline leaves $ and @ in the word it completes
				if [[ $c == [@\$] ]]; then _cg_tstart=${#w}; else _cg_tstart=$((${#w} + 1)); fi
			fi
			w+=$c ;;
		esac
	done
	((started)) || start=$n
	_cg_w+=("$w") _cg_wpos+=("$start")
}

# _callgroups_reply PREFIX CANDIDATE...: the candidates that complete the
# current word, where each is PREFIX followed by CANDIDATE, cut to the text
# readline replaces.
_callgroups_reply()
{
	local prefix=$1 cur=${_cg_w[-1]} c full
	shift
	for c in "$@"; do
		full=$prefix$c
		[[ $full == "$cur"* ]] && COMPREPLY+=("${full:_cg_tstart}")
	done
}

# _callgroups_split VALUE SEPARATORS: _cg_head is VALUE up to and including
# its last separator, _cg_tail the rest (the item being completed).
_callgroups_split()
{
	_cg_tail=${1##*["$2"]}
	_cg_head=${1:0:${#1}-${#_cg_tail}}
}

# _callgroups_out CMD...: CMD's output lines into the array _cg_out.
_callgroups_out()
{
	_cg_out=()
	mapfile -t _cg_out < <("$@" 2>/dev/null)
}

# The shipped tables, as the binary lists them: "a shipped version (247, 252,
# ...)" in its help, else "shipped: 247, 252, ..." when a version is unknown.
_callgroups_versions()
{
	local b v
	b=$(_callgroups_bin)
	v=$("$b" groups --help 2>&1 | grep -o '[0-9]\{3,\}\(, [0-9]\{3,\}\)\{1,\}' | head -n 1)
	[[ -n $v ]] || v=$("$b" groups --systemd=0 2>&1 | grep -o '[0-9]\{3,\}\(, [0-9]\{3,\}\)\{1,\}' | head -n 1)
	printf '%s\n' "${v//, /$'\n'}"
}

# `callgroups groups` for the --systemd on the line (if it names a table).
_callgroups_table()
{
	local b
	b=$(_callgroups_bin)
	{ [[ -n $_cg_systemd ]] && "$b" groups --systemd="$_cg_systemd" 2>/dev/null; } || "$b" groups 2>/dev/null
}
_callgroups_groups() { _callgroups_table | sed -n 's/^\(@[^[:space:]]*\).*/\1/p'; }
# System call names: every group's members.
_callgroups_syscalls() { _callgroups_table | sed -n 's/^[[:space:]]\{1,\}\([a-z_][a-z0-9_]*\)$/\1/p' | sort -u; }
# Unit files systemctl knows (none when it does not work here).
_callgroups_units() { systemctl list-unit-files --no-legend --no-pager 2>/dev/null | awk '{ print $1 }'; }
_callgroups_pids() { cd /proc && compgen -G '[0-9]*'; }
_callgroups_cmdnames() { compgen -c -- "$1" | sort -u; }

# Whether the binary takes ENOTSUP and its fellow aliases as errno names
# (older ones only took the names strerrorname_np() gives).
_callgroups_errno_aliases()
{
	! "$(_callgroups_bin)" check --no-analyze --filter='~chmod:ENOTSUP chmod:EWOULDBLOCK chmod:EDEADLOCK' \
		</dev/null 2>&1 | grep -q 'expected an errno'
}

# The commands `callgroups --help` lists.
_callgroups_cmdlist()
{
	"$(_callgroups_bin)" --help 2>/dev/null |
		awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }'
}

# _callgroups_parse_help: the options `callgroups CMD --help` (in _cg_help)
# lists, into _cg_opts: " --name" or " --name=" (takes a value), " -x" or
# " -x="; and the long name of each short one into _cg_long.
_callgroups_parse_help()
{
	local l s lg re='^ {1,8}(-[a-zA-Z], +)?(--[a-z][a-z0-9-]*)(=| [A-Z])?'
	_cg_opts=''
	while IFS= read -r l; do
		[[ $l =~ ^Examples?: ]] && break
		[[ $l =~ $re ]] || continue
		s=${BASH_REMATCH[1]%%,*} lg=${BASH_REMATCH[2]}
		[[ -n ${BASH_REMATCH[3]} ]] && lg+='='
		[[ "$_cg_opts " == *" ${lg%=} "* || "$_cg_opts " == *" ${lg%=}= "* ]] && continue
		if [[ -n $s ]]; then
			_cg_long[$s]=${lg%=}
			[[ $lg == *= ]] && s+='='
			_cg_opts+=" $s"
		fi
		_cg_opts+=" $lg"
	done <<<"$_cg_help"
}

# Whether the --systemd paragraph of the help takes all (and lists 247,252).
_callgroups_systemd_all()
{
	local l on=0
	while IFS= read -r l; do
		if [[ $l =~ ^\ {1,8}(-[a-zA-Z],\ +)?--systemd ]]; then
			on=1
		elif ((on)) && [[ -z $l || $l =~ ^\ {1,8}- ]]; then
			break
		fi
		((on)) && [[ " $l " =~ [^a-z]all[^a-z] ]] && return 0
	done <<<"$_cg_help"
	return 1
}

# _callgroups_expected CMD OPT FALLBACK...: the values OPT takes, as the
# binary's complaint about a bad one names them ("expected a, b or c"); the
# --help after it stops the command from doing anything else.
_callgroups_expected()
{
	local cmd=$1 opt=$2 e
	shift 2
	e=$("$(_callgroups_bin)" "$cmd" "$opt=%" --help 2>&1 >/dev/null </dev/null |
		sed -n 's/.*: expected \([a-z0-9_, -]*\)$/\1/p' | head -n 1)
	e=${e//,/ }
	e=${e// or / }
	if [[ -n ${e// /} ]]; then printf '%s\n' $e; else printf '%s\n' "$@"; fi
}

# _callgroups_files PREFIX VALUE [-d]: files (or directories) for VALUE.
_callgroups_files()
{
	compopt -o filenames 2>/dev/null
	_callgroups_out compgen "${3:--f}" -- "$2"
	_callgroups_reply "$1" "${_cg_out[@]}"
}

# _callgroups_value CMD OPT PREFIX VALUE: complete VALUE, the argument of
# OPT (a long option), written after PREFIX on the line.
_callgroups_value()
{
	local cmd=$1 opt=$2 p=$3 v=$4 words=()
	case $opt in
	--systemd)
		_callgroups_out _callgroups_versions
		words=(auto "${_cg_out[@]}")
		if _callgroups_systemd_all; then
			# all, or a list 247,252,...
			words+=(all)
			_callgroups_split "$v" ,
			[[ -n $_cg_head ]] && words=("${_cg_out[@]}")
			p+=$_cg_head v=$_cg_tail
		fi
		_callgroups_reply "$p" "${words[@]}"
		# else a table saved from systemd-analyze syscall-filter
		[[ ${#COMPREPLY[@]} -eq 0 && -z $_cg_head ]] && _callgroups_files "$p" "$v"
		;;
	--duration) _callgroups_reply "$p" 30s 10min 1h 1d ;;
	--format | --input-format | --backend | --export)
		case $opt in
		--format) words=(text json dropin) ;;
		--input-format) words=(auto summary log list) ;;
		--backend) words=(auto ptrace bpf) ;;
		--export) words=(bpf oci) ;;
		esac
		_callgroups_out _callgroups_expected "$cmd" "$opt" "${words[@]}"
		_callgroups_reply "$p" "${_cg_out[@]}" ;;
	--errno)
		words=("${_callgroups_errnos[@]}" kill)
		_callgroups_errno_aliases && words+=(ENOTSUP EWOULDBLOCK EDEADLOCK)
		_callgroups_reply "$p" "${words[@]}" ;;
	--architectures)
		_callgroups_split "$v" ', '
		_callgroups_out _callgroups_expected run "$opt" native x86-64 x86 x32
		_callgroups_reply "$p$_cg_head" "${_cg_out[@]}" ;;
	--filter | --log)
		# "[~]@group name ...": groups, and call names once one is begun
		_callgroups_split "$v" ' '
		p+=$_cg_head v=$_cg_tail
		if [[ -z $_cg_head && $v == \~* ]]; then p+='~' v=${v#\~}; fi
		_callgroups_out _callgroups_groups
		words=("${_cg_out[@]}")
		if [[ -n $v && $v != @* ]]; then
			_callgroups_out _callgroups_syscalls
			words+=("${_cg_out[@]}")
		fi
		_callgroups_reply "$p" "${words[@]}" ;;
	--unit)
		_callgroups_out _callgroups_units
		_callgroups_reply "$p" "${_cg_out[@]}"
		_callgroups_files "$p" "$v" ;;
	--root | --cgroup) _callgroups_files "$p" "$v" -d ;;
	--pid)
		_callgroups_split "$v" ,
		_callgroups_out _callgroups_pids
		_callgroups_reply "$p$_cg_head" "${_cg_out[@]}" ;;
	*) _callgroups_files "$p" "$v" ;;
	esac
}

# The command after `--` (or the first operand of trace and run) starts at
# _cg_w[$1]: command names for it, then what that command's own completion
# offers (bash-completion's _command_offset), else files.
_callgroups_command()
{
	local at=$1 i pos=0
	if ((at == ${#_cg_w[@]} - 1)); then
		compopt -o filenames 2>/dev/null
		_callgroups_out _callgroups_cmdnames "${_cg_w[at]}"
		_callgroups_reply "" "${_cg_out[@]}"
		return
	fi
	if declare -F _command_offset >/dev/null; then
		# that word's index in COMP_WORDS, by its place in COMP_LINE
		for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
			while [[ ${COMP_LINE:pos:1} == [[:blank:]] ]]; do pos=$((pos + 1)); done
			if ((pos == _cg_wpos[at])); then
				_command_offset "$i"
				return
			fi
			((pos > _cg_wpos[at])) && break
			pos=$((pos + ${#COMP_WORDS[i]}))
		done
	fi
	_callgroups_files "" "${_cg_w[-1]}"
}

_callgroups()
{
	COMPREPLY=()
	local _cg_w=() _cg_wpos=() _cg_tstart=0 _cg_head='' _cg_tail='' _cg_out=() _cg_systemd=''
	local _cg_help='' _cg_opts=''
	local -A _cg_long=()
	_callgroups_lex "${COMP_LINE:0:COMP_POINT}"
	local n=${#_cg_w[@]} cur=${_cg_w[-1]}
	if ((n <= 2)); then
		if [[ $cur == -* ]]; then
			_callgroups_reply "" -h --help --version
		else
			_callgroups_out _callgroups_cmdlist
			((${#_cg_out[@]})) || _cg_out=("${_callgroups_commands[@]}")
			_callgroups_reply "" "${_cg_out[@]}"
		fi
		return 0
	fi
	local cmd=${_cg_w[1]}
	[[ $cmd == -* ]] && return 0
	_cg_help=$("$(_callgroups_bin)" "$cmd" --help 2>/dev/null)
	_callgroups_parse_help
	local opts=$_cg_opts

	# Walk the words before the current one: options, their values, operands.
	local i w o v nops=0 export='' filter='' cmdat=-1 valopt=''
	for ((i = 2; i < n - 1; i++)); do
		w=${_cg_w[i]} v=''
		case $w in
		--)
			cmdat=$((i + 1)); break ;;
		--*=*)
			o=${w%%=*} v=${w#*=} ;;
		-[a-zA-Z]?*)
			# -oFILE
			o=${w:0:2} v=${w:2} ;;
		-*)
			o=$w
			if [[ "$opts " == *" $w= "* ]]; then
				i=$((i + 1))
				if ((i == n - 1)); then valopt=$o; break; fi
				v=${_cg_w[i]}
			fi ;;
		*)
			nops=$((nops + 1))
			# trace COMMAND, run COMMAND, run --export=FMT FILE COMMAND
			if [[ $cmd == trace || ($cmd == run && (-z $export || $nops -eq 2)) ]]; then
				cmdat=$i; break
			fi
			continue ;;
		esac
		[[ -n ${_cg_long[$o]-} ]] && o=${_cg_long[$o]}
		case $o in
		--systemd) _cg_systemd=$v ;;
		--export) export=$v ;;
		--filter) filter=$v ;;
		esac
	done
	if ((cmdat >= 0)); then
		_callgroups_command "$cmdat"
		return 0
	fi

	# The value of an option: --opt=VALUE, --opt VALUE, -oVALUE, -o VALUE.
	if [[ -n $valopt ]]; then
		[[ -n ${_cg_long[$valopt]-} ]] && valopt=${_cg_long[$valopt]}
		_callgroups_value "$cmd" "$valopt" "" "$cur"
		return 0
	fi
	case $cur in
	--*=*)
		_callgroups_value "$cmd" "${cur%%=*}" "${cur%%=*}=" "${cur#*=}"
		return 0 ;;
	-[a-zA-Z]?*)
		if [[ "$opts " == *" ${cur:0:2}= "* && -n ${_cg_long[${cur:0:2}]-} ]]; then
			_callgroups_value "$cmd" "${_cg_long[${cur:0:2}]}" "${cur:0:2}" "${cur:2}"
			return 0
		fi ;;
	esac

	if [[ $cur == -* ]]; then
		# "--": the long options; "-": the short ones too
		local all=() x
		for x in $opts; do
			if [[ $x == --* ]]; then
				all+=("$x")
			elif [[ $cur != --* ]]; then
				all+=("${x%=}")
			fi
		done
		_callgroups_reply "" "${all[@]}"
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return 0
	fi

	# Operands.
	case $cmd in
	groups)
		_callgroups_out _callgroups_groups
		_callgroups_reply "" "${_cg_out[@]}" ;;
	explain)
		_callgroups_out _callgroups_syscalls
		_callgroups_reply "" "${_cg_out[@]}" ;;
	check)
		# UNIT|FILE|- first (unless --filter stands in for it), then profiles
		if [[ $nops -eq 0 && -z $filter ]]; then
			_callgroups_out _callgroups_units
			_callgroups_reply "" "${_cg_out[@]}"
		fi
		_callgroups_files "" "$cur" ;;
	harden)
		# STEP UNIT
		case $nops in
		0) _callgroups_reply "" start status apply watch reset ;;
		1)
			_callgroups_out _callgroups_units
			_callgroups_reply "" "${_cg_out[@]}" ;;
		esac ;;
	trace)
		_callgroups_command $((n - 1)) ;;
	run)
		if [[ -n $export && $nops -eq 0 ]]; then
			_callgroups_files "" "$cur"
		else
			_callgroups_command $((n - 1))
		fi ;;
	*)
		_callgroups_files "" "$cur" ;;
	esac
	return 0
}
complete -F _callgroups callgroups
