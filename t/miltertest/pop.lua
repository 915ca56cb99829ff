-- POP-before-SMTP in the daemon: relayctl pop add/del/list, the Dovecot
-- log feed (success and failure lines), IPv6 grouping, the counters, and
-- a reload that changes pop.store (restart needed).
local tap = dofile(tapdir .. "/tap.lua")
local tmp = conffile:match("^(.*)/[^/]*$")
local lanonly = { ["{daemon_name}"] = "lanonly" }

local function relay(ip, rcpt, want, desc, macros)
	tap.rcpt(ip, macros, rcpt, want, desc)
end

local function ctl(args)
	return tap.run(relayctl .. " " .. args)
end

local function logline(text)
	local f = assert(io.open(tmp .. "/mail.log", "a"))
	f:write(text .. "\n")
	f:close()
end

local before = tap.stats()
relay("203.0.113.9", "<r1@remote.test>", SMFIR_REPLYCODE,
    "no POP login: relaying refused")
tap.logged("logged as auth-required", "rcpt=<r1@remote.test>", "rule=auth-required")
relay("203.0.113.9", "<r2@example.com>", SMFIR_CONTINUE,
    "local recipient accepted without a login")

local out, code = ctl("pop add 203.0.113.9 alice")
tap.ok(code == 0, "relayctl pop add exits 0")
tap.logged("the login is logged with its source",
    "pop login recorded: client=203.0.113.9 user=alice source=relayctl")
relay("203.0.113.9", "<r3@remote.test>", SMFIR_CONTINUE,
    "after pop add the client relays")
tap.logged("logged as rule=pop-before-smtp", "rcpt=<r3@remote.test>",
    "rule=pop-before-smtp")
relay("203.0.113.10", "<r4@remote.test>", SMFIR_REPLYCODE,
    "another client is still refused")
relay("203.0.113.9", "<r5@remote.test>", SMFIR_REPLYCODE,
    "a service with pop_before_smtp off ignores the login", lanonly)

out, code = ctl("pop list")
tap.ok(code == 0 and out:find("203.0.113.9 user=alice age=", 1, true) ~= nil,
    "pop list shows the login")
out, code = ctl("pop del 203.0.113.9")
tap.ok(code == 0 and out:find("removed 203.0.113.9", 1, true) ~= nil,
    "pop del removes it")
relay("203.0.113.9", "<r6@remote.test>", SMFIR_REPLYCODE,
    "after pop del the client is refused again")
out, code = ctl("pop del 203.0.113.9")
tap.ok(code == 0 and out:find("absent 203.0.113.9", 1, true) ~= nil,
    "pop del of an absent login says so")

-- IPv6: grouped by /64
ctl("pop add 2001:db8:1:2::1")
relay("2001:db8:1:2::99", "<r7@remote.test>", SMFIR_CONTINUE,
    "IPv6: another address of the same /64 relays")
relay("2001:db8:1:3::1", "<r8@remote.test>", SMFIR_REPLYCODE,
    "IPv6: the next /64 does not")
out = ctl("pop list")
tap.ok(out:find("2001:db8:1:2::/64 user=- age=", 1, true) ~= nil,
    "pop list shows the IPv6 network")

-- the Dovecot log feed
logline("Nov 28 11:05:01 pop3-login: Info: Aborted login (auth failed, 1 "
    .. "attempts in 2 secs): user=<bob>, method=PLAIN, rip=198.51.100.21, "
    .. "lip=127.0.0.1, session=<f>")
logline("Nov 28 11:05:02 pop3-login: Info: Login: user=<carol>, method=PLAIN, "
    .. "rip=198.51.100.20, lip=127.0.0.1, mpid=7, session=<g>")
tap.logged("a Dovecot login line is recorded",
    "pop login recorded: client=198.51.100.20 user=carol", "mail.log")
relay("198.51.100.20", "<r9@remote.test>", SMFIR_CONTINUE,
    "the client of the logged login relays")
relay("198.51.100.21", "<r10@remote.test>", SMFIR_REPLYCODE,
    "the client of a failed login does not")
logline("Nov 28 11:05:03 mail dovecot: imap-login: Login: user=<dan>, "
    .. "method=PLAIN, rip=198.51.100.22, lip=127.0.0.1, mpid=8, session=<h>")
mt.sleep(0.6)
relay("198.51.100.22", "<r11@remote.test>", SMFIR_REPLYCODE,
    "an IMAP login does not count by default")

-- bad commands
out, code = ctl("pop add not-an-ip")
tap.ok(code == 1 and out:find("not an IP address", 1, true) ~= nil,
    "pop add of a non-address fails (exit 1)")
out, code = ctl("pop add 192.0.2.1 u extra")
tap.ok(code == 64, "pop add with too many words is a usage error (64)")
out, code = ctl("pop frobnicate")
tap.ok(code == 64, "unknown pop subcommand is a usage error (64)")

local after = tap.stats()
local function delta(name) return (after[name] or 0) - (before[name] or 0) end
tap.ok(delta("pop.hits") == 3, "pop.hits counted the 3 relays by POP login")
if delta("pop.hits") ~= 3 then print("#   got " .. delta("pop.hits")) end
tap.ok(delta("pop.logins") == 3, "pop.logins counted the 3 recorded logins")
if delta("pop.logins") ~= 3 then print("#   got " .. delta("pop.logins")) end

-- a reload that moves the store needs a restart
local f = assert(io.open(conffile, "r"))
local text = f:read("*a")
f:close()
tap.write_conf((text:gsub("/pop\";", "/pop2\";")))
out, code = ctl("reload")
tap.ok(code == 0 and out:find("restart needed for: pop.store", 1, true) ~= nil,
    "reload with another pop.store reports a restart needed")
if code ~= 0 or not out:find("pop.store", 1, true) then print("# " .. out) end
ctl("pop add 203.0.113.77")
relay("203.0.113.77", "<r12@remote.test>", SMFIR_CONTINUE,
    "the store opened at start keeps working after that reload")
tap.done()
