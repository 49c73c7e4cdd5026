-- mirrorgate.client: calls the Resolver service on the first healthy replica, with pooled h2c
-- connections, one deadline for the whole decision, failover and circuit breakers.
--
-- Synopsis
--
--     local client = require("mirrorgate.client")
--     local res, reason, detail = client.resolve(pb.encode_request(...), deadline_ms)
--     -- res: the decoded ResolveResponse (see mirrorgate.pb), or nil and the reason the
--     -- decision failed: "connect", "timeout", "closed", "goaway", "refused", "reset",
--     -- "protocol", "status", "decode" or "breaker" (every replica skipped)
--     local list, reason, detail = client.resolve_batch(pb.encode_batch(reqs, n), n, deadline_ms, hold)
--     -- list: n decoded responses in request order, sent on the ResolveStream held in `hold`
--
-- syntax: res, reason, detail = client.resolve(request_bytes, deadline_ms?)
-- syntax: list, reason, detail = client.resolve_batch(batch_bytes, n, deadline_ms?, hold)
-- syntax: client.release(hold, idle_ms?)
-- syntax: ok = client.available()   -- false when every replica's breaker is open
--
-- deadline_ms is on the ngx.now() * 1000 clock; it defaults to now + timeout_ms.
--
-- Replicas (see mirrorgate.config): "host:port" and "[v6]:port" connect over TCP with
-- sock:connect(host, port, pool_opts); "unix:/path" connects to the service's Unix socket with
-- sock:connect("unix:/path", pool_opts) (ngx.socket.tcp speaks both; the pool options are the same).
-- Over a Unix socket the requests carry :authority "localhost".
--
-- Connections: ngx.socket.tcp with a keepalive pool per replica and worker. A connection whose
-- reuse count is 0 is new, and its first write carries the HTTP/2 preface. Stream ids come from
-- one odd counter per worker: ids only have to increase on each connection, and every pooled
-- connection belongs to this worker. When the counter would pass 2^31 the pool names change, so
-- old connections are never used again (they idle out). A connection is also retired after
-- MAX_REUSE calls, before its flow-control window (see mirrorgate.unary) could run low.
--
-- Two calls, no more: resolve is the unary Resolve, for requests with a query (checksums, mirror
-- lists: up to 1 MiB of CONTENT, kept out of batch replies) and with batching off; resolve_batch
-- sends a batch of downloads on a batch dispatcher's long-lived ResolveStream.
--
-- Held connections: a batch dispatcher passes a table `hold` of its own; the connection of a
-- successful batch then stays there, not in the pool, and the next batch to that replica uses it
-- at once: no pool lookup, no keepalive bookkeeping (~1.3 us
-- less CPU per redirect, nginx and service together, in the benchmark). client.release(hold,
-- idle_ms) closes it when it has idled idle_ms or the service sent something meanwhile (the
-- dispatcher checks every second it has no batch); release(hold) closes it at once. A held
-- connection to another replica than the call's is closed.
--
-- Streams: the held connection carries one long-lived ResolveStream call (see mirrorgate.stream):
-- a batch is one DATA frame each way. A connection whose stream ended or failed is closed, never
-- pooled. A replica that answers the stream with an error status (UNIMPLEMENTED included) fails
-- the batch like any failed call.
--
-- Failover: the next replica is tried only when the previous one certainly did not process the
-- call (connect failed, GOAWAY/REFUSED_STREAM) or said UNAVAILABLE, and only within the deadline.
-- A pooled or held connection that turns out closed, or answers GOAWAY, is retried once on the
-- same replica with a fresh connection.

local config = require("mirrorgate.config")
local breaker = require("mirrorgate.breaker")
local metadata = require("mirrorgate.metadata")
local metrics = require("mirrorgate.metrics")
local pb = require("mirrorgate.pb")
local stream = require("mirrorgate.stream")
local unary = require("mirrorgate.unary")
local unixprobe = require("mirrorgate.unixprobe")

local ngx = ngx
local tcp = ngx.socket.tcp
local now = ngx.now
local shared = ngx.shared

local _M = { _VERSION = "0.1.0" }

local METHODS = { unary = "/mirrorgate.v1.Resolver/Resolve",
                  stream = "/mirrorgate.v1.Resolver/ResolveStream" }
local MAX_SID = 2 ^ 31 - 1
-- Calls on one connection without a stream: x RETURN_CREDIT (64 KiB) stays below the 2^31 - 1
-- window (a stream gives back all it receives, so its connection has no such limit)
local MAX_REUSE = 30000
-- gRPC codes that describe the request, not the replica's health: they do not trip a breaker.
-- INVALID_ARGUMENT, NOT_FOUND, OUT_OF_RANGE
local REQUEST_ERRORS = { [3] = true, [5] = true, [11] = true }
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
            name = r.name, host = r.host, port = r.port, -- port nil: host is "unix:/path"
            key = breaker.key(r.name),
            blocks = { unary = metadata.header_block(METHODS.unary, r.authority, cfg.timeout_ms),
                       stream = metadata.header_block(METHODS.stream, r.authority) },
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

-- A connection for rep: the caller's held one if it is to rep, else one from the pool (or new).
-- Returns sock, calls made on it before, its stream (or nil), or nil, kind, detail.
-- wary: the replica's breaker has failures recorded; a Unix socket is then probed first, so a
-- dead service costs the hook's own rate-limited line, not one nginx [error] per attempt. So is
-- one this worker never reached yet (nginx started before the service).
local function acquire(rep, left, hold, wary)
    local held = hold and hold.sock
    if held then
        local st = hold.stream
        hold.sock, hold.stream = nil, nil
        if hold.rep == rep then
            held:settimeouts(left, left, left)
            return held, hold.calls, st
        end
        -- the call goes elsewhere now (failover); the pool never saw it
        held:close()
    end
    if (wary or not rep.reached) and not rep.port then
        local up, why = unixprobe.check(rep.host:sub(6)) -- host is "unix:/path"
        if not up then return nil, "connect", why end
    end
    local sock = tcp()
    sock:settimeouts(left, left, left)
    local ok, err
    if rep.port then
        ok, err = sock:connect(rep.host, rep.port, rep.pool)
    else -- Unix socket: connect(path, options) takes no port argument
        ok, err = sock:connect(rep.host, rep.pool)
    end
    if not ok then
        return nil, err == "timeout" and "timeout" or "connect", err
    end
    rep.reached = true
    return sock, sock:getreusedtimes()
end

-- One call on one replica; returns reply bytes or nil, kind, detail, reused, grpc_code.
-- With hold (a stream), a healthy connection is kept there for the caller's next batch instead of
-- going back to the pool.
local function attempt(rep, method, msg, deadline, hold, wary)
    local left = deadline - now_ms()
    if left <= 0 then return nil, "timeout", "no time left" end
    local sock, reused, st = acquire(rep, left, hold, wary)
    if not sock then return nil, reused, st end -- no connection: reused, st are kind, detail
    local reply, kind, detail, keep, gmsg
    if method == "stream" then
        st = st or stream.new(sock, stream_id(), reused == 0, rep.blocks.stream)
        reply, kind, detail, keep, gmsg = stream.exchange(st, msg, deadline, now_ms)
    else
        reply, kind, detail, keep, gmsg = unary.call(sock, stream_id(), reused == 0,
            rep.blocks[method], msg, deadline, now_ms)
    end
    if not keep or not st and reused >= MAX_REUSE then
        sock:close()
    elseif hold then
        hold.sock, hold.rep, hold.calls, hold.used_at, hold.stream = sock, rep, reused + 1, now(), st
    else
        sock:setkeepalive(config.current.idle_timeout_ms, config.current.pool_size)
    end
    if kind == "status" then
        return nil, kind, "grpc-status " .. tostring(detail) .. ": " .. tostring(gmsg), reused, detail
    end
    return reply, kind, detail, reused
end

-- One call to the first replica that takes it; decode(reply, arg) turns the reply into the
-- result or nil, err (counted as "decode", a replica failure).
local function call(method, msg, deadline, decode, arg, hold)
    if not replicas then setup() end
    local cfg = config.current
    local dict = shared[cfg.dict]
    deadline = deadline or now_ms() + cfg.timeout_ms
    local reason, why = "breaker", "every replica's breaker is open"
    for i = 1, #replicas do
        local rep = replicas[i]
        local state = breaker.allow(dict, rep.key, cfg.breaker_failures)
        if state then
            local reply, kind, detail, reused, code = attempt(rep, method, msg, deadline, hold, state ~= "ok")
            -- A reused connection the service closed, or is closing (GOAWAY: our stream was not
            -- processed), while it sat in the pool or was held: once more on a fresh one.
            if (kind == "closed" or kind == "goaway") and reused and reused > 0 then
                local _
                reply, kind, detail, _, code = attempt(rep, method, msg, deadline, hold)
            end
            local res
            if reply then
                res, detail = decode(reply, arg)
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

function _M.resolve(msg, deadline)
    return call("unary", msg, deadline, pb.decode_response)
end

local function decode_batch(reply, n)
    local list, err = pb.decode_batch(reply)
    if not list then return nil, err end
    if #list ~= n then return nil, "batch of " .. n .. " answered with " .. #list end
    return list
end

function _M.resolve_batch(body, n, deadline, hold)
    if not hold then error("resolve_batch: a hold table is required (the stream lives there)", 2) end
    return call("stream", body, deadline, decode_batch, n, hold)
end

-- Closes the connection held in hold, if any. With idle_ms (a dispatcher between calls), only
-- if it has been unused that long or the service sent something meanwhile: nothing is due between
-- calls, so that is the GOAWAY and PING of a graceful shutdown, which waits for this connection
-- to go (the pool watches its idle connections for the same reason), or the end of it.
function _M.release(hold, idle_ms)
    local sock = hold.sock
    if not sock then return end
    if idle_ms and now() - hold.used_at < idle_ms / 1000 then
        sock:settimeout(1)
        local _, err = sock:receiveany(1)
        if err == "timeout" then return end -- quiet: keep it
    end
    hold.sock, hold.stream = nil, nil
    sock:close()
end

function _M.available()
    if not replicas then setup() end
    local cfg = config.current
    local dict = shared[cfg.dict]
    for i = 1, #replicas do
        if not breaker.is_open(dict, replicas[i].key, cfg.breaker_failures) then return true end
    end
    return false
end

return _M
