#!/bin/bash
# t/bench/auth.sh -- SMTP AUTH per second through Postfix: relaymilter's
# Dovecot-protocol service (auth.dovecot) against Dovecot's own auth
# service, on the same user data, side by side.
#
# usage: t/bench/auth.sh [COUNT [PARALLEL [ROUNDS]]]      (2000 10 5)
#
# One private Postfix (t/lib/postfix.sh) with two SASL listeners that
# differ only in smtpd_sasl_path:
#   127.0.0.1:15587  contrib's submission entry, SASL lines uncommented:
#                    private/relaymilter-auth -> relaymilter
#   127.0.0.1:15588  the same, private/dovecot-auth -> a private Dovecot
#                    2.3 (protocols = none, service auth unix_listener)
# Both listeners run relaymilter as their milter (inet, 127.0.0.1:18900),
# so each SMTP session costs the same apart from the authentication.
# Users, the very same strings in relaymilter.conf and Dovecot's
# passwd-file: benchplain {PLAIN}, benchscram {SCRAM-SHA-256} (4096
# iterations, made by `relayctl pw`).
#
# Cases: PLAIN as benchplain, SCRAM-SHA-256 as benchscram, and PLAIN as
# benchscram (the server derives the SCRAM keys: 4096 rounds of PBKDF2).
# Each run is COUNT sessions (connect, EHLO, AUTH, QUIT; t/bench/
# authclient.py) over PARALLEL connections; the two servers alternate run
# by run (which one goes first swaps every round) after one warm-up run
# each. Prints every run, then per case the medians and the ratio
# relaymilter/dovecot (above 1: relaymilter faster).
#
# Needs root, postfix, dovecot-core, python3. Environment: RELAYMILTER,
# RELAYCTL, top_srcdir, top_builddir, KEEP_TMP=1.

COUNT=${1:-2000}
PARALLEL=${2:-10}
ROUNDS=${3:-5}

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
RELAYMILTER=${RELAYMILTER:-$top_builddir/milter/relaymilter}
RELAYCTL=${RELAYCTL:-$top_builddir/milter/relayctl}
CLIENT=$top_srcdir/t/bench/authclient.py
PATH=$PATH:/usr/sbin:/sbin

. "$top_srcdir/t/lib/common.sh"
PORT_MTA=15025
PORT_SUB=15587
PORT_DOV=15588
PORT_SINK=15026
PORT_MILTER=18900
PF_MILTER="inet:127.0.0.1:$PORT_MILTER"
PF_CONTRIB="$top_srcdir/contrib/postfix"
. "$top_srcdir/t/lib/postfix.sh"

die() { echo "auth.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "must run as root"
for _c in postfix dovecot python3; do
    command -v "$_c" >/dev/null 2>&1 || die "$_c not found"
done
[ -x "$RELAYMILTER" ] && [ -x "$RELAYCTL" ] || die "build relaymilter and relayctl first"
for _p in $PORT_MTA $PORT_SUB $PORT_DOV $PORT_SINK $PORT_MILTER; do
    bash -c "exec 3<>/dev/tcp/127.0.0.1/$_p" 2>/dev/null && die "port 127.0.0.1:$_p is in use"
done

T=$(mktemp -d "${TMPDIR:-/tmp}/relaymilter-authbench.XXXXXX") || die "mktemp failed"
PF_DIR=$T/postfix
_remove_tmp() {
    if [ -z "$KEEP_TMP" ] && [ "$_tap_exit" -eq 0 ]; then rm -rf "$T"; else echo "work folder kept: $T" >&2; fi
}
register_cleanup _remove_tmp

# ---------------------------------------------------------------- users
PW_PLAIN='bench-plain-pw'
PW_SCRAM='bench-scram-pw'
S_PLAIN="{PLAIN}$PW_PLAIN"
S_SCRAM=$(printf '%s\n' "$PW_SCRAM" | "$RELAYCTL" pw) || die "relayctl pw failed"

# ---------------------------------------------------------------- Postfix
pf_setup || die "pf_setup failed"
sed -i 's/^#\(  -o smtpd_sasl_\)/\1/' "$PF_DIR/etc/master.cf"
# the same entry again, on its own port, for Dovecot's socket
sed -n '/^submission[[:space:]]/,$p' "$PF_CONTRIB/master.cf.milter-fragment" | sed \
    -e "s|^submission\\([[:space:]]\\)|127.0.0.1:$PORT_DOV\\1|" -e 's/^#\(  -o smtpd_sasl_\)/\1/' \
    -e 's|private/relaymilter-auth|private/dovecot-auth|' \
    -e 's|syslog_name=postfix/submission|syslog_name=postfix/dovecot-sasl|' >> "$PF_DIR/etc/master.cf"
grep -q "smtpd_sasl_path=private/dovecot-auth" "$PF_DIR/etc/master.cf" || die "could not add the Dovecot listener"
postfix -c "$PF_DIR/etc" check > "$T/check.log" 2>&1 || die "postfix check: $(cat "$T/check.log")"

# ---------------------------------------------------------------- relaymilter
cat > "$T/relaymilter.conf" <<EOF
socket = "inet:$PORT_MILTER@127.0.0.1";
socket_mode = "0660";
socket_group = "postfix";
local = { domains = [ "example.com" ]; lan = [ "127.0.0.1/32" ]; };
services = ( { daemon_name = "submission"; smtp_auth = true; } );
users = (
  { name = "benchplain"; password = "$S_PLAIN"; relay = true; },
  { name = "benchscram"; password = "$S_SCRAM"; relay = true; }
);
auth = {
  dovecot = "unix:$PF_DIR/queue/private/relaymilter-auth";
  failure_delay = 0;
  max_failures = 0;
};
EOF
chmod 600 "$T/relaymilter.conf"
"$RELAYMILTER" -c "$T/relaymilter.conf" -f > "$T/relaymilter.log" 2>&1 < /dev/null &
RM_PID=$!
register_pid "$RM_PID"
wait_port 127.0.0.1 "$PORT_MILTER" 15 || die "relaymilter did not start: $(cat "$T/relaymilter.log")"

# ---------------------------------------------------------------- Dovecot
D=$T/dovecot
mkdir -p "$D/run" "$D/state"
printf '%s\n' "benchplain:$S_PLAIN" "benchscram:$S_SCRAM" > "$D/users"
chmod 640 "$D/users"; chgrp dovecot "$D/users"
cat > "$D/dovecot.conf" <<EOF
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
protocols = none
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 scram-sha-256
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = $D/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener $PF_DIR/queue/private/dovecot-auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
dovecot -c "$D/dovecot.conf" > "$D/start.log" 2>&1 || die "dovecot: $(cat "$D/start.log")"
DV_PID=
for _i in $(seq 1 100); do
    DV_PID=$(cat "$D/run/master.pid" 2>/dev/null) && [ -S "$PF_DIR/queue/private/dovecot-auth" ] && break
    sleep 0.1
done
[ -n "$DV_PID" ] || die "dovecot did not start: $(cat "$D/dovecot.log" 2>/dev/null)"
register_pid "$DV_PID"

pf_start_sink || die "smtp-sink did not start"
pf_start || die "Postfix did not start"
wait_port 127.0.0.1 "$PORT_DOV" 15 || die "no listener on $PORT_DOV"

# ---------------------------------------------------------------- runs
# run SERVER MECH USER PASS N: prints the rate
run() {
    _port=$PORT_SUB
    [ "$1" = dovecot ] && _port=$PORT_DOV
    _out=$(python3 "$CLIENT" "$_port" "$2" "$3" "$4" "$5" "$PARALLEL" 2>&1) ||
        die "$1 $2 $3: sessions failed: $_out (see $PF_DIR/log/maillog)"
    printf '%s\n' "$_out" | sed -n 's/.* rate=\([0-9.]*\).*/\1/p'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

CASES="PLAIN:benchplain:$PW_PLAIN SCRAM-SHA-256:benchscram:$PW_SCRAM PLAIN:benchscram:$PW_SCRAM"
echo "# t/bench/auth.sh $COUNT $PARALLEL $ROUNDS: SMTP sessions (EHLO, AUTH, QUIT) per second through Postfix $(postconf -d -h mail_version 2>/dev/null)"
echo "# relaymilter auth.dovecot vs Dovecot $(dovecot --version | cut -d' ' -f1) auth; $(nproc) CPUs"
for _c in $CASES; do
    IFS=: read -r _m _u _p <<< "$_c"
    run relaymilter "$_m" "$_u" "$_p" 200 > /dev/null
    run dovecot "$_m" "$_u" "$_p" 200 > /dev/null
done
: > "$T/results"
for _r in $(seq 1 "$ROUNDS"); do
    for _c in $CASES; do
        IFS=: read -r _m _u _p <<< "$_c"
        if [ $((_r % 2)) -eq 1 ]; then _order="relaymilter dovecot"; else _order="dovecot relaymilter"; fi
        for _s in $_order; do
            _rate=$(run "$_s" "$_m" "$_u" "$_p" "$COUNT") || exit 1
            echo "$_m/$_u $_s $_rate" >> "$T/results"
            printf 'round %d  %-28s %-12s %8s auths/s\n' "$_r" "$_m as $_u" "$_s" "$_rate"
        done
    done
done
echo
printf '%-28s %14s %14s %8s\n' "case (median of $ROUNDS)" "relaymilter/s" "dovecot/s" "ratio"
for _c in $CASES; do
    IFS=: read -r _m _u _p <<< "$_c"
    _a=$(awk -v k="$_m/$_u" '$1 == k && $2 == "relaymilter" { print $3 }' "$T/results" | median)
    _b=$(awk -v k="$_m/$_u" '$1 == k && $2 == "dovecot" { print $3 }' "$T/results" | median)
    printf '%-28s %14s %14s %8s\n' "$_m as $_u" "$_a" "$_b" "$(awk -v a="$_a" -v b="$_b" 'BEGIN { printf "%.2f", a / b }')"
done

pf_stop
kill -TERM "$DV_PID" 2>/dev/null; wait_pid_exit "$DV_PID" 15; unregister_pid "$DV_PID"
exit 0
