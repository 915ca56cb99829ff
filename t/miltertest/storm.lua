-- A reload storm: hundreds of reloads (SIGUSR1 and relayctl, alternating
-- two configs) while sessions run. Every session must get the right
-- answers, and the daemon must survive with its counters consistent.
local tap = dofile(tapdir .. "/tap.lua")
local f = assert(io.open(conffile))
local base = f:read("*a")
f:close()
local a, b = conffile .. ".a", conffile .. ".b"
for path, extra in pairs({ [a] = "relay = { always_allow_to = [ \"a.test\" ]; };\n",
    [b] = "relay = { always_allow_to = [ \"b.test\" ]; };\n" }) do
	local w = assert(io.open(path, "w"))
	w:write(base .. extra)
	w:close()
end
local reloads = 300
-- The storm runs in the background; rename keeps each file whole.
os.execute(string.format([[
( i=0; while [ $i -lt %d ]; do
    if [ $((i %% 2)) -eq 0 ]; then cp %s %s.tmp; else cp %s %s.tmp; fi
    mv %s.tmp %s
    if [ $((i %% 3)) -eq 0 ]; then %s reload >/dev/null 2>&1; else kill -USR1 %s; fi
    i=$((i + 1))
  done; touch %s.done ) >/dev/null 2>&1 &]], reloads, a, conffile, b, conffile,
    conffile, conffile, relayctl, daemonpid, conffile))

local sessions, wrong, start = 0, 0, os.time()
local function want(conn, rcpt, reply)
	mt.rcptto(conn, rcpt)
	if mt.getreply(conn) ~= reply then wrong = wrong + 1 end
end
repeat
	local conn = tap.connect(sessions % 2 == 0 and "127.0.0.1" or "203.0.113.9", nil)
	mt.mailfrom(conn, "<s@remote.test>")
	want(conn, "<l@example.com>", SMFIR_CONTINUE)
	want(conn, "<r@remote.test>", sessions % 2 == 0 and SMFIR_CONTINUE or SMFIR_REPLYCODE)
	mt.disconnect(conn)
	sessions = sessions + 1
	local done = io.open(conffile .. ".done")
	if done then done:close() end
-- Run sessions for as long as the storm lasts (bounded, whatever happens).
until (done and sessions >= 200) or os.time() - start > 120

tap.ok(io.open(conffile .. ".done") ~= nil, "the storm finished within the time bound")
tap.ok(wrong == 0, sessions .. " sessions during the storm, " .. wrong .. " wrong answers")
local out, code = tap.run(relayctl .. " status")
tap.ok(code == 0, "the daemon is alive after the storm")
local st = tap.stats()
tap.ok(st["reload.ok"] >= 1 and st["reload.ok"] + st["reload.failed"] <= reloads,
    "reloads counted: " .. st["reload.ok"] .. " ok, " .. st["reload.failed"] .. " failed")
tap.ok(st["reload.failed"] == 0, "no reload failed (files were swapped whole)")
tap.ok(st["accept.local"] == sessions, "every local recipient counted once")
tap.done()
