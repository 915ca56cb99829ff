#!/bin/sh
# replay.sh: how fast "relaymilter -c CANDIDATE --replay" reads a log
# (target: >= 200,000 lines per second). It writes a log of LINES lines
# (default 2,000,000) as a busy server's mail.log holds them: one line in
# four is Postfix's own, the rest relaymilter decisions of every kind
# (LAN relays, outside refusals, AUTH relays, local mail, dry-run
# refusals, POP-before-SMTP), under syslog prefixes, with 256 client
# addresses and 10,000 recipients. A candidate config moves the LAN to
# 10.0.0.0/25, so a third of the decisions change and are printed (a
# worse case than a real what-if). Each of plain file,
# gzip file and standard input is timed ROUNDS times (default 3),
# alternating; prints "name min median max" in seconds and lines/s of the
# median.
#
#   sh t/bench/replay.sh [BUILDDIR]     (RELAYMILTER, LINES, ROUNDS override)
set -u
B=${1:-.}
RM=${RELAYMILTER:-$B/milter/relaymilter}
LINES=${LINES:-2000000}
ROUNDS=${ROUNDS:-3}
T=$(mktemp -d /tmp/relaymilter-replaybench.XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

cat > "$T/candidate.conf" <<CONF
local = { domains = [ "example.com" ]; lan = [ "10.0.0.0/25" ]; };
relay = { pop_before_smtp = false; always_allow_to = [ "partner.test" ]; };
services = (
  { daemon_name = "submission"; smtp_auth = true; },
  { daemon_name = "pop"; pop_before_smtp = true; }
);
users = ( { name = "alice"; password = "{PLAIN}bench"; relay = true; } );
CONF
chmod 600 "$T/candidate.conf"

awk -v n="$LINES" 'BEGIN {
	srand(1);
	p = "Dec  6 23:00:01 mx relaymilter[812]: ";
	for (i = 0; i < n; i++) {
		q = sprintf("4R%07X", i);
		ip = "10.0.0." int(rand() * 256);
		r = "<u" int(rand() * 10000) "@remote" int(rand() * 50) ".test>";
		k = i % 8;
		if (i % 4 == 3)
			print "Dec  6 23:00:01 mx postfix/smtpd[9]: " q ": client=unknown[" ip "]";
		else if (k == 0 || k == 4)
			print p q ": accept rcpt=" r " rule=serial client=unknown[" ip "] from=<a@example.com> service=MTA mailer=smtp";
		else if (k == 1)
			print p q ": reject rcpt=" r " rule=outside-lan client=unknown[" ip "] from=<b@remote.test> service=MTA mailer=smtp";
		else if (k == 2)
			print p q ": accept rcpt=" r " rule=auth client=unknown[" ip "] from=<alice@example.com> service=submission user=alice mailer=smtp";
		else if (k == 5)
			print p q ": accept rcpt=<x" i "@example.com> rule=local client=unknown[" ip "] from=<b@remote.test> service=MTA mailer=local";
		else if (k == 6)
			print p q ": would reject rcpt=" r " rule=outside-lan client=unknown[" ip "] from=<b@remote.test> service=MTA mailer=smtp";
		else
			print p q ": accept rcpt=" r " rule=pop-before-smtp client=unknown[" ip "] from=<c@example.com> service=pop mailer=smtp pop=1";
	}
}' > "$T/mail.log"
gzip -1 -c "$T/mail.log" > "$T/mail.log.1.gz"
echo "# log: $(wc -l < "$T/mail.log") lines, $(du -k "$T/mail.log" | cut -f1) KiB plain, $(du -k "$T/mail.log.1.gz" | cut -f1) KiB gzip"
"$RM" -c "$T/candidate.conf" --replay "$T/mail.log" | tail -n 4 | sed 's/^/# /'

# run KIND: one timed replay, seconds on stdout
run() {
	t0=$(date +%s%N)
	case $1 in
	plain)	"$RM" -c "$T/candidate.conf" --replay "$T/mail.log" ;;
	gzip)	"$RM" -c "$T/candidate.conf" --replay "$T/mail.log.1.gz" ;;
	stdin)	"$RM" -c "$T/candidate.conf" --replay - < "$T/mail.log" ;;
	esac > /dev/null
	t1=$(date +%s%N)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", ($2 - $1) / 1e9 }'
}

for r in $(seq "$ROUNDS"); do
	for k in plain gzip stdin; do
		run "$k" >> "$T/$k.times"
	done
done
for k in plain gzip stdin; do
	sort -n "$T/$k.times" | awk -v k="$k" -v n="$LINES" '
		{ t[NR] = $1 }
		END { m = t[int((NR + 1) / 2)];
		      printf "replay_%s_seconds %s %s %s lines_per_s %.0f\n",
		          k, t[1], m, t[NR], n / m }'
done
