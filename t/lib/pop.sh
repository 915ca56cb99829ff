# t/lib/pop.sh -- helpers for the POP-before-SMTP end-to-end tests: private
# relaymilter instances, private Dovecot (POP3) and Redis servers, a POP3
# client and a one-line SMTP client.
#
# Needs t/lib/common.sh sourced first, and T (the test's work folder),
# RELAYMILTER and RELAYCTL set. Every process started here is registered
# with register_pid and stopped by its PID, never by name.
#
#   rm_up NAME CONF PORT     start relaymilter -f -c CONF (log $T/NAME.log),
#                            wait for 127.0.0.1:PORT; sets RM_PID_<NAME>
#   rm_down NAME             SIGTERM, wait for the exit (libmilter takes ~5 s)
#   rm_logged NAME TEXT [S]  true once TEXT (fixed) is in $T/NAME.log
#   dc_up NAME PORT [EXTRA]  a private Dovecot, POP3 on 127.0.0.1:PORT,
#                            users alice/bob (passwords alice-pw/bob-pw), log
#                            $T/NAME/dovecot.log; EXTRA is appended to its config
#   dc_down NAME             stop it by its master PID
#   pop3 IP PORT USER PASS   log in over POP3 from IP; prints OK or FAIL ...
#   redis_up PORT [PASSWORD] / redis_down   a private redis-server (no
#                            persistence; with PASSWORD, it requires AUTH)
#   smtp IP PORT FROM RCPT [SWAKS-OPTIONS]   one SMTP transaction with
#                            swaks; sets SMTP_CODE and SMTP_ESC (reply to
#                            RCPT TO) and SMTP_LINE
#   expect_smtp CODE ESC IP PORT FROM RCPT DESC [SWAKS-OPTIONS]   the same,
#                            one TAP line: the reply to RCPT TO is CODE ESC

rm_up() {
    _n=$1 _c=$2 _p=$3
    if ! "$RELAYMILTER" -c "$_c" -n > "$T/$_n.check" 2>&1; then
        diag "$(cat "$T/$_n.check")"
        bail_out "relaymilter rejects the test config $_c"
    fi
    "$RELAYMILTER" -c "$_c" -f >> "$T/$_n.log" 2>&1 &
    eval "RM_PID_$_n=$!"
    register_pid "$!"
    if ! wait_port 127.0.0.1 "$_p" 15; then
        diag "$(tail -n 20 "$T/$_n.log")"
        bail_out "relaymilter $_n did not listen on 127.0.0.1:$_p"
    fi
}

rm_down() {
    eval "_pid=\$RM_PID_$1"
    [ -n "$_pid" ] || return 0
    kill -TERM "$_pid" 2>/dev/null
    wait_pid_exit "$_pid" 15 || diag "relaymilter $1 did not exit"
    unregister_pid "$_pid"
    eval "RM_PID_$1="
}

rm_logged() {
    _end=$(( $(date +%s) + ${3:-5} ))
    while ! grep -qF -e "$2" "$T/$1.log" 2>/dev/null; do
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.1
    done
}

dc_up() {
    _n=$1 _p=$2 _d=$T/$1
    mkdir -p "$_d/run" "$_d/state" "$T/home"
    chmod 755 "$_d"
    chmod 1777 "$T/home"
    printf 'alice:{PLAIN}alice-pw\nbob:{PLAIN}bob-pw\n' > "$_d/users"
    cat > "$_d/dovecot.conf" <<EOF
base_dir = $_d/run
state_dir = $_d/state
log_path = $_d/dovecot.log
instance_name = relaymilter-test-$_n
protocols = pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $_d/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$T/home/%u
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $_p
  }
  inet_listener pop3s {
    port = 0
  }
}
$3
EOF
    if ! dovecot -c "$_d/dovecot.conf" > "$_d/start.log" 2>&1; then
        diag "$(cat "$_d/start.log")"
        bail_out "dovecot $_n does not start"
    fi
    wait_port 127.0.0.1 "$_p" 15 || bail_out "dovecot $_n: no POP3 on $_p"
    register_pid "$(cat "$_d/run/master.pid")"
}

dc_down() {
    _pid=$(cat "$T/$1/run/master.pid" 2>/dev/null)
    [ -n "$_pid" ] || return 0
    kill -TERM "$_pid" 2>/dev/null
    wait_pid_exit "$_pid" 15 || diag "dovecot $1 did not exit"
    unregister_pid "$_pid"
}

pop3() {
    python3 - "$@" <<'EOF'
import socket, sys
ip, port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def say(f, s, line):
    if line is not None:
        s.sendall(line.encode() + b"\r\n")
    r = f.readline().decode().strip()
    if not r.startswith("+OK"):
        raise Exception(r)
try:
    s = socket.create_connection(("127.0.0.1", port), 15, (ip, 0))
    f = s.makefile("rb")
    say(f, s, None)
    say(f, s, "USER " + user)
    say(f, s, "PASS " + pw)
    say(f, s, "QUIT")
    print("OK")
except Exception as e:
    print("FAIL", e)
EOF
}

redis_up() {
    mkdir -p "$T/redis"
    if [ -n "${2:-}" ]; then set -- "$1" --requirepass "$2"; else set -- "$1"; fi
    _rp=$1; shift
    redis-server --port "$_rp" --bind 127.0.0.1 --save '' --appendonly no \
        --dir "$T/redis" --daemonize no --protected-mode yes "$@" \
        >> "$T/redis/redis.log" 2>&1 &
    REDIS_PID=$!
    register_pid "$REDIS_PID"
    wait_port 127.0.0.1 "$_rp" 10 || bail_out "redis-server did not start on $_rp"
}

redis_down() {
    [ -n "$REDIS_PID" ] || return 0
    kill -TERM "$REDIS_PID" 2>/dev/null
    wait_pid_exit "$REDIS_PID" 10 || diag "redis-server did not exit"
    unregister_pid "$REDIS_PID"
    REDIS_PID=
}

N_SMTP=0
smtp() {
    _si=$1 _sp=$2 _sf=$3 _sr=$4
    shift 4
    N_SMTP=$((N_SMTP + 1))
    SMTP_OUT=$T/smtp-$N_SMTP.txt
    swaks --server "127.0.0.1:$_sp" --local-interface "$_si" --ehlo client.test \
        --timeout 20 --from "$_sf" --to "$_sr" \
        --header "X-RM-Test: $N_SMTP" "$@" > "$SMTP_OUT" 2>&1
    SMTP_LINE=$(awk '/^ -> RCPT TO:/ { want = 1; next }
        want && /^(<-|<\*\*) +[0-9][0-9][0-9] / { print; exit }' "$SMTP_OUT")
    SMTP_CODE=$(printf '%s\n' "$SMTP_LINE" | awk '{ print $2 }')
    SMTP_ESC=$(printf '%s\n' "$SMTP_LINE" | awk '{ print $3 }')
}

# expect_smtp CODE ESC IP PORT FROM RCPT DESC [SWAKS-OPTIONS]: the reply
# to RCPT TO
expect_smtp() {
    _want="$1 $2" _desc=$7
    shift 2
    _ei=$1 _ep=$2 _ef=$3 _er=$4
    shift 5
    smtp "$_ei" "$_ep" "$_ef" "$_er" "$@"
    if [ "$SMTP_CODE $SMTP_ESC" = "$_want" ]; then
        pass "$_desc ($_want)"
    else
        fail "$_desc ($_want)"
        diag "RCPT reply: '$SMTP_LINE' (transcript $SMTP_OUT)"
    fi
}
