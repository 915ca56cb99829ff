-- A POP store that cannot answer: relaying that needs it is a 451
-- tempfail (rule=pop-store-unavailable), quickly; decisions that do not
-- need it (local recipients, SMTP AUTH, LAN listeners) are unaffected.
local tap = dofile(tapdir .. "/tap.lua")
local lanonly = { ["{daemon_name}"] = "lanonly" }

local function relay(ip, rcpt, want, desc, macros, user)
	tap.rcpt(ip, macros, rcpt, want, desc, user)
end

local t0 = os.time()
relay("203.0.113.9", "<r1@remote.test>", SMFIR_REPLYCODE,
    "store down: POP-dependent relay refused temporarily")
tap.logged("logged as tempfail rule=pop-store-unavailable",
    "tempfail rcpt=<r1@remote.test>", "rule=pop-store-unavailable")
tap.logged("the outage is logged", "pop store 127.0.0.1:1 unavailable")
for i = 1, 50 do
	tap.rcpts("203.0.113.9", nil, { "<loop" .. i .. "@remote.test>" })
end
tap.ok(os.time() - t0 <= 3, "50 more tempfails take no time (no timeout per lookup)")
relay("203.0.113.9", "<r2@example.com>", SMFIR_CONTINUE,
    "store down: local recipient still accepted")
relay("203.0.113.9", "<r3@remote.test>", SMFIR_CONTINUE,
    "store down: SMTP AUTH user with relay privilege still relays", nil, "alice")
tap.logged("logged as rule=auth", "rcpt=<r3@remote.test>", "rule=auth")
relay("127.0.0.1", "<r4@remote.test>", SMFIR_CONTINUE,
    "store down: LAN client on a listener without POP still relays", lanonly)
relay("203.0.113.9", "<r5@remote.test>", SMFIR_REPLYCODE,
    "store down: outside client on that listener refused (outside-lan)", lanonly)
tap.logged("logged as outside-lan", "rcpt=<r5@remote.test>", "rule=outside-lan")
local out, code = tap.run(relayctl .. " pop add 203.0.113.9")
tap.ok(code == 1 and out:find("redis", 1, true) ~= nil,
    "relayctl pop add reports the store error (exit 1)")
out, code = tap.run(relayctl .. " pop list")
tap.ok(code == 1, "relayctl pop list fails too")
tap.done()
