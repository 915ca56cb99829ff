-- TAP output and small helpers shared by the miltertest scripts.
local tap = { n = 0, failed = 0 }

function tap.ok(cond, desc)
	tap.n = tap.n + 1
	if cond then
		print("ok " .. tap.n .. " - " .. desc)
	else
		tap.failed = tap.failed + 1
		print("not ok " .. tap.n .. " - " .. desc)
	end
	io.stdout:flush()
	return cond
end

-- Compare a milter reply with the wanted SMFIR_* constant.
function tap.reply(conn, want, desc)
	local got = mt.getreply(conn)
	if not tap.ok(got == want, desc) then
		print("#   got reply " .. tostring(got) .. ", want " .. tostring(want))
	end
end

-- The daemon's log (stderr in the foreground) as one string.
function tap.log()
	local f = io.open(daemonlog, "r")
	if f == nil then return "" end
	local s = f:read("*a")
	f:close()
	return s
end

-- Wait (up to 2 s) for a log line containing every given plain string.
function tap.logged(desc, ...)
	local want = { ... }
	for _ = 1, 40 do
		for line in tap.log():gmatch("[^\n]+") do
			local all = true
			for _, w in ipairs(want) do
				if not line:find(w, 1, true) then all = false end
			end
			if all then return tap.ok(true, desc) end
		end
		mt.sleep(0.05)
	end
	tap.ok(false, desc)
	print("#   no log line with: " .. table.concat(want, " | "))
	return false
end

-- Open a milter connection from ip with optional connect macros.
function tap.connect(ip, macros, hostname)
	local conn = mt.connect(socket, 50, 0.1)
	if conn == nil then error("cannot connect to " .. socket) end
	if macros then
		-- One packet per stage: a second mt.macro would replace the first.
		local args = {}
		for k, v in pairs(macros) do
			args[#args + 1] = k
			args[#args + 1] = v
		end
		mt.macro(conn, SMFIC_CONNECT, table.unpack(args))
	end
	if mt.conninfo(conn, hostname or "client.example", ip) ~= nil then
		error("conninfo failed")
	end
	return conn
end

-- One transaction from ip (connect macros optional, {auth_authen} user
-- optional) to rcpt; the RCPT reply must be want.
function tap.rcpt(ip, macros, rcpt, want, desc, user)
	local conn = tap.connect(ip, macros)
	if user then mt.macro(conn, SMFIC_MAIL, "{auth_authen}", user) end
	mt.mailfrom(conn, "<sender@remote.test>")
	mt.rcptto(conn, rcpt)
	tap.reply(conn, want, desc)
	mt.disconnect(conn)
end

-- One transaction from ip to each recipient of list, replies unchecked.
function tap.rcpts(ip, macros, list)
	local conn = tap.connect(ip, macros)
	mt.mailfrom(conn, "<a@remote.test>")
	for _, r in ipairs(list) do mt.rcptto(conn, r) end
	mt.disconnect(conn)
end

-- Run a shell command; returns its output and whether it exited 0.
function tap.run(cmd)
	local f = io.popen(cmd .. " 2>&1; echo \"exit=$?\"")
	local out = f:read("*a")
	f:close()
	local body, code = out:match("^(.-)exit=(%d+)%s*$")
	return body, tonumber(code)
end

-- The daemon's counters (relayctl stats) as a table name -> number.
function tap.stats()
	local out, code = tap.run(relayctl .. " stats")
	if code ~= 0 then error("relayctl stats failed: " .. out) end
	local t = {}
	for name, value in out:gmatch("([^ \n]+) (%d+)\n") do
		t[name] = tonumber(value)
	end
	return t
end

-- Replace the daemon's config file with text.
function tap.write_conf(text)
	local f = assert(io.open(conffile, "w"))
	f:write(text)
	f:close()
end

function tap.done()
	print("1.." .. tap.n)
	if tap.failed > 0 then os.exit(1) end
end

return tap
