-- SMTP AUTH as the milter sees it: {auth_authen} arrives with MAIL FROM
-- (Postfix sends it only there) and must hold the relay privilege.
local tap = dofile(tapdir .. "/tap.lua")
local sub = { ["{daemon_name}"] = "submission" }

local function txn(conn, user, rcpt, want, desc)
	if user ~= nil then
		mt.macro(conn, SMFIC_MAIL, "{auth_authen}", user, "{auth_type}", "PLAIN")
	else
		mt.macro(conn, SMFIC_MAIL, "{auth_type}", "")
	end
	mt.mailfrom(conn, "<someone@remote.test>")
	mt.rcptto(conn, rcpt)
	tap.reply(conn, want, desc)
	mt.abort(conn)
end

local conn = tap.connect("203.0.113.9", sub)
txn(conn, "alice", "<r1@remote.test>", SMFIR_CONTINUE,
    "alice (relay=true) relays from outside")
tap.logged("logged as rule=auth with the user", "rcpt=<r1@remote.test>",
    "rule=auth", "user=alice")
txn(conn, nil, "<r2@remote.test>", SMFIR_REPLYCODE,
    "next transaction without auth macro: auth-required")
tap.logged("logged as auth-required", "rcpt=<r2@remote.test>", "rule=auth-required")
txn(conn, "bob", "<r3@remote.test>", SMFIR_REPLYCODE,
    "bob (relay=false) refused")
tap.logged("logged as no-relay-privilege", "rcpt=<r3@remote.test>",
    "rule=no-relay-privilege", "user=bob")
txn(conn, "mallory", "<r4@remote.test>", SMFIR_REPLYCODE,
    "unknown user has no relay privilege")
tap.logged("unknown user logged as no-relay-privilege", "rcpt=<r4@remote.test>",
    "rule=no-relay-privilege")
txn(conn, "Alice", "<r5@remote.test>", SMFIR_REPLYCODE,
    "user names are case-sensitive")
txn(conn, "alice@example.com", "<r6@remote.test>", SMFIR_CONTINUE,
    "listed realm stripped from the user name")
txn(conn, "alice@elsewhere.test", "<r7@remote.test>", SMFIR_REPLYCODE,
    "unlisted realm kept: no such user")
txn(conn, "bob", "<r8@example.com>", SMFIR_CONTINUE,
    "local recipient needs no privilege")
mt.disconnect(conn)

conn = tap.connect("203.0.113.9", { ["{daemon_name}"] = "MTA" })
txn(conn, "alice", "<r9@remote.test>", SMFIR_REPLYCODE,
    "without smtp_auth on this listener, auth does not open relaying from outside")
tap.logged("logged as outside-lan", "rcpt=<r9@remote.test>", "rule=outside-lan")
mt.disconnect(conn)
tap.done()
