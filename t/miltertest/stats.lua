-- relayctl stats: the counters move by exactly the decisions made.
local tap = dofile(tapdir .. "/tap.lua")
local before = tap.stats()

local rcpts = tap.rcpts

rcpts("203.0.113.9", nil, { "<a@remote.test>", "<b@remote.test>", "<c@example.com>" })
rcpts("127.0.0.1", nil, { "<d@remote.test>" })
rcpts("127.0.0.1", { ["{daemon_name}"] = "submission" }, { "<e@remote.test>", "<f@remote.test>" })

local after = tap.stats()
local function delta(name) return (after[name] or 0) - (before[name] or 0) end
local want = {
	["reject.outside-lan"] = 2, ["accept.local"] = 1, ["accept.serial"] = 1,
	["reject.auth-required"] = 2, ["accept.auth"] = 0, connections = 3,
	["service.-.reject"] = 2, ["service.-.accept"] = 2,
	["service.submission.reject"] = 2, ["service.submission.accept"] = 0,
}
for name, n in pairs(want) do
	if not tap.ok(delta(name) == n, name .. " moved by " .. n) then
		print("#   got " .. delta(name))
	end
end
local out, code = tap.run(relayctl .. " stats --prometheus")
tap.ok(code == 0 and out:find('relaymilter_decisions_total{verdict="reject",rule="outside-lan"} 2', 1, true) ~= nil,
    "prometheus format carries the same counts")
out, code = tap.run(relayctl .. " bogus")
tap.ok(code == 64, "relayctl: unknown command is a usage error (64)")
tap.done()
