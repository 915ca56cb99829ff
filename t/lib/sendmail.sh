# t/lib/sendmail.sh -- a private Sendmail instance for relaymilter's e2e tests.
#
# Needs t/lib/common.sh sourced first (diag, register_pid, register_cleanup,
# wait_port, wait_pid_exit). Runs as root. Sendmail is NOT installed (the
# Debian packages conflict with Postfix): t/lib/fetch-sendmail.sh unpacks
# it into $SM_ROOT, and it runs from there with -C private.cf.
#
# Settings (environment; defaults in brackets):
#   SM_DIR        private directory, created if missing (required)
#   SM_ROOT       unpacked sendmail packages
#                 [${RELAYMILTER_TESTDEPS:-/var/tmp/relaymilter-testdeps}/sendmail-root]
#   SM_PORT_MTA   listener on 127.0.0.1 [11025], DaemonPortOptions Name=MTA
#   SM_PORT_SUB   listener on 127.0.0.1 [11587], Name=submission
#   SM_PORT_SINK  smtp-sink on 127.0.0.1 that receives ALL delivery [11026]
#   SM_RECIPE     milter (contrib/sendmail/relaymilter.mc: the filter and
#                 promiscuous_relay) or socketmap (contrib/sendmail/
#                 relaymilter-socketmap.m4 at the end of the .mc, verbatim,
#                 after define(`RELAYMILTER_SOCKETMAP', `$SM_SOCKETMAP'):
#                 no filter, Sendmail's own relay check kept) [milter]
#   SM_MILTER     Sendmail-style milter socket [inet:18896@127.0.0.1]
#   SM_SOCKETMAP  Sendmail-style socket map socket, for SM_RECIPE=socketmap
#                 (unix:/path or inet:PORT@HOST) [none]
#   SM_CONTRIB    folder holding relaymilter.mc [$top_srcdir/contrib/sendmail]
#   SM_HOSTNAME   Sendmail's host name, fully qualified [mx.example.test]
#   SM_EXTRA_MC   extra .mc lines, put before the MAILER() lines [none]
#   SM_SASLAUTHD  path of a saslauthd-protocol socket (relaymilter's
#                 auth.saslauthd) [none]: when set, Sendmail offers AUTH
#                 PLAIN LOGIN and Cyrus SASL checks passwords there:
#                 contrib/sendmail/Sendmail.conf -> etc/sasl/Sendmail.conf and
#                 contrib/sendmail/relaymilter-auth.mc -> etc/relaymilter-auth.m4,
#                 verbatim apart from saslauthd_path and ESASL_CONF_PATH
#
# Layout under $SM_DIR: etc/ (private.mc, private.cf, relaymilter.m4 = the
# contrib fragment, or relaymilter-socketmap.m4, local-host-names, aliases, service.switch, helpfile),
# mqueue/, sendmail.pid, log/maillog (Sendmail's syslog lines, through an
# LD_PRELOAD shim: there is no syslog here), log/m4.log, log/sink.log,
# sink/dump (every message the sink received, smtp-sink's -D format, with
# X-Rcpt-Args: lines; messages carry the test's own headers, so a test can
# look for a token it put in a header).
#
# Mail routing: example.com and example.org are local (class w, from
# local-host-names). Sendmail accepts every local user (MAIL_HUB forwards
# them all, without a passwd lookup). Every delivery -- local via MAIL_HUB,
# relayed and domain literals via SMART_HOST, bounces -- goes to the sink at
# [127.0.0.1]:SM_PORT_SINK (the esmtp mailer's A= carries the port), so no
# mail ever leaves the loopback whatever the milter decides. DNS is never
# used (service.switch: hosts files; nocanonify).
#
# Host name: if it has no dot, Sendmail sleeps 60 s at start. Sendmail runs
# under `unshare --uts` with `hostname $SM_HOSTNAME` when that works, and the
# shim also answers gethostname()/uname() with $SM_HOSTNAME, so either way
# suffices.
#
# Functions:
#   sm_setup       check the unpacked Sendmail, build the shim, write the
#                  .mc (the contrib fragment included verbatim apart from the
#                  socket address) and build private.cf with m4
#   sm_start_sink  start smtp-sink (registered for cleanup)
#   sm_stop_sink   stop it by its PID
#   sm_start       start Sendmail as a daemon (-bd), wait for both listeners;
#                  returns 1 (after printing the log) if it does not come up
#   sm_stop        stop Sendmail (TERM to the PID in its pid file), wait
#   sm_queue_wait [TIMEOUT]        until the queue holds no message (20 s)
#   sm_sink_has STRING [TIMEOUT]   true once STRING (fixed) is in the dump
#   sm_sink_count STRING           how many dump lines hold STRING
#   sm_log_tail [N]                last N lines of Sendmail's log, as diag
#   sm_smtp PORT CLIENT_IP FROM RCPT [swaks options...]
#                  one SMTP transaction with swaks from CLIENT_IP; sets
#                  SM_MAIL_REPLY, SM_RCPT_REPLY (first reply line to MAIL and
#                  RCPT, "" if not reached), SM_DATA_REPLY (reply to the end
#                  of data, "" if not reached) and SM_SWAKS_OUT (file with
#                  the whole transcript)
#   sm_reply_to COMMAND  the reply to COMMAND ("RCPT TO:<b@x>") in the last
#                  transaction (for several recipients: --to 'a@x,b@y')
#   sm_code REPLY  "550 5.7.1" out of "550 5.7.1 <u@x>... Relaying denied"

: "${SM_ROOT:=${RELAYMILTER_TESTDEPS:-/var/tmp/relaymilter-testdeps}/sendmail-root}"
: "${SM_PORT_MTA:=11025}" "${SM_PORT_SUB:=11587}" "${SM_PORT_SINK:=11026}"
: "${SM_RECIPE:=milter}"
: "${SM_MILTER:=inet:18896@127.0.0.1}"
: "${SM_SOCKETMAP:=}"
: "${SM_CONTRIB:=${top_srcdir:-.}/contrib/sendmail}"
: "${SM_HOSTNAME:=mx.example.test}"
: "${SM_EXTRA_MC:=}"
: "${SM_SASLAUTHD:=}"

SM_BIN=$SM_ROOT/usr/libexec/sendmail/sendmail
SM_CF_DIR=$SM_ROOT/usr/share/sendmail/cf
SM_SINK_PID=
SM_PID=
SM_SWAKS_N=0

# The LD_PRELOAD shim: syslog to a file (path read from the environment in
# a constructor, because sendmail scrubs its environment early in main), and
# a fully qualified host name.
_sm_shim_source() {
    cat <<'EOT'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static char log_path[4096];
static char host_name[256];
static char ident_buf[64] = "sendmail";

__attribute__((constructor)) static void shim_init(void)
{
	const char *p = getenv("SM_SHIM_LOG");
	if (p) snprintf(log_path, sizeof log_path, "%s", p);
	p = getenv("SM_SHIM_HOSTNAME");
	if (p) snprintf(host_name, sizeof host_name, "%s", p);
}

void openlog(const char *ident, int option, int facility)
{
	(void)option; (void)facility;
	if (ident) snprintf(ident_buf, sizeof ident_buf, "%s", ident);
}

void closelog(void) {}

void vsyslog(int pri, const char *fmt, va_list ap)
{
	int saved = errno;
	char msg[8192], ts[32];
	time_t t = time(NULL);
	struct tm tm;
	FILE *f;

	(void)pri;
	if (!log_path[0] || !(f = fopen(log_path, "a"))) { errno = saved; return; }
	errno = saved;			/* for %m */
	vsnprintf(msg, sizeof msg, fmt, ap);
	localtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%b %e %H:%M:%S", &tm);
	fprintf(f, "%s %s[%ld]: %s\n", ts, ident_buf, (long)getpid(), msg);
	fclose(f);
	errno = saved;
}

void syslog(int pri, const char *fmt, ...)
{ va_list ap; va_start(ap, fmt); vsyslog(pri, fmt, ap); va_end(ap); }
void __syslog_chk(int pri, int flag, const char *fmt, ...)
{ va_list ap; (void)flag; va_start(ap, fmt); vsyslog(pri, fmt, ap); va_end(ap); }
void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap)
{ (void)flag; vsyslog(pri, fmt, ap); }

int gethostname(char *name, size_t len)
{
	const char *h = host_name;
	struct utsname u;
	if (!h[0]) {			/* no override: the real one */
		if (uname(&u) < 0) return -1;
		h = u.nodename;
	}
	if (strlen(h) + 1 > len) { errno = ENAMETOOLONG; return -1; }
	strcpy(name, h);
	return 0;
}

int uname(struct utsname *u)
{
	static int (*real_uname)(struct utsname *);
	if (!real_uname)
		real_uname = (int (*)(struct utsname *))dlsym(RTLD_NEXT, "uname");
	if (!real_uname || real_uname(u) < 0) return -1;
	if (host_name[0])
		snprintf(u->nodename, sizeof u->nodename, "%s", host_name);
	return 0;
}
EOT
}

sm_setup() {
    [ -n "$SM_DIR" ] || { diag "sm_setup: SM_DIR not set"; return 1; }
    if [ ! -x "$SM_BIN" ] || [ ! -f "$SM_CF_DIR/m4/cf.m4" ]; then
        diag "sm_setup: no Sendmail in $SM_ROOT (run t/lib/fetch-sendmail.sh)"
        return 1
    fi
    command -v m4 >/dev/null 2>&1 || { diag "sm_setup: m4 not found"; return 1; }
    command -v smtp-sink >/dev/null 2>&1 || { diag "sm_setup: smtp-sink (postfix) not found"; return 1; }
    command -v swaks >/dev/null 2>&1 || { diag "sm_setup: swaks not found"; return 1; }
    case $SM_RECIPE in
    milter) _frag=relaymilter.mc ;;
    socketmap)
        _frag=relaymilter-socketmap.m4
        [ -n "$SM_SOCKETMAP" ] || { diag "sm_setup: SM_RECIPE=socketmap needs SM_SOCKETMAP"; return 1; } ;;
    *) diag "sm_setup: SM_RECIPE must be milter or socketmap, not '$SM_RECIPE'"; return 1 ;;
    esac
    [ -r "$SM_CONTRIB/$_frag" ] || { diag "sm_setup: missing $SM_CONTRIB/$_frag"; return 1; }

    mkdir -p "$SM_DIR/etc" "$SM_DIR/mqueue" "$SM_DIR/log" "$SM_DIR/sink" "$SM_DIR/swaks" || return 1
    chmod 755 "$SM_DIR" "$SM_DIR/etc" "$SM_DIR/log"
    chmod 700 "$SM_DIR/mqueue"
    # smtp-sink drops to nobody and must reach sink/dump
    _d=$SM_DIR
    while _d=$(dirname "$_d") && [ "$_d" != / ]; do
        [ -x "$_d" ] || chmod o+x "$_d"
    done
    chown nobody "$SM_DIR/sink" || return 1
    : > "$SM_DIR/sink/dump"; chown nobody "$SM_DIR/sink/dump"

    # the shim
    _sm_shim_source > "$SM_DIR/shim.c"
    if ! ${CC:-cc} -shared -fPIC -O -o "$SM_DIR/shim.so" "$SM_DIR/shim.c" -ldl \
            > "$SM_DIR/log/shim-build.log" 2>&1; then
        diag "sm_setup: cannot build the LD_PRELOAD shim:" "$(cat "$SM_DIR/log/shim-build.log")"
        return 1
    fi

    _e=$SM_DIR/etc
    printf '%s\n' example.com example.org > "$_e/local-host-names"
    : > "$_e/relay-domains"
    printf '%s\n' 'hosts files' 'aliases files' 'passwd files' > "$_e/service.switch"
    printf '%s\n' 'postmaster: root' 'MAILER-DAEMON: postmaster' > "$_e/aliases"
    cp "$SM_ROOT/etc/mail/helpfile" "$_e/helpfile" 2>/dev/null || : > "$_e/helpfile"
    : > "$_e/statistics"

    # the contrib fragment: the milter one verbatim apart from the socket
    # address; the socket map one verbatim (its socket is a define)
    _milter_mc= _smap_mc=
    if [ "$SM_RECIPE" = milter ]; then
        sed "s|S=inet:8895@127\\.0\\.0\\.1|S=$SM_MILTER|" "$SM_CONTRIB/relaymilter.mc" \
            > "$_e/relaymilter.m4" || return 1
        grep -q "^INPUT_MAIL_FILTER(\`relaymilter', \`S=$SM_MILTER," "$_e/relaymilter.m4" || {
            diag "sm_setup: no INPUT_MAIL_FILTER(\`relaymilter', \`S=inet:8895@127.0.0.1, ...') in relaymilter.mc"
            return 1; }
        _milter_mc="dnl ---- contrib/sendmail/relaymilter.mc, verbatim apart from the socket address
include(\`$_e/relaymilter.m4')dnl
dnl ---- end of contrib/sendmail/relaymilter.mc"
    else
        cp "$SM_CONTRIB/relaymilter-socketmap.m4" "$_e/relaymilter-socketmap.m4" || return 1
        _smap_mc="dnl ---- contrib/sendmail/relaymilter-socketmap.m4, verbatim, at the end
define(\`RELAYMILTER_SOCKETMAP', \`$SM_SOCKETMAP')dnl
include(\`$_e/relaymilter-socketmap.m4')dnl
dnl ---- end of contrib/sendmail/relaymilter-socketmap.m4"
    fi

    # SMTP AUTH through a saslauthd socket. Cyrus SASL reads Sendmail.conf
    # from SASL_CONF_PATH, which an E line of the .cf sets for sendmail.
    _sasl_mc=
    if [ -n "$SM_SASLAUTHD" ]; then
        mkdir -p "$_e/sasl" || return 1
        for _f in Sendmail.conf relaymilter-auth.mc; do
            [ -r "$SM_CONTRIB/$_f" ] || { diag "sm_setup: missing $SM_CONTRIB/$_f"; return 1; }
        done
        sed "s|^saslauthd_path:.*|saslauthd_path: $SM_SASLAUTHD|" \
            "$SM_CONTRIB/Sendmail.conf" > "$_e/sasl/Sendmail.conf" || return 1
        sed "s|^ESASL_CONF_PATH=.*|ESASL_CONF_PATH=$_e/sasl|" \
            "$SM_CONTRIB/relaymilter-auth.mc" > "$_e/relaymilter-auth.m4" || return 1
        _sasl_mc="include(\`$_e/relaymilter-auth.m4')"
    fi

    # Definitions must follow include(cf.m4): cfhead.m4 sets the defaults
    # (confCW_FILE, confCR_FILE, ...) unconditionally.
    cat > "$_e/private.mc" <<EOT
divert(-1)
# private Sendmail instance for relaymilter's end-to-end tests (t/lib/sendmail.sh)
divert(0)dnl
include(\`$SM_CF_DIR/m4/cf.m4')dnl
VERSIONID(\`relaymilter e2e test')dnl
dnl OSTYPE(linux) would force procmail as the local mailer: define it ourselves
define(\`__OSTYPE__', \`relaymilter-test')dnl
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`QUEUE_DIR', \`$SM_DIR/mqueue')dnl
define(\`STATUS_FILE', \`$_e/statistics')dnl
define(\`ALIAS_FILE', \`$_e/aliases')dnl
define(\`HELP_FILE', \`$_e/helpfile')dnl
define(\`confPID_FILE', \`$SM_DIR/sendmail.pid')dnl
define(\`confSERVICE_SWITCH_FILE', \`$_e/service.switch')dnl
define(\`confCW_FILE', \`$_e/local-host-names')dnl
define(\`confCR_FILE', \`-o $_e/relay-domains')dnl
define(\`confREFUSE_LA', \`999')dnl
define(\`confQUEUE_LA', \`999')dnl
define(\`confDELAY_LA', \`0')dnl
define(\`confMIN_FREE_BLOCKS', \`0')dnl
define(\`confBAD_RCPT_THROTTLE', \`0')dnl
define(\`confMAX_DAEMON_CHILDREN', \`0')dnl
define(\`confCONNECTION_RATE_THROTTLE', \`0')dnl
dnl all delivery to the sink on the loopback
define(\`SMART_HOST', \`esmtp:[127.0.0.1]')dnl
define(\`MAIL_HUB', \`esmtp:[127.0.0.1]')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $SM_PORT_SINK')dnl
define(\`SMTP_MAILER_ARGS', \`TCP \$h $SM_PORT_SINK')dnl
define(\`SMTP8_MAILER_ARGS', \`TCP \$h $SM_PORT_SINK')dnl
define(\`DSMTP_MAILER_ARGS', \`TCP \$h $SM_PORT_SINK')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $SM_PORT_SINK')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`use_cw_file')dnl
DAEMON_OPTIONS(\`Port=$SM_PORT_MTA, Addr=127.0.0.1, Name=MTA')dnl
DAEMON_OPTIONS(\`Port=$SM_PORT_SUB, Addr=127.0.0.1, Name=submission')dnl
${_milter_mc}dnl
${SM_EXTRA_MC}dnl
${_sasl_mc}dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
${_smap_mc}dnl
EOT
    if ! m4 "$_e/private.mc" > "$_e/private.cf" 2> "$SM_DIR/log/m4.log"; then
        diag "sm_setup: m4 failed:" "$(cat "$SM_DIR/log/m4.log")"
        return 1
    fi
    # m4 warns about promiscuous_relay (expected with the milter recipe
    # only); anything else is an error
    _m4_ok='promiscuous_relay|relay\.  Do NOT use it'
    [ "$SM_RECIPE" = milter ] || _m4_ok='^$'
    if grep -Ev -e "$_m4_ok" "$SM_DIR/log/m4.log" | grep -q .; then
        diag "sm_setup: m4 complained:" "$(cat "$SM_DIR/log/m4.log")"
        return 1
    fi
    # the fragment must have reached the .cf
    if [ "$SM_RECIPE" = milter ]; then
        set -- "^Xrelaymilter, S=$SM_MILTER, F=T," '^O InputMailFilters=relaymilter$' \
            '^O Milter.macros.connect=.*{daemon_name}' '^O Milter.macros.envfrom=.*{auth_authen}'
    else
        # the map, the ruleset, and neither the filter nor promiscuous_relay
        set -- "^Krelaymilter socket .*$SM_SOCKETMAP\$" '^SLocal_check_rcpt' \
            '^R.*\$(relaymilter rm1^'
        if grep -q -e '^O InputMailFilters=' -e '^Xrelaymilter' "$_e/private.cf"; then
            diag "sm_setup: the socketmap recipe's private.cf declares a filter"; return 1
        fi
    fi
    for _want in "$@" \
            ${SM_SASLAUTHD:+"^ESASL_CONF_PATH=$_e/sasl\$" '^O AuthMechanisms=PLAIN LOGIN$'}; do
        grep -q -e "$_want" "$_e/private.cf" || {
            diag "sm_setup: private.cf lacks /$_want/"; return 1; }
    done
    return 0
}

# true when something already listens on 127.0.0.1:$1
_sm_port_busy() {
    bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

sm_start_sink() {
    if _sm_port_busy "$SM_PORT_SINK"; then
        diag "port 127.0.0.1:$SM_PORT_SINK is already in use (a stale sink?)"
        return 1
    fi
    smtp-sink -u nobody -h sink.example.test -D "$SM_DIR/sink/dump" \
        "127.0.0.1:$SM_PORT_SINK" 64 >> "$SM_DIR/log/sink.log" 2>&1 &
    SM_SINK_PID=$!
    register_pid "$SM_SINK_PID"
    if ! wait_port 127.0.0.1 "$SM_PORT_SINK" 10 || ! _pid_alive "$SM_SINK_PID"; then
        diag "smtp-sink did not start:" "$(cat "$SM_DIR/log/sink.log")"
        return 1
    fi
}

sm_stop_sink() {
    [ -n "$SM_SINK_PID" ] || return 0
    kill -TERM "$SM_SINK_PID" 2>/dev/null
    wait_pid_exit "$SM_SINK_PID" 10
    unregister_pid "$SM_SINK_PID"
    SM_SINK_PID=
}

_sm_pid() {
    sed -n '1s/^\([0-9][0-9]*\)$/\1/p' "$SM_DIR/sendmail.pid" 2>/dev/null
}

sm_start() {
    for _p in "$SM_PORT_MTA" "$SM_PORT_SUB"; do
        if _sm_port_busy "$_p"; then
            diag "port 127.0.0.1:$_p is already in use (a stale Sendmail?)"
            return 1
        fi
    done
    register_cleanup sm_stop
    rm -f "$SM_DIR/sendmail.pid"
    _sm_env="SM_SHIM_LOG=$SM_DIR/log/maillog SM_SHIM_HOSTNAME=$SM_HOSTNAME LD_PRELOAD=$SM_DIR/shim.so"
    _sm_cmd="$SM_BIN -bd -C $SM_DIR/etc/private.cf"
    # -bd forks: the daemon detaches and writes its pid file
    if unshare --uts true 2>/dev/null; then
        unshare --uts sh -c "hostname '$SM_HOSTNAME' && exec env $_sm_env $_sm_cmd" \
            >> "$SM_DIR/log/start.log" 2>&1
    else
        env $_sm_env $_sm_cmd >> "$SM_DIR/log/start.log" 2>&1
    fi
    _rc=$?
    if [ "$_rc" -ne 0 ]; then
        diag "Sendmail -bd failed (exit $_rc):" "$(cat "$SM_DIR/log/start.log")"
        sm_log_tail 30
        return 1
    fi
    _end=$(( $(date +%s) + 15 ))
    while SM_PID=$(_sm_pid); [ -z "$SM_PID" ]; do
        if [ "$(date +%s)" -ge "$_end" ]; then
            diag "Sendmail did not write its pid file (exit $_rc)"
            diag "$(cat "$SM_DIR/log/start.log")"
            sm_log_tail 30
            return 1
        fi
        sleep 0.1
    done
    if ! wait_port 127.0.0.1 "$SM_PORT_MTA" 15 || ! wait_port 127.0.0.1 "$SM_PORT_SUB" 15; then
        diag "Sendmail listeners 127.0.0.1:$SM_PORT_MTA / :$SM_PORT_SUB did not come up"
        diag "$(cat "$SM_DIR/log/start.log")"
        sm_log_tail 30
        return 1
    fi
    return 0
}

sm_stop() {
    _m=$(_sm_pid)
    [ -n "$_m" ] || _m=$SM_PID
    [ -n "$_m" ] || return 0
    kill -TERM "$_m" 2>/dev/null
    wait_pid_exit "$_m" 15 || diag "Sendmail daemon $_m did not exit"
    SM_PID=
    rm -f "$SM_DIR/sendmail.pid"
}

sm_queue_wait() {
    _end=$(( $(date +%s) + ${1:-20} ))
    while :; do
        # a queued message is a qf file (df holds its body)
        set -- "$SM_DIR"/mqueue/qf* "$SM_DIR"/mqueue/[Qh]f*
        _left=
        for _f; do [ -e "$_f" ] && _left="$_left $_f"; done
        [ -z "$_left" ] && return 0
        if [ "$(date +%s)" -ge "$_end" ]; then
            diag "Sendmail queue not empty:$_left"
            return 1
        fi
        sleep 0.2
    done
}

sm_sink_count() {
    grep -cF -e "$1" "$SM_DIR/sink/dump" 2>/dev/null
}

sm_sink_has() {
    _end=$(( $(date +%s) + ${2:-0} ))
    while :; do
        grep -qF -e "$1" "$SM_DIR/sink/dump" 2>/dev/null && return 0
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.2
    done
}

sm_log_tail() {
    diag "--- tail of $SM_DIR/log/maillog"
    diag "$(tail -n "${1:-20}" "$SM_DIR/log/maillog" 2>/dev/null)"
}

# first reply line after the first line of swaks' transcript $1 that
# starts with " -> $2" (the command sent)
_sm_reply_after() {
    awk -v cmd="$2" '
        found && /^(<-|<\*\*) / { sub(/^(<-|<\*\*) +/, ""); print; exit }
        index($0, " -> " cmd) == 1 { found = 1 }
    ' "$1"
}

# sm_reply_to COMMAND: the reply to COMMAND (e.g. "RCPT TO:<b@x>") in the
# last transaction
sm_reply_to() {
    _sm_reply_after "$SM_SWAKS_OUT" "$1"
}

sm_smtp() {
    _port=$1 _ip=$2 _from=$3 _rcpt=$4; shift 4
    SM_SWAKS_N=$((SM_SWAKS_N + 1))
    SM_SWAKS_OUT=$SM_DIR/swaks/$SM_SWAKS_N.txt
    swaks --server "127.0.0.1:$_port" --local-interface "$_ip" \
        --ehlo client.example.test --from "$_from" --to "$_rcpt" \
        --timeout 30 "$@" > "$SM_SWAKS_OUT" 2>&1
    SM_MAIL_REPLY=$(_sm_reply_after "$SM_SWAKS_OUT" "MAIL FROM:")
    SM_RCPT_REPLY=$(_sm_reply_after "$SM_SWAKS_OUT" "RCPT TO:")
    # the reply to the end of data follows the lone "."
    SM_DATA_REPLY=$(awk '
        found && /^(<-|<\*\*) / { sub(/^(<-|<\*\*) +/, ""); print; exit }
        $0 == " -> ." { found = 1 }
    ' "$SM_SWAKS_OUT")
}

sm_code() {
    printf '%s\n' "$1" | sed -n 's/^\([2-5][0-9][0-9]\)[ -]\([2-5]\.[0-9]\{1,3\}\.[0-9]\{1,3\}\).*/\1 \2/p;t;s/^\([2-5][0-9][0-9]\).*/\1/p'
}
