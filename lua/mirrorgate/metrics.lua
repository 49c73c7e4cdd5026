-- mirrorgate.metrics: counters in the shared dict, a rate-limited failure log, and a status page
-- in the Prometheus text format.
--
-- Synopsis
--
--     location = /mirrorgate-status {
--         allow 127.0.0.1; deny all;
--         content_by_lua_block { require("mirrorgate.metrics").serve() }
--     }
--
--     local metrics = require("mirrorgate.metrics")
--     metrics.decision(pb.REDIRECT, batch.busy())  -- deferred while the worker's batcher is busy
--     metrics.failopen("timeout")
--     metrics.rpc_error(replica, "connect", "connection refused")  -- counted, logged rate-limited
--
-- syntax: metrics.decision(action, defer?)
-- syntax: metrics.failopen(reason)
-- syntax: metrics.fallback()
-- syntax: metrics.link_dropped(what?)
-- syntax: metrics.batch(n)
-- syntax: metrics.rpc_error(replica, kind, detail)
-- syntax: metrics.flush(force?)
-- syntax: metrics.log_limited(kind, message)
-- syntax: text = metrics.render()
-- syntax: metrics.serve()
--
-- Counters live in the shared dict so the page shows all workers together; they reset when
-- nginx restarts (not on reload: shared dicts survive a HUP). Each counter is one dict:incr,
-- except on the hot path: decisions and batch counts are counted in the worker first and added
-- to the dict by flush(), at once when the worker has no decision in flight (so the page is exact
-- whenever the worker is idle, which is what a test or an operator looking at it sees) and at
-- most every FLUSH_INTERVAL seconds under load, when a dict:incr per request (~0.1-0.3 us, more
-- with both workers contending for the dict's lock) would be paid for nothing.
-- Failures are logged at most once per kind per log_interval_s, with the number suppressed since
-- the last line, so an outage does not write one line per request.

local config = require("mirrorgate.config")
local breaker = require("mirrorgate.breaker")

local ngx = ngx
local shared = ngx.shared
local now = ngx.now
local log = ngx.log
local WARN = ngx.WARN
local concat = table.concat
local format = string.format

local _M = { _VERSION = "0.1.0" }

local ACTIONS = { "redirect", "serve_local", "not_found", "content" }
local REASONS = { "connect", "timeout", "closed", "goaway", "refused", "reset", "protocol",
                  "status", "decode", "breaker", "too_large", "lua" }
local KINDS = REASONS

-- Dict keys, built once.
local DECISION_KEY, FAILOPEN_KEY = {}, {}
for i, a in ipairs(ACTIONS) do DECISION_KEY[i] = "m:decision:" .. a end
for _, r in ipairs(REASONS) do FAILOPEN_KEY[r] = "m:failopen:" .. r end

local function dict()
    return shared[config.current.dict]
end

-- Per worker: counts not yet in the dict (decisions by action index, batch calls, requests sent
-- in them) and when they were last flushed.
local FLUSH_INTERVAL = 0.1
local pending_decisions = { 0, 0, 0, 0 }
local pending_calls, pending_batched = 0, 0
local pending = false
local flushed_at = 0

-- Adds the worker's pending counts to the dict: always with force, else only when the last
-- flush is FLUSH_INTERVAL old.
function _M.flush(force)
    if not pending then return end
    local t = now()
    if not force and t - flushed_at < FLUSH_INTERVAL then return end
    pending, flushed_at = false, t
    local d = dict()
    for i = 1, #ACTIONS do
        local n = pending_decisions[i]
        if n > 0 then
            pending_decisions[i] = 0
            d:incr(DECISION_KEY[i], n, 0)
        end
    end
    if pending_calls > 0 then
        d:incr("m:batch_calls", pending_calls, 0)
        d:incr("m:batched", pending_batched, 0)
        pending_calls, pending_batched = 0, 0
    end
end

-- defer: the worker has decisions in flight (mirrorgate.batch.busy()): count now, add to the
-- dict with a later flush. Else the count, and anything pending, goes to the dict at once.
function _M.decision(action, defer)
    if not DECISION_KEY[action] then return end
    pending_decisions[action] = pending_decisions[action] + 1
    pending = true
    if not defer then _M.flush(true) end
end

function _M.failopen(reason)
    dict():incr(FAILOPEN_KEY[reason] or FAILOPEN_KEY.lua, 1, 0)
end

-- One batch (a ResolveStream message) carrying n requests (the mean batch size is their ratio).
-- Pending until the next flush, like a deferred decision: the batch's own requests flush it when
-- they finish.
function _M.batch(n)
    pending_calls = pending_calls + 1
    pending_batched = pending_batched + n
    pending = true
end

function _M.fallback()
    dict():incr("m:fallback", 1, 0)
end

-- A redirect went out without its Link header (what: nil), its Digest header ("Digest") or its
-- describedby entry ("describedby"): the service's value, or the request's host, was unsafe.
function _M.link_dropped(what)
    dict():incr("m:link_dropped", 1, 0)
    if what then
        _M.log_limited("link:" .. what, "unsafe " .. what .. " for a redirect dropped (service value or "
            .. "request host outside the allowed bytes)")
    else
        _M.log_limited("link", "unsafe Link value from the service dropped (control byte or wrong scheme)")
    end
end

function _M.log_limited(kind, message)
    local d = dict()
    local n = d:incr("l:n:" .. kind, 1, 0)
    if d:add("l:t:" .. kind, true, config.current.log_interval_s) then
        d:set("l:n:" .. kind, 0)
        local extra = n > 1 and format(" (%d similar since the last report)", n - 1) or ""
        log(WARN, "mirrorgate: ", message, extra)
    end
end

function _M.rpc_error(replica, kind, detail)
    dict():incr("m:rpc_error:" .. replica.name .. ":" .. kind, 1, 0)
    _M.log_limited(kind .. ":" .. replica.name,
        format("replica %s: %s (%s)", replica.name, kind, tostring(detail)))
end

local function counter(out, d, name, help, label, values, key_of)
    out[#out + 1] = format("# HELP %s %s\n# TYPE %s counter\n", name, help, name)
    for i, v in ipairs(values) do
        out[#out + 1] = format("%s{%s=\"%s\"} %d\n", name, label, v, d:get(key_of(i, v)) or 0)
    end
end

function _M.render()
    local d, cfg, out = dict(), config.current, {}
    counter(out, d, "mirrorgate_nginx_decisions_total",
        "Requests decided by the service, by action.", "action", ACTIONS,
        function(i) return DECISION_KEY[i] end)
    counter(out, d, "mirrorgate_nginx_failopen_total",
        "Requests that failed open (served locally or sent to the fallback), by cause.",
        "reason", REASONS, function(_, r) return FAILOPEN_KEY[r] end)
    out[#out + 1] = format("# HELP mirrorgate_nginx_fallback_redirects_total Failed-open requests "
        .. "redirected to fallback_url.\n# TYPE mirrorgate_nginx_fallback_redirects_total counter\n"
        .. "mirrorgate_nginx_fallback_redirects_total %d\n", d:get("m:fallback") or 0)
    out[#out + 1] = format("# HELP mirrorgate_nginx_links_dropped_total Redirects sent without their "
        .. "Link header, Digest header or describedby entry because the value was unsafe.\n"
        .. "# TYPE mirrorgate_nginx_links_dropped_total counter\n"
        .. "mirrorgate_nginx_links_dropped_total %d\n", d:get("m:link_dropped") or 0)
    out[#out + 1] = format("# HELP mirrorgate_nginx_batch_calls_total Batches sent (ResolveStream messages).\n"
        .. "# TYPE mirrorgate_nginx_batch_calls_total counter\nmirrorgate_nginx_batch_calls_total %d\n"
        .. "# HELP mirrorgate_nginx_batched_requests_total Requests sent in batches.\n"
        .. "# TYPE mirrorgate_nginx_batched_requests_total counter\n"
        .. "mirrorgate_nginx_batched_requests_total %d\n", d:get("m:batch_calls") or 0, d:get("m:batched") or 0)
    out[#out + 1] = "# HELP mirrorgate_nginx_rpc_errors_total Failed calls to a replica, by kind "
        .. "(a request may fail over to the next replica).\n"
        .. "# TYPE mirrorgate_nginx_rpc_errors_total counter\n"
    for _, r in ipairs(cfg.replicas) do
        for _, k in ipairs(KINDS) do
            local n = d:get("m:rpc_error:" .. r.name .. ":" .. k)
            if n then
                out[#out + 1] = format("mirrorgate_nginx_rpc_errors_total{replica=\"%s\",kind=\"%s\"} %d\n",
                    r.name, k, n)
            end
        end
    end
    out[#out + 1] = "# HELP mirrorgate_nginx_breaker_open 1 while the replica's circuit breaker "
        .. "is open (calls skipped).\n# TYPE mirrorgate_nginx_breaker_open gauge\n"
    for _, r in ipairs(cfg.replicas) do
        out[#out + 1] = format("mirrorgate_nginx_breaker_open{replica=\"%s\"} %d\n", r.name,
            breaker.is_open(d, breaker.key(r.name), cfg.breaker_failures) and 1 or 0)
    end
    return concat(out)
end

function _M.serve()
    ngx.header["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
    ngx.header["Cache-Control"] = "no-store"
    ngx.print(_M.render())
end

return _M
