#!/bin/sh
# mta.sh: Postfix throughput with and without relaymilter, side by side.
# One private Postfix runs six listeners that differ only in how they
# check relaying: none (no relay check at all), the null milter (unix
# socket and inet), relaymilter as a milter (unix socket and inet; each
# milter listener with the relay opening of contrib's milter recipe,
# $relaymilter_milter_relay), and relaymilter as a policy service (unix
# socket; contrib's policy recipe, Postfix's reject_unauth_destination
# behind it). smtp-source runs against them in turn, A B C D E F A B C D
# E F ..., and the medians and ratios are printed.
# Environment: ROUNDS [5], MESSAGES [5000], SESSIONS [20];
# MTA_PORT_BASE [15000]: the TCP ports are BASE+25 (the recipe's smtp
# listener), +26 (the sink), +27 (its submission listener), +31 to +36
# (the six listeners measured) and +41, +42 (the inet milters), all on
# 127.0.0.1; MTA_CHECK_ONLY=1 writes and checks the configs (relaymilter
# -n, postfix check, postconf warnings) and stops there, binding no port.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
: "${ROUNDS:=5}" "${MESSAGES:=5000}" "${SESSIONS:=20}" "${MTA_CHECK_ONLY:=0}"
: "${MTA_PORT_BASE:=15000}"
. "$top_srcdir/t/lib/common.sh"
B=$MTA_PORT_BASE
PORT_MTA=$((B + 25)) PORT_SINK=$((B + 26)) PORT_SUB=$((B + 27)) PF_MILTER=
P_NONE=$((B + 31)) P_NULL=$((B + 32)) P_UNIX=$((B + 33)) P_INET=$((B + 34))
P_NULLINET=$((B + 35)) P_POLICY=$((B + 36))
M_INET=$((B + 41)) M_NULLINET=$((B + 42))
. "$top_srcdir/t/lib/postfix.sh"

T=$(mktemp -d /tmp/relaymilter-bench.XXXXXX)
chmod 755 "$T"
register_cleanup 'pf_stop; rm -rf "$T"'
trap 'exit 1' INT TERM
PF_DIR=$T/pf
RM=$top_builddir/milter/relaymilter
NULL=$top_builddir/t/bench/nullmilter
VARIANTS="none null unix inet nullinet policy"

# Postfix's smtpd runs as postfix: the unix sockets must let it in. The
# unix daemon serves the policy socket too.
cat > "$T/r-unix.conf" <<CONF
socket = "unix:$T/rm.sock";
postfix_policy = "unix:$T/policy.sock";
socket_group = "postfix";
local = { domains = [ "example.com" ]; lan = [ "127.0.0.0/8" ]; };
CONF
sed -e "s|unix:$T/rm.sock|inet:$M_INET@127.0.0.1|" -e '/^postfix_policy/d' \
    "$T/r-unix.conf" > "$T/r-inet.conf"
chmod 600 "$T/r-unix.conf" "$T/r-inet.conf"

PF_MILTER="unix:$T/rm.sock"
pf_setup || exit 1
# The policy listener's relay check: contrib's policy recipe, on relaymilter's
# socket here (a parameter of our own, as the milter recipe's opening is).
postconf -c "$PF_DIR/etc" -e "relaymilter_policy_relay = check_policy_service { unix:$T/policy.sock, { default_action = 451 4.3.5 Relay check unavailable } }, reject_unauth_destination" \
    default_process_limit=200 smtpd_client_connection_count_limit=0 \
    smtpd_client_connection_rate_limit=0 >/dev/null
# Decisions are logged per recipient: keep the log on, as in production.
for v in none:$P_NONE: null:$P_NULL:unix:$T/null.sock \
    unix:$P_UNIX:unix:$T/rm.sock inet:$P_INET:inet:127.0.0.1:$M_INET \
    nullinet:$P_NULLINET:inet:127.0.0.1:$M_NULLINET policy:$P_POLICY:; do
	name=${v%%:*}; rest=${v#*:}; port=${rest%%:*}; milt=${rest#*:}
	case $name in
	none)	relay='$relaymilter_milter_relay' ;;	# static:OK: no check
	policy)	relay='$relaymilter_policy_relay' ;;
	*)	relay='$relaymilter_milter_relay' ;;
	esac
	{
		printf '127.0.0.1:%s inet n - n - - smtpd\n' "$port"
		[ -n "$milt" ] && printf '  -o smtpd_milters=%s\n' "$milt"
		printf '  -o smtpd_relay_restrictions=%s\n' "$relay"
		printf '  -o milter_macro_daemon_name=MTA\n'
	} >> "$PF_DIR/etc/master.cf"
done
if [ "$MTA_CHECK_ONLY" = 1 ]; then
	rc=0
	for c in r-unix r-inet; do
		"$RM" -c "$T/$c.conf" -n > "$T/$c.check" 2>&1 || {
			echo "mta.sh: relaymilter -n $c.conf:" >&2; cat "$T/$c.check" >&2; rc=1; }
	done
	postfix -c "$PF_DIR/etc" check || rc=1
	w=$(postconf -c "$PF_DIR/etc" -n 2>&1 >/dev/null)
	[ -z "$w" ] || { echo "mta.sh: postconf: $w" >&2; rc=1; }
	postconf -c "$PF_DIR/etc" -P | grep -E "^127\\.0\\.0\\.1:($P_NONE|$P_NULL|$P_UNIX|$P_INET|$P_NULLINET|$P_POLICY)/inet/smtpd_(milters|relay_restrictions) "
	echo "mta.sh: configs written and checked (MTA_CHECK_ONLY=1), rc=$rc"
	exit $rc
fi

"$RM" -c "$T/r-unix.conf" -f 2>/dev/null & register_pid $!
"$RM" -c "$T/r-inet.conf" -f 2>/dev/null & register_pid $!
"$NULL" "unix:$T/null.sock" & register_pid $!
i=0
while { [ ! -S "$T/null.sock" ] || [ ! -S "$T/policy.sock" ]; } && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
chgrp postfix "$T/null.sock" && chmod 660 "$T/null.sock"
"$NULL" "inet:$M_NULLINET@127.0.0.1" & register_pid $!
pf_start_sink && pf_start || exit 1
sleep 1

run() {	# run PORT: seconds for MESSAGES messages
	t0=$(date +%s.%N)
	/usr/sbin/smtp-source -s "$SESSIONS" -m "$MESSAGES" -f bench@example.com \
	    -t user@remote.test "127.0.0.1:$1" >/dev/null 2>&1
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

for r in $(seq "$ROUNDS"); do
	for v in none:$P_NONE null:$P_NULL unix:$P_UNIX inet:$P_INET \
	    nullinet:$P_NULLINET policy:$P_POLICY; do
		s=$(run "${v#*:}")
		echo "$s" >> "$T/${v%%:*}.times"
		echo "round $r ${v%%:*} ${s}s" >&2
		pf_queue_wait 120 >/dev/null 2>&1
	done
done
for v in $VARIANTS; do
	m=$(median < "$T/$v.times")
	echo "mta_${v}_median_s $m"
	echo "mta_${v}_min_s $(sort -n "$T/$v.times" | head -1)"
	echo "mta_${v}_max_s $(sort -n "$T/$v.times" | tail -1)"
	eval "med_$v=$m"
done
# Throughput ratios: time(no relay check) / time(X), time(null) / time(X),
# and the policy service against the milter on the same kind of socket.
awk -v n="$med_none" -v z="$med_null" -v u="$med_unix" -v i="$med_inet" \
    -v zi="$med_nullinet" -v p="$med_policy" -v m="$MESSAGES" 'BEGIN {
	printf "mta_none_msgs_per_s %.0f\n", m / n
	printf "mta_null_msgs_per_s %.0f\n", m / z
	printf "mta_unix_msgs_per_s %.0f\n", m / u
	printf "mta_inet_msgs_per_s %.0f\n", m / i
	printf "ratio_unix_vs_none %.3f\n", n / u
	printf "ratio_inet_vs_none %.3f\n", n / i
	printf "ratio_unix_vs_null %.3f\n", z / u
	printf "ratio_inet_vs_null_inet %.3f\n", zi / i
	printf "mta_nullinet_msgs_per_s %.0f\n", m / zi
	printf "ratio_null_vs_none %.3f\n", n / z
	printf "mta_policy_msgs_per_s %.0f\n", m / p
	printf "ratio_policy_vs_none %.3f\n", n / p
	printf "ratio_policy_vs_unix_milter %.3f\n", u / p
}'
# A run in which Postfix could not reach a milter or the policy service
# measured nothing (an unreachable one would look fast, or refuse all).
bad='warning: .*[Mm]ilter|warning: .*(policy\.sock|problem talking to server)|Relay check unavailable'
if grep -Eq "$bad" "$PF_DIR/log/maillog"; then
	echo "mta.sh: Postfix could not use a milter or the policy service;" \
	    "the figures are void:" >&2
	grep -E "$bad" "$PF_DIR/log/maillog" | sed 's/^.*\]: //' |
	    sort | uniq -c | sort -rn | head -5 >&2
	exit 1
fi
