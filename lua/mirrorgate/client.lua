-- mirrorgate.client: calls Resolver.Resolve on the first healthy replica, with pooled h2c
-- connections, one deadline for the whole decision, failover and circuit breakers.
--
-- Synopsis
--
--     local client = require("mirrorgate.client")
--     local res, reason, detail = client.resolve(pb.encode_request(...))
--     -- res: the decoded ResolveResponse (see mirrorgate.pb), or nil and the reason the
--     -- decision failed: "connect", "timeout", "closed", "goaway", "refused", "reset",
--     -- "protocol", "status", "decode" or "breaker" (every replica skipped)
--
-- syntax: res, reason, detail = client.resolve(request_bytes)
--
-- Connections: ngx.socket.tcp with a keepalive pool per replica and worker. A connection whose
-- reuse count is 0 is new, and its first write carries the HTTP/2 preface. Stream ids come from
-- one odd counter per worker: ids only have to increase on each connection, and every pooled
-- connection belongs to this worker. When the counter would pass 2^31 the pool names change, so
-- old connections are never used again (they idle out). A connection is also retired after
-- MAX_REUSE calls, before its flow-control window (see mirrorgate.grpc) could run low.
--
-- Failover: the next replica is tried only when the previous one certainly did not process the
-- call (connect failed, GOAWAY/REFUSED_STREAM) or said UNAVAILABLE, and only within the deadline.
-- A pooled connection that turns out closed is retried once on the same replica.

local config = require("mirrorgate.config")
local breaker = require("mirrorgate.breaker")
local grpc = require("mirrorgate.grpc")
local metrics = require("mirrorgate.metrics")
local pb = require("mirrorgate.pb")

local ngx = ngx
local tcp = ngx.socket.tcp
local now = ngx.now
local shared = ngx.shared

local _M = { _VERSION = "0.1.0" }

local METHOD = "/mirrorgate.v1.Resolver/Resolve"
local MAX_SID = 2 ^ 31 - 1
local MAX_REUSE = 500000 -- x RETURN_CREDIT (4 KiB) stays below the 2^31 - 1 window
-- gRPC codes that describe the request, not the replica's health: they do not trip a breaker
local REQUEST_ERRORS = { [3] = true, [5] = true, [11] = true } -- INVALID_ARGUMENT, NOT_FOUND, OUT_OF_RANGE
local UNAVAILABLE = 14
local RETRY_ELSEWHERE = { connect = true, goaway = true, refused = true }

local next_sid, generation = 1, 0
local replicas -- per worker: config replicas plus breaker keys, header block, pool options

local function now_ms()
    return now() * 1000
end

local function setup()
    local cfg = config.current
    replicas = {}
    for i, r in ipairs(cfg.replicas) do
        replicas[i] = {
            name = r.name, host = r.host, port = r.port,
            key = breaker.key(r.name),
            block = grpc.header_block(METHOD, r.name, cfg.timeout_ms),
            pool = { pool = "mirrorgate:" .. r.name .. ":" .. generation, pool_size = cfg.pool_size },
        }
    end
end

local function stream_id()
    local sid = next_sid
    if sid > MAX_SID then
        generation = generation + 1
        setup()
        sid = 1
    end
    next_sid = sid + 2
    return sid
end

-- One call on one replica; returns reply bytes or nil, kind, detail, reused, grpc_code.
local function attempt(rep, msg, deadline)
    local left = deadline - now_ms()
    if left <= 0 then return nil, "timeout", "no time left" end
    local sock = tcp()
    sock:settimeouts(left, left, left)
    local ok, err = sock:connect(rep.host, rep.port, rep.pool)
    if not ok then
        return nil, err == "timeout" and "timeout" or "connect", err
    end
    local reused = sock:getreusedtimes()
    local reply, kind, detail, keep, gmsg = grpc.call(sock, stream_id(), reused == 0, rep.block,
        msg, deadline, now_ms)
    if keep and reused < MAX_REUSE then
        sock:setkeepalive(config.current.idle_timeout_ms, config.current.pool_size)
    else
        sock:close()
    end
    if kind == "status" then
        return nil, kind, "grpc-status " .. tostring(detail) .. ": " .. tostring(gmsg), reused, detail
    end
    return reply, kind, detail, reused
end

function _M.resolve(msg)
    if not replicas then setup() end
    local cfg = config.current
    local dict = shared[cfg.dict]
    local deadline = now_ms() + cfg.timeout_ms
    local reason, why = "breaker", "every replica's breaker is open"
    for i = 1, #replicas do
        local rep = replicas[i]
        local state = breaker.allow(dict, rep.key, cfg.breaker_failures)
        if state then
            local reply, kind, detail, reused, code = attempt(rep, msg, deadline)
            if kind == "closed" and reused and reused > 0 then -- stale pooled connection
                local _
                reply, kind, detail, _, code = attempt(rep, msg, deadline)
            end
            local res
            if reply then
                res, detail = pb.decode_response(reply)
                if not res then kind = "decode" end
            end
            if res then
                breaker.success(dict, rep.key, state)
                return res
            end
            if kind == "status" and REQUEST_ERRORS[code] then
                breaker.success(dict, rep.key, state) -- the replica is fine; the request is not
            elseif breaker.failure(dict, rep.key, cfg.breaker_failures, cfg.breaker_open_s, state) then
                metrics.log_limited("breaker:" .. rep.name, string.format(
                    "replica %s: breaker open after %d consecutive failures; skipped for %d s",
                    rep.name, cfg.breaker_failures, cfg.breaker_open_s))
            end
            metrics.rpc_error(rep, kind, detail)
            reason, why = kind, detail
            if not (RETRY_ELSEWHERE[kind] or code == UNAVAILABLE) or now_ms() >= deadline then
                return nil, reason, why
            end
        end
    end
    return nil, reason, why
end

return _M
