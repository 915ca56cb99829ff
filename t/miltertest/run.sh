#!/bin/sh
# Runs one miltertest Lua script against a real relaymilter daemon.
# The script's name selects its config: foo.lua uses foo.conf beside it
# (with @SOCKET@ and @CONTROL@ replaced, and @TMP@ by the script's own
# temporary directory). The Lua script prints TAP
# itself (tap.lua) and may rewrite the config and call relayctl.
set -u
script=$1
here=$(cd "$(dirname "$script")" && pwd)
name=$(basename "$script" .lua)
: "${RELAYMILTER:=${top_builddir:-.}/milter/relaymilter}"
: "${RELAYCTL:=$(dirname "$RELAYMILTER")/relayctl}"
: "${MILTERTEST:=miltertest}"
tmp=$(mktemp -d /tmp/relaymilter-mt.XXXXXX)
sock="$tmp/milter.sock"
ctl="$tmp/control.sock"
sed -e "s|@SOCKET@|unix:$sock|" -e "s|@CONTROL@|unix:$ctl|" \
    -e "s|@TMP@|$tmp|g" "$here/$name.conf" > "$tmp/relaymilter.conf"
chmod 600 "$tmp/relaymilter.conf"
# RELAYMILTER_VALGRIND=1 runs the daemon under valgrind's memcheck: any
# memory error or definite leak then fails the script.
if [ "${RELAYMILTER_VALGRIND:-0}" = 1 ]; then
	echo "# the daemon runs under valgrind memcheck"
	valgrind --tool=memcheck --leak-check=full \
	    --errors-for-leak-kinds=definite --log-file="$tmp/valgrind.log" \
	    "$RELAYMILTER" -c "$tmp/relaymilter.conf" -f 2> "$tmp/daemon.log" &
else
	"$RELAYMILTER" -c "$tmp/relaymilter.conf" -f 2> "$tmp/daemon.log" &
fi
pid=$!
stop_daemon() {
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	# libmilter polls its stop flag: wait for the exit, never race it.
	wait "$pid" 2>/dev/null
	pid=
}
trap 'stop_daemon; rm -rf "$tmp"' EXIT INT TERM
i=0
while [ ! -S "$sock" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -S "$sock" ]; then
	echo "Bail out! relaymilter did not create $sock"
	sed 's/^/# /' "$tmp/daemon.log"
	exit 1
fi
"$MILTERTEST" -D socket="unix:$sock" -D tapdir="$here" \
    -D daemonlog="$tmp/daemon.log" -D conffile="$tmp/relaymilter.conf" \
    -D relayctl="$RELAYCTL -s $ctl" -D daemonpid="$pid" -s "$script"
rc=$?
if [ $rc -ne 0 ]; then
	echo "# miltertest exited $rc; daemon log:"
	sed 's/^/# /' "$tmp/daemon.log"
fi
stop_daemon
# A sanitizer report from the daemon fails the script whatever Lua said.
if grep -Eq 'Sanitizer|runtime error:' "$tmp/daemon.log"; then
	echo "Bail out! the daemon reported a sanitizer error"
	sed 's/^/# /' "$tmp/daemon.log"
	rc=1
fi
if [ -f "$tmp/valgrind.log" ]; then
	grep -E 'ERROR SUMMARY|definitely lost' "$tmp/valgrind.log" | sed 's/^/# /'
fi
if [ -f "$tmp/valgrind.log" ] &&
    ! grep -q 'ERROR SUMMARY: 0 errors' "$tmp/valgrind.log"; then
	echo "Bail out! valgrind found memory errors or leaks in the daemon"
	sed 's/^/# /' "$tmp/valgrind.log"
	rc=1
fi
exit $rc
