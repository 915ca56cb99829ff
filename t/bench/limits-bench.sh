#!/bin/sh
# t/bench/limits-bench.sh -- the cost of relay limits, in one run:
#  1. bench_limits: policy_decide alone, without and with limits (memory
#     store), alternating batches; median ns per decision and the rates;
#  2. the daemon through its Postfix policy door (policybench, 100k
#     requests on one unix connection, the decision log written to a
#     file), one relaymilter without limits and one with limits.user,
#     limits.client and limits.user_clients (memory store, limits too
#     high to refuse), alternating ROUNDS times; median us per request
#     and requests/s of each round.
# Usage (from the build folder): sh t/bench/limits-bench.sh [ROUNDS]
# Needs the programs of `make bench` (t/bench/bench_limits, policybench).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
B=${top_builddir:-.}/t/bench
RM=${top_builddir:-.}/milter/relaymilter
ROUNDS=${1:-5}
T=$(mktemp -d /tmp/relaymilter-limits-bench.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT

echo "## policy_decide without and with limits (memory store)"
"$B/bench_limits" 2000000

for kind in plain limits; do
    cat > "$T/$kind.conf" <<CONF
socket = "unix:$T/$kind-milter.sock";
postfix_policy = "unix:$T/$kind.sock";
local = { domains = [ "example.com" ]; lan = [ "127.0.0.0/8" ]; };
services = ( { daemon_name = "submission"; smtp_auth = true; } );
users = ( { name = "alice"; password = "{PLAIN}bench"; relay = true; } );
CONF
    [ $kind = limits ] && cat >> "$T/$kind.conf" <<CONF
limits = { user = "1000000000/1d"; client = "1000000000/1d";
  user_clients = "1000/1d"; store = "memory"; };
CONF
    chmod 600 "$T/$kind.conf"
done
echo "## the policy door, without (plain) and with limits, alternating"
for r in $(seq 1 "$ROUNDS"); do
    for kind in plain limits; do
        "$RM" -c "$T/$kind.conf" -f 2> "$T/$kind.log" &
        p=$!
        i=0
        while [ ! -S "$T/$kind.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        echo "# round $r $kind"
        "$B/policybench" "unix:$T/$kind.sock" 100000 | grep -E "median|per_s|requests"
        kill "$p"
        wait "$p" 2>/dev/null
        rm -f "$T/$kind.sock" "$T/$kind-milter.sock"
    done
done
