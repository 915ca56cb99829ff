# t/lib/postfix.sh -- a private Postfix instance for relaymilter's e2e tests.
#
# Needs t/lib/common.sh sourced first (register_pid, register_cleanup,
# wait_port, wait_pid_exit). Requires root (Postfix's master and smtp-sink
# start as root and drop privileges).
#
# Settings (environment; defaults in brackets):
#   PF_DIR        private directory, created if missing (required)
#   PF_RECIPE     which contrib/postfix recipe [milter]:
#                   milter  main.cf.milter-fragment and master.cf.milter-
#                           fragment: the milter on both listeners, each
#                           with its relay opening
#                   policy  main.cf.fragment and master.cf.fragment: the
#                           policy service, asked by every listener
#                   both    the policy recipe on PORT_MTA and PORT_SUB, and
#                           the milter recipe's two listeners beside them on
#                           PORT_MMTA and PORT_MSUB
#                   chroot  main.cf.chroot-fragment and master.cf.chroot-
#                           fragment (smtpd chrooted, sockets in
#                           queue/relaymilter/), with main.cf.milter-
#                           fragment's lines for milter listeners of its own
#   PORT_MTA      port-25 style listener on 127.0.0.1 [10025]; its
#                 {daemon_name} / policy_context is "MTA" (main.cf wide
#                 default of the recipe)
#   PORT_SUB      submission listener on 127.0.0.1 [10587]: the entry of the
#                 recipe's master.cf fragment, {daemon_name} / policy_context
#                 "submission"
#   PORT_MMTA, PORT_MSUB  with PF_RECIPE=both: the milter recipe's "smtp"
#                 and "submission" listeners
#   PORT_SINK     smtp-sink on 127.0.0.1 that receives ALL delivery [10026]
#   PF_MILTER     Postfix-style milter address [inet:127.0.0.1:18895]
#   PF_POLICY     Postfix-style policy service address
#                 [unix:private/relaymilter-policy, the recipe's own:
#                 $PF_DIR/queue/private/relaymilter-policy]
#   PF_CONTRIB    folder holding the fragments [$top_srcdir/contrib/postfix]
#
# Layout under $PF_DIR: etc/ (main.cf, master.cf, virtual), queue/, data/,
# log/maillog (Postfix's log, no syslog needed), sink/dump (every message
# the sink received, in smtp-sink's dump format: X-Rcpt-Args: lines etc).
#
# Mail routing: example.com is local (mydestination), example.org is an
# alias domain (virtual_alias_domains, u@example.org -> u@example.com).
# Postfix accepts every recipient of both (no unknown-user rejects). Every
# delivery -- local, alias, relayed, domain literals, bounces -- goes to the
# sink on 127.0.0.1, so no mail ever leaves the loopback whatever the milter
# decides. The transports keep their real names, because the milter sees
# them as {rcpt_mailer} (local.transports): local mail goes through the
# "local" transport (local_transport = local:[sink]), which master.cf runs
# as the smtp client instead of local(8); everything else through "smtp"
# (default_transport) or "relay". So {rcpt_mailer} is "local" for
# example.com, "error" for the alias domain (Postfix resolves virtual alias
# domains so before it rewrites them) and "smtp" for the rest, as on a real
# Postfix. DNS is never used (smtp_dns_support_level = disabled,
# smtpd_peername_lookup = no, so {client_name} is "unknown").
# mynetworks is 127.0.0.1/32: Postfix's own relay check lets 127.0.0.1
# relay, and no other loopback address.
#
# Functions:
#   pf_setup      write the config (main.cf = base + the recipe's main.cf
#                 fragment(s) verbatim apart from the milter and policy
#                 addresses; master.cf = services + the recipe's master.cf
#                 fragment(s) with the service names replaced)
#   pf_start_sink start smtp-sink (registered for cleanup)
#   pf_start      postfix check + start, wait for the listeners; returns 1
#                 (after printing the log) if Postfix does not come up
#   pf_stop       postfix stop, wait for master to exit
#   pf_stop_sink  stop smtp-sink by its PID
#   pf_queue_wait [TIMEOUT]  wait until the queue is empty (default 20 s)
#   pf_sink_has STRING [TIMEOUT]  true once STRING (fixed) is in the sink dump
#   pf_sink_count STRING          how many dump lines hold STRING
#   pf_log_tail [N]               last N lines of Postfix's log, as diag

: "${PORT_MTA:=10025}" "${PORT_SUB:=10587}" "${PORT_SINK:=10026}"
: "${PF_MILTER:=inet:127.0.0.1:18895}"
: "${PF_POLICY:=unix:private/relaymilter-policy}"
: "${PF_RECIPE:=milter}"
: "${PF_CONTRIB:=${top_srcdir:-.}/contrib/postfix}"

PF_SINK_PID=
PF_MASTER_PID=

pf_setup() {
    [ -n "$PF_DIR" ] || { diag "pf_setup: PF_DIR not set"; return 1; }
    case $PF_RECIPE in
        milter) _frags="main.cf.milter-fragment master.cf.milter-fragment" ;;
        policy) _frags="main.cf.fragment master.cf.fragment" ;;
        chroot) _frags="main.cf.chroot-fragment master.cf.chroot-fragment main.cf.milter-fragment" ;;
        both)   _frags="main.cf.fragment master.cf.fragment main.cf.milter-fragment master.cf.milter-fragment"
                [ -n "$PORT_MMTA" ] && [ -n "$PORT_MSUB" ] || {
                    diag "pf_setup: PF_RECIPE=both needs PORT_MMTA and PORT_MSUB"; return 1; } ;;
        *)      diag "pf_setup: PF_RECIPE must be milter, policy, both or chroot"; return 1 ;;
    esac
    for _f in $_frags; do
        [ -r "$PF_CONTRIB/$_f" ] || { diag "pf_setup: missing $PF_CONTRIB/$_f"; return 1; }
    done
    mkdir -p "$PF_DIR/etc" "$PF_DIR/queue" "$PF_DIR/data" "$PF_DIR/log" "$PF_DIR/sink" || return 1
    # the postfix user must be able to reach queue/ and data/
    chmod 755 "$PF_DIR" "$PF_DIR/etc" "$PF_DIR/log"
    _d=$PF_DIR
    while _d=$(dirname "$_d") && [ "$_d" != / ]; do
        case $(stat -c %A "$_d") in
            *x|*t) ;;
            *) chmod o+x "$_d" || return 1 ;;
        esac
    done
    chown postfix "$PF_DIR/data" || return 1
    chown nobody "$PF_DIR/sink" || return 1
    : > "$PF_DIR/sink/dump"; chown nobody "$PF_DIR/sink/dump"

    _sink="smtp:[127.0.0.1]:$PORT_SINK"
    cat > "$PF_DIR/etc/main.cf" <<EOT
# private Postfix instance for relaymilter's end-to-end tests (t/lib/postfix.sh)
compatibility_level = 3.6
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $PF_DIR/log/maillog
maillog_file_prefixes = $PF_DIR
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.example.com
mydomain = example.com
myorigin = \$mydomain
mydestination = example.com
local_recipient_maps =
alias_maps =
alias_database =
virtual_alias_domains = example.org
virtual_alias_maps = regexp:$PF_DIR/etc/virtual
mynetworks = 127.0.0.1/32
append_dot_mydomain = no
biff = no
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtputf8_enable = no
# every delivery goes to the sink, nothing leaves 127.0.0.1; the transport
# names stay the real ones ({rcpt_mailer}): "local" is the smtp client here
transport_maps =
default_transport = $_sink
relay_transport = relay:[127.0.0.1]:$PORT_SINK
local_transport = local:[127.0.0.1]:$PORT_SINK
virtual_transport = $_sink
fallback_transport =
smtp_fallback_relay =
delay_warning_time = 0
default_process_limit = 10
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
smtpd_client_connection_rate_limit = 0
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s

EOT
    case $PF_RECIPE in
        policy|both) _pf_main_fragment main.cf.fragment || return 1 ;;
        chroot) _pf_main_fragment main.cf.chroot-fragment || return 1 ;;
    esac
    if [ "$PF_RECIPE" != policy ]; then
        _pf_main_fragment main.cf.milter-fragment || return 1
    fi

    printf '%s\n' '/^(.+)@example\.org$/ ${1}@example.com' > "$PF_DIR/etc/virtual"

    {
        echo "# private Postfix instance for relaymilter's end-to-end tests (t/lib/postfix.sh)"
        if [ "$PF_RECIPE" = policy ] || [ "$PF_RECIPE" = both ]; then
            echo "# the port 25 style listener: policy_context from main.cf"
            echo "127.0.0.1:$PORT_MTA inet n - n - - smtpd"
        fi
        cat <<'EOT'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
# "local" delivers to the sink: the smtp client under the name Postfix uses
local     unix  -       -       n       -       -       smtp
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOT
    } > "$PF_DIR/etc/master.cf"
    case $PF_RECIPE in
        milter) _pf_master_fragment master.cf.milter-fragment "$PORT_MTA" "$PORT_SUB" || return 1 ;;
        policy) _pf_master_fragment master.cf.fragment - "$PORT_SUB" || return 1 ;;
        chroot) _pf_master_fragment master.cf.chroot-fragment "$PORT_MTA" "$PORT_SUB" || return 1 ;;
        both)   _pf_master_fragment master.cf.fragment - "$PORT_SUB" || return 1
                _pf_master_fragment master.cf.milter-fragment "$PORT_MMTA" "$PORT_MSUB" || return 1 ;;
    esac
    return 0
}

# _pf_main_fragment FILE: append contrib's FILE to main.cf, verbatim apart
# from the milter and policy addresses, and check that they were there
_pf_main_fragment() {
    {
        echo
        echo "# ---- contrib/postfix/$1, verbatim apart from the milter and policy addresses"
        sed -e "s|inet:127\\.0\\.0\\.1:8895|$PF_MILTER|g" \
            -e "s|unix:private/relaymilter-policy|$PF_POLICY|g" "$PF_CONTRIB/$1"
    } >> "$PF_DIR/etc/main.cf" || return 1
    case $1 in
        main.cf.fragment)
            grep -qF "smtpd_relay_restrictions = check_policy_service { $PF_POLICY," "$PF_DIR/etc/main.cf" || {
                diag "pf_setup: no 'check_policy_service { unix:private/relaymilter-policy,' in $1"; return 1; } ;;
        main.cf.chroot-fragment)
            grep -qF "smtpd_relay_restrictions = check_policy_service { unix:relaymilter/policy," "$PF_DIR/etc/main.cf" || {
                diag "pf_setup: no 'check_policy_service { unix:relaymilter/policy,' in $1"; return 1; } ;;
        main.cf.milter-fragment)
            grep -q '^relaymilter_milter_relay = ' "$PF_DIR/etc/main.cf" || {
                diag "pf_setup: no relaymilter_milter_relay in $1"; return 1; } ;;
    esac
}

# _pf_master_fragment FILE SMTP_PORT SUB_PORT: append contrib's FILE to
# master.cf with its "smtp inet" entry on 127.0.0.1:SMTP_PORT ("-": the
# file has none) and its "submission" entry on 127.0.0.1:SUB_PORT, the
# milter address replaced; check that each entry was there
_pf_master_fragment() {
    {
        echo
        echo "# ---- contrib/postfix/$1, verbatim apart from the service names and the milter address"
        sed -e "s|^smtp\\([[:space:]][[:space:]]*inet[[:space:]]\\)|127.0.0.1:$2\\1|" \
            -e "s|^submission\\([[:space:]]\\)|127.0.0.1:$3\\1|" \
            -e "s|inet:127\\.0\\.0\\.1:8895|$PF_MILTER|g" "$PF_CONTRIB/$1"
    } >> "$PF_DIR/etc/master.cf" || return 1
    for _p in $2 $3; do
        [ "$_p" = - ] && continue
        grep -q "^127\\.0\\.0\\.1:$_p[[:space:]]" "$PF_DIR/etc/master.cf" || {
            diag "pf_setup: no 'smtp inet' or 'submission' entry in $1"; return 1; }
    done
    if [ "$1" = master.cf.milter-fragment ]; then
        _n=$(grep -c "^  -o smtpd_milters=$PF_MILTER\$" "$PF_DIR/etc/master.cf")
        [ "$_n" -ge 2 ] || {
            diag "pf_setup: no '-o smtpd_milters=inet:127.0.0.1:8895' on both entries of $1"; return 1; }
    fi
    return 0
}

pf_start_sink() {
    smtp-sink -u nobody -D "$PF_DIR/sink/dump" "127.0.0.1:$PORT_SINK" 64 \
        >> "$PF_DIR/log/sink.log" 2>&1 &
    PF_SINK_PID=$!
    register_pid "$PF_SINK_PID"
    wait_port 127.0.0.1 "$PORT_SINK" 10 || { diag "smtp-sink did not start"; return 1; }
}

pf_stop_sink() {
    [ -n "$PF_SINK_PID" ] || return 0
    kill -TERM "$PF_SINK_PID" 2>/dev/null
    wait_pid_exit "$PF_SINK_PID" 10
    unregister_pid "$PF_SINK_PID"
    PF_SINK_PID=
}

_pf_master_pid() {
    sed -n 's/^ *\([0-9][0-9]*\).*/\1/p' "$PF_DIR/queue/pid/master.pid" 2>/dev/null
}

pf_start() {
    register_cleanup pf_stop
    if ! postfix -c "$PF_DIR/etc" check >> "$PF_DIR/log/start.log" 2>&1; then
        diag "postfix check failed:"; diag "$(cat "$PF_DIR/log/start.log")"
        pf_log_tail 10
        return 1
    fi
    if ! postfix -c "$PF_DIR/etc" start >> "$PF_DIR/log/start.log" 2>&1; then
        diag "postfix start failed:"; diag "$(cat "$PF_DIR/log/start.log")"
        pf_log_tail 30
        return 1
    fi
    PF_MASTER_PID=$(_pf_master_pid)
    _ports="$PORT_MTA $PORT_SUB"
    [ "$PF_RECIPE" = both ] && _ports="$_ports $PORT_MMTA $PORT_MSUB"
    _up=0
    for _p in $_ports; do
        wait_port 127.0.0.1 "$_p" 15 || _up=1
    done
    if [ "$_up" -ne 0 ]; then
        diag "Postfix listeners 127.0.0.1:{$_ports} did not all come up"
        diag "$(cat "$PF_DIR/log/start.log")"
        pf_log_tail 30
        return 1
    fi
    return 0
}

pf_stop() {
    [ -d "$PF_DIR/etc" ] || return 0
    _m=$(_pf_master_pid)
    [ -n "$_m" ] || _m=$PF_MASTER_PID
    [ -n "$_m" ] || return 0
    postfix -c "$PF_DIR/etc" stop >> "$PF_DIR/log/start.log" 2>&1
    wait_pid_exit "$_m" 15 || diag "Postfix master $_m did not exit"
    PF_MASTER_PID=
}

pf_queue_wait() {
    _end=$(( $(date +%s) + ${1:-20} ))
    while :; do
        # postqueue -p prints "Mail queue is empty" when there is nothing
        _q=$(postqueue -c "$PF_DIR/etc" -p 2>&1)
        case $_q in *"Mail queue is empty"*) return 0 ;; esac
        if [ "$(date +%s)" -ge "$_end" ]; then
            diag "queue not empty:" "$_q"
            return 1
        fi
        sleep 0.2
    done
}

pf_sink_count() {
    grep -cF -e "$1" "$PF_DIR/sink/dump" 2>/dev/null
}

pf_sink_has() {
    _end=$(( $(date +%s) + ${2:-0} ))
    while :; do
        grep -qF -e "$1" "$PF_DIR/sink/dump" 2>/dev/null && return 0
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.2
    done
}

pf_log_tail() {
    diag "--- tail of $PF_DIR/log/maillog"
    diag "$(tail -n "${1:-20}" "$PF_DIR/log/maillog" 2>/dev/null)"
}
