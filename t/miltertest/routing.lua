-- Defence in depth. {rcpt_mailer}: a recipient relaymilter holds local
-- but the MTA delivers with a transport outside local.transports is
-- judged as relaying (steps 2-5), with a warning line rule=routing-mismatch;
-- what those steps accept is accepted, what they refuse is answered 451
-- (tempfail rule=routing-mismatch): held in the sender's queue, not bounced.
-- MTA macros: a missing {daemon_name} (services configured), MAIL list
-- ({mail_addr}; {auth_type} without {auth_authen}) or {rcpt_mailer} is
-- logged once per process with the Postfix and Sendmail lines to add.
local tap = dofile(tapdir .. "/tap.lua")
local MTA = { ["{daemon_name}"] = "MTA" }
local SUB = { ["{daemon_name}"] = "submission" }
local OUT, LAN = "203.0.113.9", "127.0.0.1"
local before = tap.stats()

-- One transaction: connect macros, MAIL macros (a flat list or nil),
-- one RCPT with {rcpt_mailer} = mailer (nil: not sent).
local function one(ip, cmac, mmac, rcpt, mailer, want, desc)
	local conn = tap.connect(ip, cmac)
	if mmac then mt.macro(conn, SMFIC_MAIL, table.unpack(mmac)) end
	mt.mailfrom(conn, "<sender@remote.test>")
	if mailer then mt.macro(conn, SMFIC_RCPT, "{rcpt_mailer}", mailer) end
	mt.rcptto(conn, rcpt)
	tap.reply(conn, want, desc)
	mt.disconnect(conn)
end

-- How many log lines hold every given plain string.
local function count(...)
	local want, n = { ... }, 0
	for line in tap.log():gmatch("[^\n]+") do
		local all = true
		for _, w in ipairs(want) do
			if not line:find(w, 1, true) then all = false end
		end
		if all then n = n + 1 end
	end
	return n
end

local MAIL = { "{mail_addr}", "sender@remote.test" }

-- ---- the mailer agrees: local as before
one(OUT, MTA, MAIL, "<a1@example.com>", "local", SMFIR_CONTINUE,
    "local domain, mailer local: accepted")
tap.logged("... rule=local", "accept rcpt=<a1@example.com>", "rule=local")
one(OUT, MTA, MAIL, "<a2@example.com>", "LOCAL", SMFIR_CONTINUE,
    "mailer names compare without case")
one(OUT, MTA, MAIL, "<a3@example.com>", "dovecot", SMFIR_CONTINUE,
    "a transport listed in local.transports")
one(OUT, MTA, MAIL, "<a4@example.org>", "error", SMFIR_CONTINUE,
    "mailer error (Postfix, virtual alias domain): not a relay")
one(OUT, MTA, MAIL, "<a5@example.com>", "discard", SMFIR_CONTINUE,
    "mailer discard: not a relay")
one(OUT, MTA, MAIL, "<postmaster>", "local", SMFIR_CONTINUE,
    "bare <postmaster>, mailer local: accepted")
tap.ok(count("rule=routing-mismatch") == 0, "no mismatch so far")

-- ---- the mailer disagrees: judged as relaying
one(OUT, MTA, MAIL, "<m1@example.com>", "smtp", SMFIR_REPLYCODE,
    "local domain, mailer smtp, outside client: not accepted")
tap.logged("... held with a tempfail, rule=routing-mismatch",
    "NOQUEUE: tempfail rcpt=<m1@example.com>", "rule=routing-mismatch",
    "service=MTA")
tap.ok(count("reject rcpt=<m1@example.com>") == 0, "... never a reject")
tap.logged("... and a warning line names the mismatch and the refusing step",
    "mismatch rcpt=<m1@example.com>", "rule=routing-mismatch", "mailer=smtp",
    "client=[203.0.113.9]", "(reject rule=outside-lan)",
    "answered 451 (tempfail rule=routing-mismatch)")
one(OUT, MTA, MAIL, "<m2@EXAMPLE.ORG>", "esmtp", SMFIR_REPLYCODE,
    "alias domain, Sendmail's esmtp mailer: not accepted")
tap.logged("... held too", "tempfail rcpt=<m2@EXAMPLE.ORG>",
    "rule=routing-mismatch")
one(LAN, MTA, MAIL, "<m3@example.com>", "relay", SMFIR_CONTINUE,
    "the LAN may relay, so it may here too")
tap.logged("... accepted as rule=serial", "accept rcpt=<m3@example.com>",
    "rule=serial")
tap.logged("... with the warning", "rcpt=<m3@example.com>",
    "rule=routing-mismatch", "mailer=relay", "(accept rule=serial);")
one(OUT, SUB, { "{mail_addr}", "a@x", "{auth_type}", "PLAIN",
    "{auth_authen}", "alice" }, "<m4@example.com>", "smtp", SMFIR_CONTINUE,
    "a relay user may relay, so it may here too")
tap.logged("... accepted as rule=auth", "accept rcpt=<m4@example.com>",
    "rule=auth", "user=alice")
one(OUT, SUB, MAIL, "<m5@example.com>", "smtp", SMFIR_REPLYCODE,
    "submission without AUTH: not accepted")
tap.logged("... held, the warning names auth-required",
    "mismatch rcpt=<m5@example.com>", "(reject rule=auth-required)",
    "service=submission")
tap.logged("... tempfail rule=routing-mismatch on submission",
    "tempfail rcpt=<m5@example.com>", "rule=routing-mismatch",
    "service=submission")
one(OUT, MTA, MAIL, "<m6@remote.test>", "smtp", SMFIR_REPLYCODE,
    "a remote recipient is relaying anyway")
one(OUT, MTA, MAIL, "<postmaster>", "smtp", SMFIR_REPLYCODE,
    "bare <postmaster> the MTA relays (mailer smtp): not accepted")
tap.logged("... with the warning", "mismatch rcpt=<postmaster>",
    "rule=routing-mismatch", "mailer=smtp", "(reject rule=outside-lan)")
tap.logged("... held", "tempfail rcpt=<postmaster>", "rule=routing-mismatch")
one(LAN, MTA, MAIL, "<Postmaster>", "esmtp", SMFIR_CONTINUE,
    "bare <postmaster> relayed for a LAN client: accepted")
tap.logged("... as rule=serial", "accept rcpt=<Postmaster>", "rule=serial")
tap.ok(count("mismatch rcpt=", "rule=routing-mismatch") == 7,
    "one warning per mismatched recipient, none for the remote one")
tap.ok(count("tempfail rcpt=", "rule=routing-mismatch") == 4,
    "four decisions held (tempfail rule=routing-mismatch)")

-- ---- counters
local after = tap.stats()
local function delta(name) return (after[name] or 0) - (before[name] or 0) end
tap.ok(delta("routing.mismatch") == 7, "relayctl stats: routing.mismatch moved by 7")
tap.ok(delta("reject.outside-lan") == 1,
    "reject.outside-lan moved by 1 (the remote recipient)")
tap.ok(delta("tempfail.routing-mismatch") == 4,
    "tempfail.routing-mismatch moved by 4")
tap.ok(delta("reject.routing-mismatch") == 0 and
    delta("accept.routing-mismatch") == 0,
    "routing-mismatch never rejects, never accepts")

-- ---- MTA configuration warnings, once per process: each case runs
-- twice and must be logged once, with the lines to add
tap.ok(count("MTA configuration") == 0, "no MTA warning while the MTA sends all")
local cases = {
	{ "no {daemon_name} (services configured)", nil, MAIL, "local",
	    SMFIR_CONTINUE, { "no {daemon_name}",
	    "milter_connect_macros = j {daemon_name}",
	    "define(`confMILTER_MACROS_CONNECT'" } },
	{ "no MAIL macros at all (smtp_auth on)", MTA, nil, "local",
	    SMFIR_CONTINUE, { "no {mail_addr}",
	    "milter_mail_macros = i {auth_type} {auth_authen}",
	    "define(`confMILTER_MACROS_ENVFROM'" } },
	{ "{auth_type} without {auth_authen}", SUB,
	    { "{mail_addr}", "a@x", "{auth_type}", "PLAIN" }, "smtp",
	    SMFIR_REPLYCODE, { "{auth_type} but no {auth_authen}" } },
	{ "no {rcpt_mailer}", MTA, MAIL, nil, SMFIR_CONTINUE,
	    { "no {rcpt_mailer}",
	    "milter_rcpt_macros = i {rcpt_addr} {rcpt_host} {rcpt_mailer}",
	    "define(`confMILTER_MACROS_ENVRCPT'" } },
}
for i, k in ipairs(cases) do
	for round = 1, 2 do
		one(OUT, k[2], k[3], "<n" .. i .. "-" .. round .. "@example.com>",
		    k[4], k[5], k[1] .. ": still judged (" .. round .. ")")
	end
	tap.ok(count("MTA configuration", table.unpack(k[6])) == 1,
	    k[1] .. ": logged once, with the lines to add")
end
tap.ok(count("MTA configuration") == 4, "four MTA warnings in all")
tap.done()
