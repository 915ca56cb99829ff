-- Connect-stage macros and connection data: {daemon_name} picks the
-- listener's policy, {client_name} (verified only) feeds always_allow_from,
-- {client_addr} stands in when the MTA gives no socket address.
local tap = dofile(tapdir .. "/tap.lua")

local one = tap.rcpt

one("203.0.113.9", nil, "<u@remote.test>", SMFIR_REPLYCODE,
    "no daemon_name, outside client: relay refused")
tap.logged("logged as outside-lan with service=-", "reject rcpt=<u@remote.test>",
    "rule=outside-lan", "client=unknown[203.0.113.9]", "service=-")
one("203.0.113.9", nil, "<u@example.org>", SMFIR_CONTINUE,
    "alias domain accepted from outside")
one("127.0.0.1", { ["{daemon_name}"] = "MTA" }, "<u@remote.test>",
    SMFIR_CONTINUE, "unknown daemon_name uses the top-level policy: LAN relays")
one("127.0.0.1", { ["{daemon_name}"] = "submission" }, "<u2@remote.test>",
    SMFIR_REPLYCODE, "daemon_name=submission: smtp_auth required even on the LAN")
tap.logged("logged as auth-required on submission", "rcpt=<u2@remote.test>",
    "rule=auth-required", "service=submission")
one("203.0.113.9", { ["{daemon_name}"] = "open" }, "<u3@remote.test>",
    SMFIR_CONTINUE, "daemon_name=open: relay_for_client_machines lets outside relay")
one("203.0.113.9", { ["{daemon_name}"] = "Open" }, "<u3b@remote.test>",
    SMFIR_REPLYCODE, "daemon_name matching is exact (case-sensitive)")
one("192.0.2.77", nil, "<u4@remote.test>", SMFIR_CONTINUE,
    "always_allow_from CIDR")
one("192.0.2.77", { ["{daemon_name}"] = "open" }, "<u5@remote.test>",
    SMFIR_CONTINUE, "service list replaces top-level list (open allows anyway)")
local pf = "Postfix 3.7.11"
one("203.0.113.10", { ["{client_name}"] = "relay.partner.example" },
    "<u6a@remote.test>", SMFIR_REPLYCODE,
    "a client name from an MTA that neither says how it resolved it nor is Postfix is not trusted")
tap.logged("says once why names are ignored", "client names for always_allow_from",
    "{client_name} ignored")
one("203.0.113.10", { ["{client_name}"] = "relay.partner.example", v = "8.17.1.9" },
    "<u6b@remote.test>", SMFIR_REPLYCODE,
    "nor from Sendmail without {client_resolve}")
one("203.0.113.10", { ["{client_name}"] = "relay.partner.example", v = pf },
    "<u6@remote.test>", SMFIR_CONTINUE, "verified client name (Postfix) in always_allow_from")
tap.logged("logged as always-allow-from", "rcpt=<u6@remote.test>",
    "rule=always-allow-from", "client=relay.partner.example[203.0.113.10]")
tap.logged("says once that Postfix names are trusted", "client names for always_allow_from",
    "trusted from Postfix")
one("203.0.113.10", { ["{client_name}"] = "mx.trusted.example", v = pf },
    "<u7@remote.test>", SMFIR_CONTINUE, ".suffix name in always_allow_from")
one("203.0.113.10", { ["{client_name}"] = "trusted.example", v = pf },
    "<u8@remote.test>", SMFIR_REPLYCODE, ".suffix never matches the parent itself")
one("203.0.113.10", { ["{client_name}"] = "relay.partner.example",
    ["{client_resolve}"] = "FORGED" }, "<u9@remote.test>", SMFIR_REPLYCODE,
    "a name Sendmail marks FORGED is not trusted")
one("203.0.113.10", { ["{client_name}"] = "relay.partner.example",
    ["{client_resolve}"] = "OK" }, "<u10@remote.test>", SMFIR_CONTINUE,
    "a name Sendmail marks OK is trusted")
local conn = tap.connect("203.0.113.10", nil, "relay.partner.example")
mt.mailfrom(conn, "<sender@remote.test>")
mt.rcptto(conn, "<u10b@remote.test>")
tap.reply(conn, SMFIR_REPLYCODE,
    "the connect host name alone (no {client_name}) is not trusted")
mt.disconnect(conn)
one("unspec", { ["{client_addr}"] = "127.0.0.1" }, "<u11@remote.test>",
    SMFIR_CONTINUE, "{client_addr} used when the MTA gives no address")
one("unspec", nil, "<u12@remote.test>", SMFIR_REPLYCODE,
    "no client address at all: not on the LAN")
one("::1", nil, "<u13@remote.test>", SMFIR_CONTINUE, "IPv6 LAN client relays")
one("::ffff:127.0.0.1", nil, "<u14@remote.test>", SMFIR_CONTINUE,
    "IPv4-mapped client matched as IPv4")
one("::2", nil, "<u15@remote.test>", SMFIR_REPLYCODE, "IPv6 outside client refused")
tap.done()
