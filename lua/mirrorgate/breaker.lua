-- mirrorgate.breaker: a circuit breaker per replica, shared by all workers through a shared dict.
--
-- Synopsis
--
--     local breaker = require("mirrorgate.breaker")
--     local key = breaker.key("127.0.0.1:7390")               -- once, at startup
--     local state = breaker.allow(dict, key, 5)                 -- "ok", "closed", "probe" or nil
--     if state then
--         -- ... call the replica ...
--         if ok then breaker.success(dict, key, state)
--         else breaker.failure(dict, key, 5, 5, state) end
--     end
--
-- syntax: key = breaker.key(name)
-- syntax: state = breaker.allow(dict, key, threshold)
-- syntax: breaker.success(dict, key, state)
-- syntax: opened = breaker.failure(dict, key, threshold, open_s, state)
-- syntax: is_open = breaker.is_open(dict, key, threshold)
--
-- States: closed (calls go through; allow says "ok" when no failure is recorded at all and
-- "closed" when some are), open (calls skipped for open_s seconds after `threshold` consecutive
-- failures), half-open (the open period passed: exactly one request, the one that
-- wins dict:add of the probe key, calls the replica; the others keep skipping it until the probe
-- succeeds or fails). The open period is a key with a TTL, so it ends without anyone acting.
--
-- Why this shape: the healthy path costs one dict:get (no failures recorded, nothing to do), and
-- a hung replica costs at most `threshold` timeouts per open period instead of one per request.
-- "Consecutive" is approximate across workers (a success anywhere resets the count), which is
-- what matters: the replica answers.

local _M = { _VERSION = "0.1.0" }

-- Longest a probe may hold the probe key before another request may probe: a probe that never
-- reports (its worker died) must not keep the replica out for ever.
local PROBE_TTL = 2

-- The dict keys of one breaker, built once so requests do not concatenate strings.
function _M.key(name)
    return { fails = "bf:" .. name, open = "bo:" .. name, probe = "bp:" .. name }
end

function _M.allow(dict, key, threshold)
    local fkey, okey, pkey = key.fails, key.open, key.probe
    local fails = dict:get(fkey)
    if not fails then return "ok" end -- nothing to reset on success either
    if fails < threshold then return "closed" end
    if dict:get(okey) then return nil end
    if dict:add(pkey, true, PROBE_TTL) then return "probe" end
    return nil
end

function _M.success(dict, key, state)
    if state == "ok" then return end
    local fkey, pkey = key.fails, key.probe
    dict:delete(fkey)
    if state == "probe" then dict:delete(pkey) end
end

function _M.failure(dict, key, threshold, open_s, state)
    local fkey, okey, pkey = key.fails, key.open, key.probe
    local fails = dict:incr(fkey, 1, 0)
    if state == "probe" then dict:delete(pkey) end
    if fails and fails >= threshold then
        dict:set(okey, true, open_s)
        return fails == threshold or state == "probe"
    end
    return false
end

function _M.is_open(dict, key, threshold)
    local fkey, okey = key.fails, key.open
    local fails = dict:get(fkey)
    return fails ~= nil and fails >= threshold and dict:get(okey) ~= nil
end

return _M
