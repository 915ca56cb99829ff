#!/bin/sh
# reload.sh: reloads of the big config of bench_policy under load, for
# one or more build trees in turn. relaymilter holds the config on a
# unix socket in a temporary folder, with a unix control socket (no TCP
# port); one client runs milter sessions back to back (sessions.py load,
# 12 s) while relayctl reloads the config 20 times. Prints per tree the
# idle VmRSS before the load, the reload times relayctl reports
# (min / median / max) and the sessions completed and failed; the
# daemon is stopped by its PID. Nothing here asserts a speed.
#
# Usage: sh t/bench/reload.sh [-c CONFIG] [BUILDDIR ...]
#        (CONFIG: a file bench_policy wrote, without a socket line; by
#        default the first tree's bench_policy writes one; BUILDDIR: by
#        default $top_builddir or .)
set -u
conf=
if [ "${1:-}" = "-c" ]; then
	conf=$2
	shift 2
fi
[ $# -gt 0 ] || set -- "${top_builddir:-.}"
here=$(dirname "$0")
T=$(mktemp -d /tmp/relaymilter-reload.XXXXXX)
pid=
lp=
cleanup() {
	for p in $lp $pid; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ -z "$conf" ]; then
	"$1/t/bench/bench_policy" "$T/big.conf" 200000 keep > /dev/null ||
	    exit 1
	conf=$T/big.conf
fi
{ echo "socket = \"unix:$T/big.sock\"; control = \"unix:$T/big.ctl\";"
  cat "$conf"; } > "$T/daemon.conf"
chmod 600 "$T/daemon.conf"

for b in "$@"; do
	echo "# tree $b"
	rm -f "$T/big.sock" "$T/big.ctl" "$T/reload.ms"
	"$b/milter/relaymilter" -c "$T/daemon.conf" -f 2> "$T/daemon.log" &
	pid=$!
	i=0
	while [ ! -S "$T/big.ctl" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1
	echo "rss_idle_220k_config_kib $(awk '/VmRSS/ { print $2 }' \
	    "/proc/$pid/status")"
	python3 "$here/sessions.py" load "$T/big.sock" 12 > "$T/load.out" &
	lp=$!
	for i in $(seq 20); do
		"$b/milter/relayctl" -s "$T/big.ctl" reload |
		    sed -n 's/.* loaded in \([0-9]*\) ms.*/\1/p' >> "$T/reload.ms"
		sleep 0.4
	done
	wait "$lp"
	lp=
	cat "$T/load.out"
	sort -n "$T/reload.ms" | awk '{ a[NR] = $1 } END {
		printf "reloads %d\nreload_ms_min %s\nreload_ms_median %s\n" \
		    "reload_ms_max %s\n", NR, a[1], a[int((NR + 1) / 2)], a[NR] }'
	echo "rss_after_reloads_kib $(awk '/VmRSS/ { print $2 }' \
	    "/proc/$pid/status")"
	kill "$pid"
	wait "$pid" 2>/dev/null
	pid=
done
