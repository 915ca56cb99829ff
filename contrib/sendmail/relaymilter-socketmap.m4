dnl ####################################################################
dnl relaymilter-socketmap.m4 -- let relaymilter decide relaying in
dnl Sendmail through a socket map (Sendmail 8.14 or later; seen working
dnl on 8.17). The recommended Sendmail recipe: Sendmail's own relay
dnl check stays in place on every listener, and relaymilter only adds
dnl what it grants (see README in this folder).
dnl
dnl Include it at the END of sendmail.mc, after the MAILER() lines, with
dnl the socket of `sendmail_socketmap' in /etc/relaymilter.conf:
dnl
dnl   define(`RELAYMILTER_SOCKETMAP', `unix:/run/relaymilter/socketmap')dnl
dnl   include(`/etc/mail/m4/relaymilter-socketmap.m4')dnl
dnl
dnl then rebuild sendmail.cf (Debian: sendmailconfig or `make -C
dnl /etc/mail'; elsewhere: m4 sendmail.mc > sendmail.cf) and restart
dnl Sendmail. Do NOT use FEATURE(`promiscuous_relay') or the milter
dnl recipe (relaymilter.mc) with it. t/e2e/socketmap-sendmail.test builds
dnl its .cf with this very file.
dnl ####################################################################
ifdef(`RELAYMILTER_SOCKETMAP', `',
`errprint(`relaymilter-socketmap.m4: define(RELAYMILTER_SOCKETMAP, unix:/path) first
')m4exit(1)')dnl
dnl
dnl The map. -f: keep the key's case (Sendmail folds it to lower case
dnl otherwise, and user names are case-sensitive); -q: keep the quotes of
dnl a quoted local part, so that relaymilter sees the address as the
dnl client wrote it; -d10s: give up on an answer after 10 s (the rules
dnl below then answer 4xx), as the milter recipe does.
LOCAL_CONFIG
Krelaymilter socket -f -q -d10s RELAYMILTER_SOCKETMAP
dnl
dnl The key (relaymilter.conf(5), SENDMAIL SOCKET MAP): fields joined by
dnl `^', an operator character, so that Sendmail puts no blanks around
dnl it; the version tag rm1 at both ends. {client_resolve} says whether
dnl {client_name} was verified (relaymilter trusts the name only when it
dnl is OK). The recipient ($1, as the client wrote it) comes before the
dnl long fields, where a key too long for Sendmail cannot cut it.
dnl
dnl The answers: OK grants relaying ($#OK ends check_rcpt); DUNNO goes on
dnl with Sendmail's own checks (a local recipient, or a refusal under
dnl dry_run); REJECT and TEMPFAIL carry relaymilter's reply text. Only
dnl these answers are let through: anything else (relaymilter down, hung
dnl or answering TEMP, the map not found) is a 4xx, never Sendmail's own
dnl decision, so that nothing relays and nothing is lost while it is away.
LOCAL_RULESETS
SLocal_check_rcpt
R$*			$: $1 $| <$(relaymilter rm1^$&{daemon_name}^$&i^$&{client_addr}^$&{client_resolve}^$&{rcpt_mailer}^$1^$&f^$&{client_name}^$&{auth_authen}^rm1 $)>
R$* $| <OK>		$#OK
R$* $| <DUNNO>		$@ $1
R$* $| <REJECT $+>	$#error $@ 5.7.1 $: $2
R$* $| <TEMPFAIL $+>	$#error $@ 4.7.1 $: $2
R$* $| $*		$#error $@ 4.7.1 $: "451 Relaying check unavailable, try again later"
