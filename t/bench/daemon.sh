# daemon.sh: shell functions the benchmark scripts share to run a
# relaymilter of their own (sourced with ".", not run). They keep the
# daemon's PID in $pid, so that the caller's traps can stop it.

# daemon_start BUILDDIR CONF SOCKET: start BUILDDIR's relaymilter in the
# foreground on CONF (its log in CONF.log), then wait up to 30 s for
# SOCKET to appear and one second more for the start-up to settle.
# Returns 0 if the socket is there, 1 if not.
daemon_start() {
	rm -f "$3"
	"$1/milter/relaymilter" -f -c "$2" 2> "$2.log" &
	pid=$!
	i=0
	while [ ! -S "$3" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1
	[ -S "$3" ]
}

# daemon_rss: the resident memory (VmRSS, KiB) of the daemon.
daemon_rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"
}

# daemon_stop: stop the daemon by its PID (SIGTERM; libmilter may take a
# few seconds) and wait for it.
daemon_stop() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}
