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
. "$here/daemon.sh"
T=$(mktemp -d /tmp/relaymilter-reload.XXXXXX)
pid=
lp=
cleanup() {
	if [ -n "$lp" ]; then
		kill "$lp" 2>/dev/null
		wait "$lp" 2>/dev/null
	fi
	[ -z "$pid" ] || daemon_stop
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
	rm -f "$T/big.sock" "$T/reload.ms"
	if ! daemon_start "$b" "$T/daemon.conf" "$T/big.ctl"; then
		echo "reload.sh: relaymilter did not start:" >&2
		cat "$T/daemon.conf.log" >&2
		exit 1
	fi
	echo "rss_idle_220k_config_kib $(daemon_rss)"
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
	echo "rss_after_reloads_kib $(daemon_rss)"
	daemon_stop
done
