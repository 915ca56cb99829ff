#!/bin/sh
# bigconf.sh: the big config of bench_policy ("220k entries" by its
# count; as lists: 200k local domains and aliases, 200k LAN networks,
# 200k always-allow entries and 20k users), measured side by side for
# one or more build trees: the time to load it (and, within that, the
# time libconfig alone takes to parse and destroy the file), the time
# to free it, and the decisions per second on it (bench_policy), and the
# resident memory of an idle relaymilter holding it. The daemon listens
# on a unix socket in a temporary folder (no TCP port), VmRSS is read
# from /proc once the socket is up, and it is stopped by its PID. The
# trees take turns round by round (A B A B ...), so a busy machine slows
# all alike; the summary gives min / median / max per tree. A tree needs
# milter/relaymilter and t/bench/bench_policy built (make
# t/bench/bench_policy). Nothing here asserts a speed.
#
# Usage: sh t/bench/bigconf.sh [-r ROUNDS] [BUILDDIR ...]
#        (default: 3 rounds of the build tree in $top_builddir or .)
set -u
rounds=3
if [ "${1:-}" = "-r" ]; then
	rounds=$2
	shift 2
fi
[ $# -gt 0 ] || set -- "${top_builddir:-.}"
for b in "$@"; do
	for f in milter/relaymilter t/bench/bench_policy; do
		if [ ! -x "$b/$f" ]; then
			echo "bigconf.sh: $b/$f is not built" >&2
			exit 1
		fi
	done
done
. "$(dirname "$0")/daemon.sh"
T=$(mktemp -d /tmp/relaymilter-bigconf.XXXXXX)
pid=
cleanup() {
	[ -z "$pid" ] || daemon_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# rss_idle BUILDDIR: VmRSS (KiB) of relaymilter idle with the big config,
# into $T/rss (not printed: run in this shell, so the traps see $pid).
rss_idle() {
	if daemon_start "$1" "$T/daemon.conf" "$T/m.sock"; then
		daemon_rss > "$T/rss"
	else
		echo "bigconf.sh: relaymilter did not start:" >&2
		cat "$T/daemon.conf.log" >&2
		echo 0 > "$T/rss"
	fi
	daemon_stop
}

r=1
while [ $r -le "$rounds" ]; do
	for b in "$@"; do
		"$b/t/bench/bench_policy" "$T/big.conf" 200000 keep > "$T/bp.out" ||
		    exit 1
		if [ ! -f "$T/daemon.conf" ]; then
			{ echo "socket = \"unix:$T/m.sock\";"
			  cat "$T/big.conf"; } > "$T/daemon.conf"
			chmod 600 "$T/daemon.conf"
		fi
		rss_idle "$b"
		awk -v tree="$b" -v round=$r -v rss="$(cat "$T/rss")" '
		    /^config_load_ms/ { load = $2 }
		    /^libconfig_parse_ms/ { parse = $2 }
		    /^config_free_ms/ { free = $2 }
		    /^decisions_per_second/ { dps = dps sep $2; sep = "," }
		    END { printf "tree=%s round=%d load_ms=%s parse_ms=%s " \
			"free_ms=%s decisions_per_s=%s rss_idle_kib=%s\n", \
			tree, round, load, parse, free, dps, rss }' \
		    "$T/bp.out" | tee -a "$T/rows"
	done
	r=$((r + 1))
done

# One line per tree and figure: min / median / max over the rounds (for
# decisions, over every pass of every round).
echo "# summary: tree figure min median max"
awk '{
	for (i = 1; i <= NF; i++) {
		split($i, kv, "=")
		f[kv[1]] = kv[2]
	}
	t = f["tree"]
	if (!(t in seen)) { seen[t] = 1; order[++nt] = t }
	v["load_ms", t] = v["load_ms", t] " " f["load_ms"]
	v["parse_ms", t] = v["parse_ms", t] " " f["parse_ms"]
	v["free_ms", t] = v["free_ms", t] " " f["free_ms"]
	v["rss_idle_kib", t] = v["rss_idle_kib", t] " " f["rss_idle_kib"]
	gsub(",", " ", f["decisions_per_s"])
	v["decisions_per_s", t] = v["decisions_per_s", t] " " \
	    f["decisions_per_s"]
}
function stats(s,    a, n, i, j, x) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			x = a[j]; a[j] = a[j - 1]; a[j - 1] = x
		}
	return a[1] " " a[int((n + 1) / 2)] " " a[n]
}
END {
	nf = split("load_ms parse_ms free_ms decisions_per_s rss_idle_kib",
	    figs, " ")
	for (k = 1; k <= nt; k++)
		for (g = 1; g <= nf; g++)
			print order[k], figs[g], stats(v[figs[g], order[k]])
}' "$T/rows"
