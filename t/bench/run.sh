#!/bin/sh
# run.sh: every benchmark of relaymilter, one after the other, in one run
# (make bench): the decision engine, memory per session, reload under
# load, the Postfix policy service's round trip, Postfix throughput with
# and without milters and the policy service, the POP store, and SMTP AUTH
# against Dovecot's. Results go to stdout as "name value" lines and to
# t/bench/out/results.txt in the build tree.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
B=$top_builddir/t/bench
RM=$top_builddir/milter/relaymilter
CTL=$top_builddir/milter/relayctl
OUT=$B/out
mkdir -p "$OUT"
T=$(mktemp -d /tmp/relaymilter-bench.XXXXXX)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

{
echo "# machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"

echo "## decision engine (100k domains/aliases, 100k LAN networks, 100k always-allow, 10k users)"
"$B/bench_policy" "$T/big.conf" 200000 keep

echo "## memory: 1000 concurrent milter sessions (small config)"
cat > "$T/small.conf" <<CONF
socket = "unix:$T/small.sock";
local = { domains = [ "example.com" ]; lan = [ "127.0.0.0/8" ]; };
CONF
"$RM" -c "$T/small.conf" -f 2>/dev/null &
p=$!; pids="$pids $p"
sleep 1
python3 "$top_srcdir/t/bench/sessions.py" hold "$T/small.sock" "$p" 1000

echo "## reload of a 220k-entry config under load"
{ echo "socket = \"unix:$T/big.sock\"; control = \"unix:$T/big.ctl\";"; cat "$T/big.conf"; } > "$T/daemon.conf"
"$RM" -c "$T/daemon.conf" -f 2> "$T/daemon.log" &
p=$!; pids="$pids $p"
i=0
while [ ! -S "$T/big.ctl" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "rss_idle_220k_config_kib $(awk '/VmRSS/ { print $2 }' /proc/$p/status)"
python3 "$top_srcdir/t/bench/sessions.py" load "$T/big.sock" 12 > "$T/load.out" &
lp=$!
for i in $(seq 20); do
	"$CTL" -s "$T/big.ctl" reload | sed -n 's/.* loaded in \([0-9]*\) ms.*/\1/p' >> "$T/reload.ms"
	sleep 0.4
done
wait "$lp"
cat "$T/load.out"
sort -n "$T/reload.ms" | awk '{ a[NR] = $1 } END {
	printf "reloads %d\nreload_ms_min %s\nreload_ms_median %s\nreload_ms_max %s\n",
	    NR, a[1], a[int((NR + 1) / 2)], a[NR] }'

echo "## Postfix policy service: one request's round trip (100k requests, one unix connection)"
cat > "$T/policy.conf" <<CONF
socket = "unix:$T/policy-milter.sock";
postfix_policy = "unix:$T/policy.sock";
local = { domains = [ "example.com" ]; lan = [ "127.0.0.0/8" ]; };
services = ( { daemon_name = "submission"; smtp_auth = true; } );
users = ( { name = "alice"; password = "{PLAIN}bench"; relay = true; } );
CONF
chmod 600 "$T/policy.conf"
# the decision log is written, to a file, as in production
"$RM" -c "$T/policy.conf" -f 2> "$T/policy.log" &
p=$!; pids="$pids $p"
i=0
while [ ! -S "$T/policy.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$B/policybench" "unix:$T/policy.sock" 100000
kill "$p"

echo "## MTA throughput (Postfix + smtp-source)"
sh "$top_srcdir/t/bench/mta.sh"

echo "## POP-before-SMTP store lookups and decisions"
(cd "$top_builddir" && sh "$top_srcdir/t/bench/pop-bench.sh")

echo "## SMTP AUTH through Postfix: relaymilter against Dovecot's auth"
bash "$top_srcdir/t/bench/auth.sh" 2000 10 5
} > "$OUT/results.txt" 2>&1
# Not "| tee": the block must run in this shell, so that the trap above
# sees the PIDs it started and stops them.
cat "$OUT/results.txt"
