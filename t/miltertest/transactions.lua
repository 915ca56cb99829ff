-- Several transactions on one connection: the sender of one must never
-- be judged with the recipients of the next; each RCPT is decided alone,
-- and DATA accepts the message once all recipients are decided.
local tap = dofile(tapdir .. "/tap.lua")
local conn = tap.connect("127.0.0.1", nil)

mt.macro(conn, SMFIC_MAIL, "i", "")
mt.mailfrom(conn, "<user@example.com>")
mt.macro(conn, SMFIC_RCPT, "i", "Q1AAA")
mt.rcptto(conn, "<a@remote.test>")
tap.reply(conn, SMFIR_CONTINUE, "txn 1: local sender from LAN relays")
mt.rcptto(conn, "<b@example.com>")
tap.reply(conn, SMFIR_CONTINUE, "txn 1: local recipient")
mt.rcptto(conn, "<c%remote.test@example.com>")
tap.reply(conn, SMFIR_CONTINUE, "txn 1: routed recipient is a relay, allowed from LAN")
mt.data(conn)
tap.reply(conn, SMFIR_ACCEPT, "txn 1: DATA accepts the message")
tap.logged("queue id from the i macro is logged", "Q1AAA: accept rcpt=<a@remote.test>",
    "rule=serial", "from=<user@example.com>")

mt.mailfrom(conn, "<user@remote.test>")
mt.rcptto(conn, "<d@remote.test>")
tap.reply(conn, SMFIR_REPLYCODE, "txn 2: non-local sender refused (no leak from txn 1)")
tap.logged("txn 2 logged as non-local-sender with NOQUEUE",
    "NOQUEUE: reject rcpt=<d@remote.test>", "rule=non-local-sender")
mt.rcptto(conn, "<e@example.com>")
tap.reply(conn, SMFIR_CONTINUE, "txn 2: local recipient still accepted")
mt.abort(conn)

mt.mailfrom(conn, "<>")
mt.rcptto(conn, "<f@remote.test>")
tap.reply(conn, SMFIR_REPLYCODE, "txn 3: null sender is not a local sender")
mt.rcptto(conn, "<Postmaster>")
tap.reply(conn, SMFIR_CONTINUE, "txn 3: <Postmaster> is local")
mt.abort(conn)

mt.mailfrom(conn, "<user@EXAMPLE.COM.>")
mt.rcptto(conn, "<g@remote.test>")
tap.reply(conn, SMFIR_CONTINUE, "txn 4: sender domain case and trailing dot folded")
mt.rcptto(conn, "<h@remote.test>")
tap.reply(conn, SMFIR_CONTINUE, "txn 4: second remote recipient decided on its own")
mt.disconnect(conn)

conn = tap.connect("127.0.0.1", nil)
mt.mailfrom(conn, "<\"user@remote.test\"@example.com>")
mt.rcptto(conn, "<i@remote.test>")
tap.reply(conn, SMFIR_REPLYCODE, "quoted local part with @ is not a local sender")
mt.disconnect(conn)
tap.done()
