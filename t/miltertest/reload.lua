-- Live reload: a new connection sees the new policy while one already
-- open keeps the config it started with; a broken file changes nothing
-- and "relayctl reload" says why, with the line number; SIGUSR1 reloads.
local tap = dofile(tapdir .. "/tap.lua")
local f = assert(io.open(conffile))
local base = f:read("*a")
f:close()

local function rcpt(conn, to, want, desc)
	mt.mailfrom(conn, "<a@remote.test>")
	mt.rcptto(conn, to)
	tap.reply(conn, want, desc)
	mt.abort(conn)
end

local old = tap.connect("203.0.113.9", nil)
rcpt(old, "<x1@remote.test>", SMFIR_REPLYCODE, "before reload: outside refused")

-- Open relaying to outside clients through the config file.
tap.write_conf(base .. "relay = { relay_for_client_machines = true; };\n")
local out, code = tap.run(relayctl .. " reload")
tap.ok(code == 0, "relayctl reload of a good file exits 0")
tap.ok(out:find("loaded", 1, true) ~= nil, "relayctl reload reports the file loaded")

local new = tap.connect("203.0.113.9", nil)
rcpt(new, "<x2@remote.test>", SMFIR_CONTINUE, "new connection sees the new policy")
rcpt(old, "<x3@remote.test>", SMFIR_REPLYCODE, "open connection keeps its old policy")
mt.disconnect(old)
mt.disconnect(new)

-- A broken file: nothing changes, the caller gets file:line: message.
tap.write_conf(base .. "relay = {\n  relay_for_client_machines = false;\n  smtp_uath = true;\n};\n")
out, code = tap.run(relayctl .. " reload")
tap.ok(code == 1, "relayctl reload of a broken file exits 1")
tap.ok(out:find(conffile .. ":10: unknown key \"smtp_uath\"", 1, true) ~= nil,
    "the error names the file and line")
if code ~= 1 then print("# " .. out) end
local c = tap.connect("203.0.113.9", nil)
rcpt(c, "<x4@remote.test>", SMFIR_CONTINUE, "after a failed reload the running policy stays")
mt.disconnect(c)
tap.logged("the failed reload is logged", "reload failed, keeping the running config",
    ":10: unknown key")

-- SIGUSR1 reloads the same way.
tap.write_conf(base)
os.execute("kill -USR1 " .. daemonpid)
local refused = false
for _ = 1, 40 do
	c = tap.connect("203.0.113.9", nil)
	mt.mailfrom(c, "<a@remote.test>")
	mt.rcptto(c, "<x5@remote.test>")
	refused = mt.getreply(c) == SMFIR_REPLYCODE
	mt.disconnect(c)
	if refused then break end
	mt.sleep(0.05)
end
tap.ok(refused, "SIGUSR1 reload: outside relaying refused again")

local st = tap.stats()
tap.ok(st["reload.ok"] == 2 and st["reload.failed"] == 1,
    "reload counters: 2 ok, 1 failed")
out, code = tap.run(relayctl .. " status")
tap.ok(code == 0 and out:find("restart_needed no", 1, true) ~= nil,
    "status: no restart needed")

-- A listener change takes a restart: reported, not ignored.
tap.write_conf(base:gsub("milter%.sock", "other.sock"))
out, code = tap.run(relayctl .. " reload")
tap.ok(code == 0 and out:find("restart needed for: socket", 1, true) ~= nil,
    "a changed milter socket is reported as needing a restart")
out, code = tap.run(relayctl .. " status")
tap.ok(out:find("restart_needed socket", 1, true) ~= nil, "status shows the pending restart")
tap.done()
