/*
 * t_policy: the decision procedure of relaymilter(8), "Decision procedure", in explicit
 * rows: the lists, the services, the address tricks, the auth names, the
 * POP callback, rule names and replies. (Every combination of the
 * controls is checked in t_policy_matrix, the MTA's routing in
 * t_policy_routing.)
 */
#include "policy_fixture.h"

/* ==== part 2: explicit rows ==== */


struct row {
	struct req_spec	 r;
	const char	*want;		/* "verdict rule" */
};

/* daemon, client, client_name, auth, sender, rcpt, pop answer */
static const struct row rows[] = {
	/* ---- 1: local recipients, always accepted ---- */
	{ { NULL, OUT, NULL, NULL, SREM, "u@example.com", 0 }, "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "<U@EXAMPLE.COM>", 0 },
	    "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@example.com.", 0 },
	    "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@example.org", 0 }, "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@a.example.com", 0 },
	    "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@b.a.example.com", 0 },
	    "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@b\xc3\xbc" "cher.example", 0 },
	    "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@xn--bcher-kva.example", 0 },
	    "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@[192.0.2.1]", 0 }, "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "postmaster", 0 }, "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "<Postmaster>", 0 }, "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "POSTMASTER", 0 }, "accept local" },
	{ { NULL, OUT, NULL, NULL, "<>", "<postmaster>", 0 }, "accept local" },
	{ { NULL, OUT, NULL, NULL, SREM, "postmaster@example.com", 0 },
	    "accept local" },
	{ { NULL, NULL, NULL, NULL, "<>", "u@example.com", 0 },
	    "accept local" },
	{ { "submission", OUT, NULL, NULL, SREM, "u@example.com", 0 },
	    "accept local" },
	{ { "submission", OUT, NULL, "bob", SREM, "u@example.com", 0 },
	    "accept local" },
	{ { "pop", OUT, NULL, NULL, SREM, "u@example.com", -1 },
	    "accept local" },
	{ { "nolists", OUT, NULL, NULL, SREM, "u@example.org", 0 },
	    "accept local" },
	/* ---- not local: look-alikes and routing tricks ---- */
	{ { NULL, OUT, NULL, NULL, SLOC, RREM, 0 }, "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@badexample.com", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@example.com.remote.test", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@sub.example.org", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@example.com..", 0 },
	    "reject outside-lan" },
	/* IDN look-alikes that UTS-46 mapping folds into a listed domain */
	{ { NULL, OUT, NULL, NULL, SLOC, "u@\xef\xbd\x85\xef\xbd\x98"
	    "\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x90\xef\xbd\x8c\xef\xbd\x85"
	    ".com", 0 }, "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@example\xe3\x80\x82" "com", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@\xe2\x93\x94xample.com", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@exa\xc2\xadmple.com", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@b\xc3\xbc\xe2\x80\x8b" "cher"
	    ".example", 0 }, "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@\xef\xbd\x86riend.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@B\xc3\x9c" "CHER.example", 0 },
	    "accept local" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@[192.0.2.2]", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@[IPv6:2001:db8::1]", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "<@example.com:u@remote.test>", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "<@remote.test:u@example.com>", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "<@a,@b:u@example.com>", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u%remote.test@example.com", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "remote.test!u@example.com", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "\"u@remote.test\"@example.com", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "\"u%remote.test\"@example.com", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "\"u\\@remote.test\"@example.com",
	    0 }, "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u@remote.test@example.com", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "alice", 0 }, "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "<alice>", 0 }, "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "postmaster@remote.test", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "u ser@example.com", 0 },
	    "reject outside-lan" },
	{ { NULL, OUT, NULL, NULL, SLOC, "<u@example.com", 0 },
	    "reject outside-lan" },
	/* ---- 5: serial controls under the strict top level ---- */
	{ { NULL, LAN, NULL, NULL, SLOC, RREM, 0 }, "accept serial" },
	{ { NULL, LAN, NULL, NULL, SREM, RREM, 0 }, "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "<>", RREM, 0 }, "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "postmaster", RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "s", RREM, 0 }, "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "<@example.com:s@remote.example>", RREM,
	    0 }, "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "<@remote.example:s@example.com>", RREM,
	    0 }, "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "s%remote.example@example.com", RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "remote.example!s@example.com", RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "\"s@remote.example\"@example.com", RREM,
	    0 }, "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "s@remote.example@example.com", RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "s@[192.0.2.2]", RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "s p@example.com", RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "s@badexample.com", RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, LAN, NULL, NULL, "<S@EXAMPLE.COM.>", RREM, 0 },
	    "accept serial" },
	{ { NULL, LAN, NULL, NULL, "s@a.example.com", RREM, 0 },
	    "accept serial" },
	{ { NULL, LAN, NULL, NULL, "s@example.org", RREM, 0 }, "accept serial" },
	{ { NULL, LAN, NULL, NULL, "s@b\xc3\xbc" "cher.example", RREM, 0 },
	    "accept serial" },
	{ { NULL, LAN, NULL, NULL, "s@[192.0.2.1]", RREM, 0 }, "accept serial" },
	/* LAN routed recipients are relaying, and the LAN may relay */
	{ { NULL, LAN, NULL, NULL, SLOC, "<@remote.test:u@example.com>", 0 },
	    "accept serial" },
	/* 5a before 5b */
	{ { NULL, OUT, NULL, NULL, SREM, RREM, 0 }, "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SLOC, RREM, 0 }, "reject outside-lan" },
	/* LAN membership */
	{ { NULL, "::ffff:192.168.1.20", NULL, NULL, SLOC, RREM, 0 },
	    "accept serial" },
	{ { NULL, "10.9.8.7", NULL, NULL, SLOC, RREM, 0 }, "accept serial" },
	{ { NULL, "::ffff:10.9.8.7", NULL, NULL, SLOC, RREM, 0 },
	    "accept serial" },
	{ { NULL, "::1", NULL, NULL, SLOC, RREM, 0 }, "accept serial" },
	{ { NULL, "::2", NULL, NULL, SLOC, RREM, 0 }, "reject outside-lan" },
	{ { NULL, "192.168.1.0", NULL, NULL, SLOC, RREM, 0 }, "accept serial" },
	{ { NULL, "192.168.1.255", NULL, NULL, SLOC, RREM, 0 },
	    "accept serial" },
	{ { NULL, "192.168.0.255", NULL, NULL, SLOC, RREM, 0 },
	    "reject outside-lan" },
	{ { NULL, "192.168.2.0", NULL, NULL, SLOC, RREM, 0 },
	    "reject outside-lan" },
	{ { NULL, "11.0.0.0", NULL, NULL, SLOC, RREM, 0 },
	    "reject outside-lan" },
	{ { NULL, NULL, NULL, NULL, SLOC, RREM, 0 }, "reject outside-lan" },
	/* without smtp_auth an authenticated user changes nothing */
	{ { NULL, OUT, NULL, "alice", SLOC, RREM, 0 }, "reject outside-lan" },
	{ { NULL, OUT, NULL, "alice", SREM, RREM, 1 },
	    "reject non-local-sender" },
	/* services flipping one control each */
	{ { "senders", OUT, NULL, NULL, SREM, RREM, 0 }, "reject outside-lan" },
	{ { "senders", LAN, NULL, NULL, SREM, RREM, 0 }, "accept serial" },
	{ { "senders", LAN, NULL, NULL, "<>", RREM, 0 }, "accept serial" },
	{ { "clients", OUT, NULL, NULL, SLOC, RREM, 0 }, "accept serial" },
	{ { "clients", OUT, NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { "clients", OUT, NULL, NULL, "<>", RREM, 0 },
	    "reject non-local-sender" },
	{ { "clients", NULL, NULL, NULL, SLOC, RREM, 0 }, "accept serial" },
	{ { "open", OUT, NULL, NULL, "<>", RREM, 0 }, "accept serial" },
	{ { "open", OUT, NULL, NULL, SREM, "<@a:u@remote.test>", 0 },
	    "accept serial" },
	/* ---- 2: always_allow_from ---- */
	{ { NULL, "203.0.113.7", NULL, NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, "::ffff:203.0.113.7", NULL, NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, "203.0.113.8", NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, "203.0.113.6", NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, "198.51.100.0", NULL, NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, "198.51.100.255", NULL, NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, "198.51.99.255", NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, "198.51.101.0", NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, "2001:db8:1::", NULL, NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, "2001:db8:1:ffff:ffff:ffff:ffff:ffff", NULL, NULL, SREM,
	    RREM, 0 }, "accept always-allow-from" },
	{ { NULL, "2001:db8:2::", NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, "2001:db8::ffff", NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, "192.0.2.128", NULL, NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, "192.0.2.255", NULL, NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, "192.0.2.127", NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	/* by verified client name, exact or .suffix */
	{ { NULL, OUT, "mx.partner.test", NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, OUT, "MX.Partner.TEST.", NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, OUT, "a.mx.partner.test", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, "partner.test", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, "mx.partner.test.evil.test", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, "xmx.partner.test", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, "host.trusted.test", NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, OUT, "a.b.trusted.test", NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, OUT, "HOST.Trusted.Test.", NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, OUT, "trusted.test", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, "untrusted.test", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, "host.untrusted.test", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, "trusted.test.evil.test", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, "[203.0.113.9]", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, "", NULL, SREM, RREM, 0 }, "reject non-local-sender" },
	{ { NULL, OUT, "unknown", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	/* step 1 before 2, 2 before 3, and 2 before 4/5 */
	{ { NULL, "203.0.113.7", NULL, NULL, SREM, "u@example.com", 0 },
	    "accept local" },
	{ { NULL, "203.0.113.7", NULL, NULL, SREM, "u@friend.test", 0 },
	    "accept always-allow-from" },
	{ { NULL, "203.0.113.7", NULL, NULL, "<>", "<@a:u@remote.test>", 0 },
	    "accept always-allow-from" },
	{ { "submission", "203.0.113.7", NULL, NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { "both", OUT, "mx.partner.test", "bob", SREM, RREM, -1 },
	    "accept always-allow-from" },
	/* a list in a service replaces the top-level list */
	{ { "lists", "203.0.113.7", NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { "lists", OUT, "mx.partner.test", NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { "lists", "192.0.2.99", NULL, NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	{ { NULL, "192.0.2.99", NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { "nolists", "203.0.113.7", NULL, NULL, SREM, RREM, 0 },
	    "reject non-local-sender" },
	/* ---- 3: always_allow_to ---- */
	{ { NULL, OUT, NULL, NULL, SREM, "u@friend.test", 0 },
	    "accept always-allow-to" },
	{ { NULL, OUT, NULL, NULL, SREM, "<U@FRIEND.TEST.>", 0 },
	    "accept always-allow-to" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@a.sub.friend.test", 0 },
	    "accept always-allow-to" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@b.a.sub.friend.test", 0 },
	    "accept always-allow-to" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@sub.friend.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@a.friend.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@badfriend.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@xsub.friend.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@friend.test.evil.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "boss@elsewhere.test", 0 },
	    "accept always-allow-to" },
	{ { NULL, OUT, NULL, NULL, SREM, "<BOSS@Elsewhere.Test>", 0 },
	    "accept always-allow-to" },
	{ { NULL, OUT, NULL, NULL, SREM, "Boss@elsewhere.test.", 0 },
	    "accept always-allow-to" },
	{ { NULL, OUT, NULL, NULL, SREM, "other@elsewhere.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@elsewhere.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "boss@a.elsewhere.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@[192.0.2.5]", 0 },
	    "accept always-allow-to" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@[192.0.2.6]", 0 },
	    "reject non-local-sender" },
	/* routed recipients never match always_allow_to */
	{ { NULL, OUT, NULL, NULL, SREM, "<@x.test:u@friend.test>", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "<@friend.test:u@remote.test>", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u%remote.test@friend.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "remote.test!u@friend.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "\"u@remote.test\"@friend.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@remote.test@friend.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u%x@a.sub.friend.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "boss%x@elsewhere.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "\"boss@x\"@elsewhere.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "<@a:boss@elsewhere.test>", 0 },
	    "reject non-local-sender" },
	/* 3 before 4 */
	{ { "submission", OUT, NULL, NULL, SREM, "u@friend.test", 0 },
	    "accept always-allow-to" },
	{ { "pop", OUT, NULL, NULL, SREM, "u@friend.test", -1 },
	    "accept always-allow-to" },
	/* replaced per service */
	{ { "lists", OUT, NULL, NULL, SREM, "u@other.test", 0 },
	    "accept always-allow-to" },
	{ { "lists", OUT, NULL, NULL, SREM, "u@friend.test", 0 },
	    "reject non-local-sender" },
	{ { "lists", OUT, NULL, NULL, SREM, "boss@elsewhere.test", 0 },
	    "reject non-local-sender" },
	{ { NULL, OUT, NULL, NULL, SREM, "u@other.test", 0 },
	    "reject non-local-sender" },
	{ { "nolists", OUT, NULL, NULL, SREM, "u@friend.test", 0 },
	    "reject non-local-sender" },
	/* inherited where the service does not list it */
	{ { "senders", OUT, NULL, NULL, SREM, "u@friend.test", 0 },
	    "accept always-allow-to" },
	{ { "clients", "203.0.113.7", NULL, NULL, SREM, RREM, 0 },
	    "accept always-allow-from" },
	/* ---- 4: smtp_auth (service "submission") ---- */
	{ { "submission", OUT, NULL, "alice", SREM, RREM, 0 }, "accept auth" },
	{ { "submission", OUT, NULL, "alice", "<>", RREM, 0 }, "accept auth" },
	{ { "submission", OUT, NULL, "alice", SREM, "<@a:u@remote.test>", 0 },
	    "accept auth" },
	{ { "submission", OUT, NULL, "alice", SREM, RREM, -1 }, "accept auth" },
	{ { "submission", OUT, NULL, NULL, SREM, RREM, 0 },
	    "reject auth-required" },
	{ { "submission", LAN, NULL, NULL, SLOC, RREM, 0 },
	    "reject auth-required" },
	{ { "submission", OUT, NULL, NULL, SREM, RREM, 1 },
	    "reject auth-required" },
	{ { "submission", OUT, NULL, "", SREM, RREM, 0 },
	    "reject auth-required" },
	{ { "submission", OUT, NULL, "bob", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", LAN, NULL, "bob", SLOC, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "mallory", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	/* realms and case */
	{ { "submission", OUT, NULL, "alice@example.com", SREM, RREM, 0 },
	    "accept auth" },
	{ { "submission", OUT, NULL, "alice@corp.test", SREM, RREM, 0 },
	    "accept auth" },
	{ { "submission", OUT, NULL, "alice@other.test", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "alice@sub.example.com", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "alice@example.com@example.com", SREM,
	    RREM, 0 }, "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "bob@example.com", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "Alice", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "ALICE", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "Alice@example.com", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "alice ", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "Carol", SREM, RREM, 0 }, "accept auth" },
	{ { "submission", OUT, NULL, "Carol@corp.test", SREM, RREM, 0 },
	    "accept auth" },
	{ { "submission", OUT, NULL, "carol", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "CAROL", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "@example.com", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "submission", OUT, NULL, "alice@", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	/* daemon_name: exact match only, anything else is the top level */
	{ { "Submission", OUT, NULL, "alice", SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { "SUBMISSION", OUT, NULL, "alice", SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { "submission ", OUT, NULL, "alice", SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { "submissio", OUT, NULL, "alice", SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { "submission2", OUT, NULL, "alice", SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { "", OUT, NULL, "alice", SREM, RREM, 0 },
	    "reject non-local-sender" },
	{ { "MTA", LAN, NULL, NULL, SLOC, RREM, 0 }, "accept serial" },
	/* ---- 4: pop_before_smtp (service "pop") ---- */
	{ { "pop", OUT, NULL, NULL, SREM, RREM, 1 },
	    "accept pop-before-smtp" },
	{ { "pop", OUT, NULL, NULL, SREM, RREM, 0 }, "reject auth-required" },
	{ { "pop", OUT, NULL, NULL, SREM, RREM, -1 },
	    "tempfail pop-store-unavailable" },
	{ { "pop", LAN, NULL, NULL, SLOC, RREM, 0 }, "reject auth-required" },
	{ { "pop", OUT, NULL, "alice", SREM, RREM, 0 },
	    "reject auth-required" },
	{ { "pop", OUT, NULL, "bob", SREM, RREM, 0 }, "reject auth-required" },
	{ { "pop", OUT, NULL, "bob", SREM, RREM, 1 },
	    "accept pop-before-smtp" },
	{ { "pop", "::ffff:" OUT, NULL, NULL, SREM, RREM, 1 },
	    "accept pop-before-smtp" },
	{ { "pop", "2001:db8:9::1", NULL, NULL, SREM, RREM, 1 },
	    "accept pop-before-smtp" },
	/* ---- 4: both (service "both") ---- */
	{ { "both", OUT, NULL, "alice", SREM, RREM, 0 }, "accept auth" },
	{ { "both", OUT, NULL, "alice", SREM, RREM, -1 }, "accept auth" },
	{ { "both", OUT, NULL, "bob", SREM, RREM, 1 },
	    "accept pop-before-smtp" },
	{ { "both", OUT, NULL, "bob", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "both", OUT, NULL, "bob", SREM, RREM, -1 },
	    "tempfail pop-store-unavailable" },
	{ { "both", OUT, NULL, "mallory", SREM, RREM, 0 },
	    "reject no-relay-privilege" },
	{ { "both", OUT, NULL, "mallory", SREM, RREM, 1 },
	    "accept pop-before-smtp" },
	{ { "both", OUT, NULL, NULL, SREM, RREM, 1 },
	    "accept pop-before-smtp" },
	{ { "both", OUT, NULL, NULL, SREM, RREM, 0 }, "reject auth-required" },
	{ { "both", OUT, NULL, NULL, SREM, RREM, -1 },
	    "tempfail pop-store-unavailable" },
	{ { "both", LAN, NULL, NULL, SLOC, RREM, 0 }, "reject auth-required" },
};

static void
test_rows(void)
{
	struct conf *c = load(conf_a, "policy-a.conf");
	size_t i;

	tap_ok(c != NULL, "config A loads");
	if (c == NULL)
		return;
	for (i = 0; i < NELEM(rows); i++) {
		const struct req_spec *r = &rows[i].r;
		struct policy_decision d;
		struct popctx pc;
		char got[128], what[512];

		run(c, r, &d, &pc);
		outcome(&d, got, sizeof(got));
		snprintf(what, sizeof(what), "row %zu: service=%s client=%s "
		    "name=%s auth=%s from=%s rcpt=%s pop=%d", i + 1,
		    r->daemon ? r->daemon : "-", r->client ? r->client : "-",
		    r->client_name ? r->client_name : "-",
		    r->auth ? r->auth : "-", r->sender, r->rcpt, r->pop);
		tap_is_str(got, rows[i].want, what);
		snprintf(what, sizeof(what), "row %zu: reply", i + 1);
		check_reply(&d, r->rcpt, what);
	}
	conf_unref(c);
}

static void
test_service_selection(void)
{
	static const struct { const char *name, *want; } cases[] = {
		{ "submission", "submission" }, { "pop", "pop" },
		{ "both", "both" }, { "lists", "lists" },
		{ "Submission", NULL }, { "submission ", NULL },
		{ "sub", NULL }, { "", NULL }, { NULL, NULL },
	};
	struct conf *c = load(conf_a, "policy-a.conf");
	size_t i;

	if (c == NULL) {
		tap_ok(0, "config A loads");
		return;
	}
	for (i = 0; i < NELEM(cases); i++) {
		const struct relay_policy *p = conf_service(c, cases[i].name);
		char what[128];

		snprintf(what, sizeof(what), "conf_service(\"%s\")",
		    cases[i].name ? cases[i].name : "(null)");
		tap_is_str(p->service, cases[i].want, what);
		if (cases[i].want == NULL)
			tap_ok(p == &c->relay, "%s is the top level", what);
	}
	conf_unref(c);
}

/* The POP store is asked about the client, at now, with pop.window. */
static void
test_pop_callback(void)
{
	struct conf *c = load(conf_a, "policy-a.conf");
	struct req_spec r = { "pop", "::ffff:198.18.0.1", NULL, NULL, SREM,
	    RREM, 1 };
	struct policy_decision d;
	struct popctx pc;
	struct netaddr client;
	struct addr sender, rcpt;
	struct policy_request req;
	char got[128];

	if (c == NULL) {
		tap_ok(0, "config A loads");
		return;
	}
	run(c, &r, &d, &pc);
	tap_ok(pc.calls >= 1, "the POP store was asked");
	tap_is_str(pc.client, "198.18.0.1", "... about the (folded) client");
	tap_is_int((long)pc.now, (long)NOW, "... at the request's clock");
	tap_is_int(pc.window, 120, "... with pop.window");

	/* No store at all: the store cannot answer. */
	netaddr_parse(OUT, &client);
	addr_parse(SREM, &sender);
	addr_parse(RREM, &rcpt);
	memset(&req, 0, sizeof(req));
	req.client = &client;
	req.sender = &sender;
	req.rcpt = &rcpt;
	req.now = NOW;
	req.pop = NULL;
	policy_decide(c, conf_service(c, "pop"), &req, &d);
	outcome(&d, got, sizeof(got));
	tap_is_str(got, "tempfail pop-store-unavailable",
	    "no POP store (pop == NULL) answers -1");
	policy_decide(c, conf_service(c, "both"), &req, &d);
	outcome(&d, got, sizeof(got));
	tap_is_str(got, "tempfail pop-store-unavailable",
	    "no POP store, smtp_auth too, no user");
	req.auth_user = "alice";
	policy_decide(c, conf_service(c, "both"), &req, &d);
	outcome(&d, got, sizeof(got));
	tap_is_str(got, "accept auth", "no POP store, but a relay user");
	conf_unref(c);
}

/* ---- names and replies ---- */

static void
test_names(void)
{
	static const struct { enum policy_rule r; const char *name; } rules[] = {
		{ RULE_LOCAL, "local" },
		{ RULE_ALWAYS_ALLOW_FROM, "always-allow-from" },
		{ RULE_ALWAYS_ALLOW_TO, "always-allow-to" },
		{ RULE_AUTH, "auth" },
		{ RULE_POP_BEFORE_SMTP, "pop-before-smtp" },
		{ RULE_POP_STORE_UNAVAILABLE, "pop-store-unavailable" },
		{ RULE_NO_RELAY_PRIVILEGE, "no-relay-privilege" },
		{ RULE_AUTH_REQUIRED, "auth-required" },
		{ RULE_NON_LOCAL_SENDER, "non-local-sender" },
		{ RULE_OUTSIDE_LAN, "outside-lan" },
		{ RULE_SERIAL, "serial" },
		{ RULE_ROUTING_MISMATCH, "routing-mismatch" },
	};
	size_t i;

	for (i = 0; i < NELEM(rules); i++)
		tap_is_str(policy_rule_name(rules[i].r), rules[i].name,
		    "policy_rule_name");
	tap_is_str(policy_verdict_name(POLICY_ACCEPT), "accept",
	    "policy_verdict_name(accept)");
	tap_is_str(policy_verdict_name(POLICY_REJECT), "reject",
	    "policy_verdict_name(reject)");
	tap_is_str(policy_verdict_name(POLICY_TEMPFAIL), "tempfail",
	    "policy_verdict_name(tempfail)");
}

struct reply_case {
	const char	*daemon;
	int		 pop;
	const char	*rcpt;
	const char	*prefix;	/* policy_reply starts with this */
	const char	*text_prefix;	/* policy_reply_text starts with this */
};

static const struct reply_case reply_cases[] = {
	{ NULL, 0, "<u@remote.test>",
	    "550 5.7.1 <u@remote.test>: Relaying denied: ",
	    "<u@remote.test>: Relaying denied: " },
	{ NULL, 0, "u@remote.test",
	    "550 5.7.1 <u@remote.test>: Relaying denied: ",
	    "<u@remote.test>: Relaying denied: " },
	{ "submission", 0, "<U@Remote.Test>",
	    "550 5.7.1 <U@Remote.Test>: Relaying denied: ",
	    "<U@Remote.Test>: Relaying denied: " },
	{ NULL, 0, "<@a:u@remote.test>",
	    "550 5.7.1 <@a:u@remote.test>: Relaying denied: ",
	    "<@a:u@remote.test>: Relaying denied: " },
	{ "pop", -1, "<u@remote.test>", "451 4.7.1 <u@remote.test>: ",
	    "<u@remote.test>: " },
	{ "pop", -1, "u@remote.test", "451 4.7.1 <u@remote.test>: ",
	    "<u@remote.test>: " },
	{ NULL, 0, "u@example.com", "", "" },
};

static void
test_replies(void)
{
	struct conf *c = load(conf_a, "policy-a.conf");
	size_t i;

	if (c == NULL) {
		tap_ok(0, "config A loads");
		return;
	}
	for (i = 0; i < NELEM(reply_cases); i++) {
		const struct reply_case *tc = &reply_cases[i];
		struct req_spec r = { tc->daemon, OUT, NULL, NULL, SREM,
		    tc->rcpt, tc->pop };
		struct policy_decision d;
		struct popctx pc;
		char buf[512], what[256];
		size_t pl = strlen(tc->prefix), tl = strlen(tc->text_prefix);

		run(c, &r, &d, &pc);
		policy_reply(&d, tc->rcpt, buf, sizeof(buf));
		snprintf(what, sizeof(what), "policy_reply(%s, \"%s\")",
		    policy_verdict_name(d.verdict), tc->rcpt);
		if (pl == 0)
			tap_is_str(buf, "", what);
		else {
			tap_ok(strncmp(buf, tc->prefix, pl) == 0 &&
			    strlen(buf) > pl, "%s", what);
			printf("#   %s\n", buf);
		}
		policy_reply_text(&d, tc->rcpt, buf, sizeof(buf));
		snprintf(what, sizeof(what), "policy_reply_text(%s, \"%s\")",
		    policy_verdict_name(d.verdict), tc->rcpt);
		if (tl == 0)
			tap_is_str(buf, "", what);
		else
			tap_ok(strncmp(buf, tc->text_prefix, tl) == 0 &&
			    strlen(buf) > tl, "%s", what);
	}

	/* Whatever the client sent, the reply is one line and bounded. */
	{
		static const char *const nasty[] = {
			"<u\r\n250 ok@remote.test>",
			"<u\x01\x7f@remote.test>",
			"<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"@remote.test>",
		};
		struct policy_decision d = { POLICY_REJECT,
		    RULE_OUTSIDE_LAN, "client is not on the local network", 0,
		    POLICY_ACCEPT, RULE_COUNT };
		char buf[512], small[16];

		for (i = 0; i < NELEM(nasty); i++) {
			size_t k, ctl = 0;

			policy_reply(&d, nasty[i], buf, sizeof(buf));
			for (k = 0; buf[k]; k++)
				if ((unsigned char)buf[k] < 0x20 ||
				    buf[k] == 0x7f)
					ctl++;
			tap_is_int((long)ctl, 0, "reply holds no control "
			    "characters");
			tap_ok(strncmp(buf, "550 5.7.1 <", 11) == 0,
			    "reply still starts 550 5.7.1 <");
		}
		memset(small, 'X', sizeof(small));
		policy_reply(&d, "<u@remote.test>", small, sizeof(small));
		tap_ok(memchr(small, '\0', sizeof(small)) != NULL,
		    "policy_reply respects a small buffer");
	}
	conf_unref(c);
}

int
main(void)
{
	test_rows();
	test_service_selection();
	test_pop_callback();
	test_names();
	test_replies();
	return tap_done();
}
