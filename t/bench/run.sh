#!/bin/sh
# run.sh: every benchmark of relaymilter, one after the other, in one run
# (make bench): the decision engine, the big config's load time and idle
# memory (bigconf.sh), memory per session, reload under load, the
# Postfix policy service's round trip, Postfix throughput with and
# without milters and the policy service, the POP store, SMTP AUTH
# against Dovecot's, and --replay over a big log. Results go to stdout as "name value" lines and to
# t/bench/out/results.txt in the build tree.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
B=$top_builddir/t/bench
RM=$top_builddir/milter/relaymilter
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

echo "## the 220k-entry config: load, decisions and idle memory, 3 rounds"
sh "$top_srcdir/t/bench/bigconf.sh" -r 3 "$top_builddir"

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
sh "$top_srcdir/t/bench/reload.sh" -c "$T/big.conf" "$top_builddir"

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

echo "## --replay: log lines per second (plain, gzip, standard input)"
sh "$top_srcdir/t/bench/replay.sh" "$top_builddir"
echo "## relay limits: decisions with and without (memory store)"
(cd "$top_builddir" && sh "$top_srcdir/t/bench/limits-bench.sh" 3)
} > "$OUT/results.txt" 2>&1
# Not "| tee": the block must run in this shell, so that the trap above
# sees the PIDs it started and stops them.
cat "$OUT/results.txt"
