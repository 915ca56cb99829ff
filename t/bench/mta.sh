#!/bin/sh
# mta.sh: Postfix throughput with and without milters, side by side.
# One private Postfix runs five listeners that differ only in their
# smtpd_milters: none, the null milter (unix socket and inet), relaymilter
# (unix socket and inet). smtp-source runs against them in turn,
# A B C D E A B C D E ..., and the medians and ratios are printed.
# Environment: ROUNDS [5], MESSAGES [5000], SESSIONS [20].
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
: "${ROUNDS:=5}" "${MESSAGES:=5000}" "${SESSIONS:=20}"
. "$top_srcdir/t/lib/common.sh"
PORT_MTA=15025 PORT_SUB=15587 PORT_SINK=15026 PF_MILTER=
. "$top_srcdir/t/lib/postfix.sh"

T=$(mktemp -d /tmp/relaymilter-bench.XXXXXX)
chmod 755 "$T"
register_cleanup 'pf_stop; rm -rf "$T"'
trap 'exit 1' INT TERM
PF_DIR=$T/pf
RM=$top_builddir/milter/relaymilter
NULL=$top_builddir/t/bench/nullmilter

# Postfix's smtpd runs as postfix: the unix sockets must let it in.
cat > "$T/r-unix.conf" <<CONF
socket = "unix:$T/rm.sock";
socket_group = "postfix";
local = { domains = [ "example.com" ]; lan = [ "127.0.0.0/8" ]; };
CONF
sed "s|unix:$T/rm.sock|inet:15895@127.0.0.1|" "$T/r-unix.conf" > "$T/r-inet.conf"
"$RM" -c "$T/r-unix.conf" -f 2>/dev/null & register_pid $!
"$RM" -c "$T/r-inet.conf" -f 2>/dev/null & register_pid $!
"$NULL" "unix:$T/null.sock" & register_pid $!
i=0
while [ ! -S "$T/null.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
chgrp postfix "$T/null.sock" && chmod 660 "$T/null.sock"
"$NULL" "inet:15896@127.0.0.1" & register_pid $!

PF_MILTER="unix:$T/rm.sock"
pf_setup || exit 1
# Decisions are logged per recipient: keep the log on, as in production.
for v in none:15101: null:15102:unix:$T/null.sock unix:15103:unix:$T/rm.sock \
    inet:15104:inet:127.0.0.1:15895 nullinet:15105:inet:127.0.0.1:15896; do
	name=${v%%:*}; rest=${v#*:}; port=${rest%%:*}; milt=${rest#*:}
	printf '127.0.0.1:%s inet n - n - - smtpd\n  -o smtpd_milters=%s\n  -o milter_macro_daemon_name=MTA\n' \
	    "$port" "$milt" >> "$PF_DIR/etc/master.cf"
done
postconf -c "$PF_DIR/etc" -e default_process_limit=200 smtpd_client_connection_count_limit=0 \
    smtpd_client_connection_rate_limit=0 >/dev/null
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
	for v in none:15101 null:15102 unix:15103 inet:15104 nullinet:15105; do
		s=$(run "${v#*:}")
		echo "$s" >> "$T/${v%%:*}.times"
		echo "round $r ${v%%:*} ${s}s" >&2
		pf_queue_wait 120 >/dev/null 2>&1
	done
done
for v in none null unix inet nullinet; do
	m=$(median < "$T/$v.times")
	echo "mta_${v}_median_s $m"
	echo "mta_${v}_min_s $(sort -n "$T/$v.times" | head -1)"
	echo "mta_${v}_max_s $(sort -n "$T/$v.times" | tail -1)"
	eval "med_$v=$m"
done
# Throughput ratios: time(no milter) / time(X) and time(null) / time(X).
awk -v n="$med_none" -v z="$med_null" -v u="$med_unix" -v i="$med_inet" \
    -v zi="$med_nullinet" -v m="$MESSAGES" 'BEGIN {
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
}'
# A run in which Postfix could not reach a milter measured nothing.
if grep -Eq 'warning: .*[Mm]ilter' "$PF_DIR/log/maillog"; then
	echo "mta.sh: Postfix could not use a milter; the figures are void:" >&2
	grep -E 'warning: .*[Mm]ilter' "$PF_DIR/log/maillog" | sed 's/^.*\]: //' |
	    sort | uniq -c | sort -rn | head -5 >&2
	exit 1
fi
