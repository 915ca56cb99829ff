#!/bin/sh
# t/bench/pop-bench.sh -- what POP-before-SMTP costs: one store lookup
# (LMDB and Redis) and relay decisions per second with pop_before_smtp on,
# in 1 and 2 threads. Builds t/bench/popbench, runs it on an LMDB store
# in a temporary directory and on a private redis-server (127.0.0.1:16380,
# or REDIS_PORT; no persistence, stopped by its PID). On Redis it also
# runs the same decisions with relay limits kept in that Redis, and
# prints the requests sent per decision.
#
#   sh t/bench/pop-bench.sh [ITERATIONS]     (from the build directory)
set -eu
n=${1:-200000}
port=${REDIS_PORT:-16380}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
make -s t/bench/popbench
tmp=$(mktemp -d /tmp/relaymilter-bench.XXXXXX)
rpid=
cleanup() {
	if [ -n "$rpid" ]; then
		kill "$rpid" 2>/dev/null || :
		wait "$rpid" 2>/dev/null || :
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
echo "== LMDB"
./t/bench/popbench "lmdb:$tmp/pop" "$n"
echo "== Redis (loopback, one round trip per lookup)"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$tmp" --daemonize no > "$tmp/redis.log" 2>&1 &
rpid=$!
i=0
until redis-cli -p "$port" ping > /dev/null 2>&1 || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
./t/bench/popbench "redis://127.0.0.1:$port/0" "$((n / 10))"
