-- mirrorgate.batch: gathers the decisions a worker needs while its batch is in flight into the next
-- batch, so the per-call cost of HTTP/2 and gRPC is paid per batch, not per request.
--
-- Synopsis
--
--     local batch = require("mirrorgate.batch")
--     local res, reason, detail = batch.resolve(pb.encode_request(...))
--     -- as mirrorgate.client.resolve: the decoded ResolveResponse, or nil and why
--
-- syntax: res, reason, detail = batch.resolve(request_bytes)
-- syntax: busy = batch.busy()   -- a call in flight or requests queued in this worker
--
-- How: a request appends its encoded ResolveRequest to the worker's queue, wakes a dispatcher
-- and waits on its own semaphore for at most the decision budget (timeout_ms). Dispatchers are
-- `batch_concurrency` light threads per worker (ngx.timer, started on first use); a woken one
-- takes everything queued (up to MAX_BYTES, one DATA frame), sends it as one batch (on the
-- ResolveStream it keeps open on its own connection, see mirrorgate.client and .stream) and hands each request
-- its response. With no load a batch holds one request and costs what a Resolve call would; under
-- load batches grow by themselves, with no added wait.
--
-- Fail-open is unchanged: a request never waits past its own deadline; a batch that fails gives
-- every request in it the failure (the breaker counts the batch once), and each fails open.

local config = require("mirrorgate.config")
local client = require("mirrorgate.client")
local metrics = require("mirrorgate.metrics")
local pb = require("mirrorgate.pb")
local semaphore = require("ngx.semaphore")

local ngx = ngx
local now = ngx.now
local timer_at = ngx.timer.at
local exiting = ngx.worker.exiting

local _M = { _VERSION = "0.1.0" }

local MAX_BYTES = 16000   -- a ResolveBatchRequest must fit one 16 KiB DATA frame
local IDLE_WAIT = 1       -- a dispatcher re-checks ngx.worker.exiting() this often (seconds)
local DEADLINE_MARGIN = 2 -- ms: see run_batch

local queue, qhead, qtail = {}, 1, 0 -- pending items: { msg =, sema =, deadline =, res =, ... }
local wake = semaphore.new()
local signalled = false
local dispatchers = 0
local calling = 0 -- dispatchers inside a call
-- Whether some replica's breaker is closed, as read at ngx.now() == checked_at.
local checked_at, available = -1, true
-- Semaphores of finished requests, reused: semaphore.new costs ~1 us (FFI allocation + GC hook).
local SPARE_MAX = 1024
local spare, nspare = {}, 0

local function signal()
    if not signalled then
        signalled = true
        wake:post(1)
    end
end

-- Takes queued items still waited for, up to MAX_BYTES of requests; returns them and the
-- earliest deadline among them.
local function take(t)
    local items, msgs, n, bytes, first = {}, {}, 0, 0, math.huge
    while qhead <= qtail do
        local item = queue[qhead]
        if item.deadline > t then -- else its request has given up already
            local size = #item.msg + 3
            if n > 0 and bytes + size > MAX_BYTES then break end
            n = n + 1
            items[n], msgs[n] = item, item.msg
            bytes = bytes + size
            if item.deadline < first then first = item.deadline end
        end
        queue[qhead] = nil
        qhead = qhead + 1
    end
    if qhead > qtail then qhead, qtail = 1, 0 end
    return items, msgs, n, first
end

local function run_batch(hold)
    local items, msgs, n, first = take(now() * 1000)
    if qhead <= qtail then signal() end -- more than one batch queued: another dispatcher helps
    if n == 0 then -- every queued request had given up: none of them will flush
        if calling == 0 then metrics.flush(true) end
        return
    end
    metrics.flush() -- what the requests of earlier batches counted, if due
    metrics.batch(n)
    -- The call ends just before the oldest request would give up, so that request gets the
    -- real outcome, and the breaker has counted it before the request is answered.
    calling = calling + 1
    local ok, list, reason, detail = pcall(client.resolve_batch, pb.encode_batch(msgs, n), n,
        first - DEADLINE_MARGIN, hold)
    calling = calling - 1
    if not ok then error(list, 0) end
    for i = 1, n do
        local item = items[i]
        if list then
            item.res = list[i]
        else
            item.reason, item.detail = reason, detail
        end
        item.sema:post(1)
    end
    -- none of these requests may be the one to flush (they may all have given up)
    if calling == 0 and qhead > qtail then metrics.flush(true) end
end

-- hold: the dispatcher's own connection between calls (see mirrorgate.client), closed after
-- idle_timeout_ms without a batch, as the pool would.
local function loop(hold)
    while not exiting() do
        if wake:wait(IDLE_WAIT) then
            signalled = false
            run_batch(hold)
        else
            metrics.flush(true)
            client.release(hold, config.current.idle_timeout_ms)
        end
    end
    metrics.flush(true)
end

-- A dispatcher ends when the worker exits, or on an error (logged); the next request that finds
-- fewer than batch_concurrency dispatchers starts a new one.
local function dispatcher(premature)
    if not premature then
        local hold = {}
        local ok, err = pcall(loop, hold)
        if not ok then metrics.log_limited("lua", "batch dispatcher error: " .. tostring(err)) end
        client.release(hold)
    end
    dispatchers = dispatchers - 1
end

local function start_dispatchers()
    while dispatchers < config.current.batch_concurrency do
        local ok = timer_at(0, dispatcher)
        if not ok then return false end
        dispatchers = dispatchers + 1
    end
    return true
end

-- True while this worker has a batch call in flight or requests queued: then a decision's count
-- may wait for the next flush (see mirrorgate.metrics), as a request finishing later will flush.
function _M.busy()
    return calling > 0 or qhead <= qtail
end

function _M.resolve(msg)
    local cfg = config.current
    local t = now()
    local deadline = t * 1000 + cfg.timeout_ms
    -- no timer for a dispatcher (lua_max_pending_timers reached): this request alone, unary
    if dispatchers < cfg.batch_concurrency and not start_dispatchers() then
        return client.resolve(msg, deadline)
    end
    if t ~= checked_at then -- ngx.now() moves once per event-loop turn: one shared-dict read per turn
        checked_at, available = t, client.available()
    end
    if not available then return nil, "breaker", "every replica's breaker is open" end
    local sema = spare[nspare]
    if sema then
        spare[nspare] = nil
        nspare = nspare - 1
    else
        sema = semaphore.new()
    end
    local item = { msg = msg, sema = sema, deadline = deadline }
    qtail = qtail + 1
    queue[qtail] = item
    signal()
    local ok = sema:wait(cfg.timeout_ms / 1000)
    if not ok then
        -- not reused: a dispatcher may still post it; if still queued, it will be skipped
        item.deadline = 0
        return nil, "timeout", "no decision within " .. cfg.timeout_ms .. " ms"
    end
    if nspare < SPARE_MAX then -- consumed its one post: back to zero, safe to reuse
        nspare = nspare + 1
        spare[nspare] = sema
    end
    if item.res then return item.res end
    return nil, item.reason, item.detail
end

return _M
