# t/lib/common.sh -- tiny TAP helpers for relaymilter's shell tests.
#
# Source it from bash:  . "$srcdir/t/lib/common.sh"
# (It uses only POSIX sh features apart from wait_port, which runs bash.)
#
#   ok STATUS DESC          "ok N - DESC" when STATUS is 0, else "not ok"
#   pass DESC / fail DESC   unconditional
#   is GOT WANT DESC        string comparison, shows both on failure
#   like GOT ERE DESC       GOT matches the extended regular expression ERE
#   no_sanitizer_report LOG DESC   LOG holds no sanitizer report
#   diag MSG...             "# MSG" on stderr
#   note MSG...             "# MSG" on stdout
#   bail_out MSG            "Bail out! MSG", runs the cleanups, exits 255
#   done_testing            prints the plan "1..N"; returns 1 if any test failed
#   wait_port HOST PORT [TIMEOUT]   until a TCP connect succeeds (default 10 s)
#   wait_pid_exit PID [TIMEOUT]     until PID is gone (default 15 s); 1 on timeout
#   register_pid PID        kill PID (TERM, then KILL) when the script exits
#   unregister_pid PID      forget it (after stopping it yourself)
#   register_cleanup CMD    run CMD (eval'ed, in LIFO order) when the script exits,
#                           after the registered PIDs are gone; CMD may read
#                           $_tap_exit, the script's exit status
#
# Only PIDs registered here are ever signalled: never a name, never a group.

_tap_n=0
_tap_failed=0
_cleanup_pids=
_cleanup_cmds=

ok() {
    _st=$1; shift
    _tap_n=$((_tap_n + 1))
    if [ "$_st" -eq 0 ]; then
        echo "ok $_tap_n - $*"
    else
        echo "not ok $_tap_n - $*"
        _tap_failed=$((_tap_failed + 1))
    fi
    return "$_st"
}
pass() { ok 0 "$@"; }
fail() { ok 1 "$@"; }

is() {
    _got=$1 _want=$2; shift 2
    if [ "x$_got" = "x$_want" ]; then
        ok 0 "$@"
    else
        ok 1 "$@"
        diag "     got: '$_got'"
        diag "expected: '$_want'"
        return 1
    fi
}

# like GOT ERE DESC: GOT matches the extended regular expression ERE
like() {
    _got=$1 _re=$2; shift 2
    if printf '%s\n' "$_got" | grep -Eq -- "$_re"; then
        ok 0 "$@"
    else
        ok 1 "$@"
        diag "     got: '$_got'"
        diag "   match: '$_re'"
        return 1
    fi
}

# no_sanitizer_report LOG DESC: the daemon log holds no ASan/UBSan/LSan
# report (a sanitizer build of the daemon writes them to its stderr)
no_sanitizer_report() {
    if grep -Eq 'Sanitizer|runtime error:' "$1" 2>/dev/null; then
        ok 1 "$2"
        diag "$(grep -E -A20 'Sanitizer|runtime error:' "$1" | head -40)"
        return 1
    fi
    ok 0 "$2"
}

# every line of every argument gets its "# " (multi-line output is fine)
diag() { printf '%s\n' "$@" | sed 's/^/# /' >&2; }
note() { printf '%s\n' "$@" | sed 's/^/# /'; }

bail_out() {
    echo "Bail out! $*"
    exit 255
}

done_testing() {
    echo "1..$_tap_n"
    if [ "$_tap_failed" -ne 0 ]; then
        diag "failed $_tap_failed of $_tap_n tests"
        return 1
    fi
    return 0
}

wait_port() {
    _h=$1 _p=$2 _t=${3:-10}
    _end=$(( $(date +%s) + _t ))
    while :; do
        if bash -c "exec 3<>/dev/tcp/$_h/$_p" 2>/dev/null; then
            return 0
        fi
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.1
    done
}

_pid_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    # a zombie is dead for our purposes
    case $(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) in
        Z|X) return 1 ;;
    esac
    return 0
}

wait_pid_exit() {
    _pid=$1 _t=${2:-15}
    _end=$(( $(date +%s) + _t ))
    while _pid_alive "$_pid"; do
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.1
    done
    wait "$_pid" 2>/dev/null   # reap it if it is our child
    return 0
}

register_pid()   { _cleanup_pids="$_cleanup_pids $1"; }
unregister_pid() {
    _new=
    for _q in $_cleanup_pids; do [ "$_q" = "$1" ] || _new="$_new $_q"; done
    _cleanup_pids=$_new
}
register_cleanup() {
    # newest first
    _cleanup_cmds="$1
$_cleanup_cmds"
}

_run_cleanups() {
    _tap_exit=$?
    trap - EXIT INT TERM HUP
    for _q in $_cleanup_pids; do
        _pid_alive "$_q" && kill -TERM "$_q" 2>/dev/null
    done
    for _q in $_cleanup_pids; do
        if ! wait_pid_exit "$_q" 10; then
            kill -KILL "$_q" 2>/dev/null
            wait_pid_exit "$_q" 5
        fi
    done
    _cleanup_pids=
    _oldifs=$IFS
    IFS='
'
    for _c in $_cleanup_cmds; do
        IFS=$_oldifs
        eval "$_c"
    done
    IFS=$_oldifs
    _cleanup_cmds=
    exit "$_tap_exit"
}
trap _run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
