-- mirrorgate.config: the hook's settings, with every default in one place, checked at startup.
--
-- Synopsis
--
--     http {
--         lua_package_path "/usr/share/mirrorgate/lua/?.lua;;";
--         lua_shared_dict mirrorgate 4m;
--         init_by_lua_block {
--             require("mirrorgate.config").init({
--                 -- a co-located replica on its Unix socket first, then one over TCP
--                 replicas = { "unix:/run/mirrorgate/grpc.sock", "10.0.0.2:7390" },
--                 timeout_ms = 150,
--             })
--         }
--     }
--
-- syntax: config.init(opts)    -- raises on a bad setting, so nginx refuses to start
-- syntax: config.current       -- the settings in effect (read-only by convention)
--
-- init runs in the master (init_by_lua), so every worker inherits the parsed settings by fork
-- and no request ever parses or validates anything.

local _M = { _VERSION = "0.1.0" }

local DEFAULTS = {
    -- gRPC endpoints of mirrorgate replicas: "host:port", "[v6addr]:port" or "unix:/absolute/path"
    -- (the service's listen.grpc-socket, for a service on the same host that should need no TCP
    -- port; it costs the same CPU as loopback TCP, see docs/nginx.md). Tried in this order,
    -- Unix and TCP entries mixed freely: the next one only when the previous failed to connect,
    -- refused the stream, answered UNAVAILABLE or has its breaker open.
    replicas = { "127.0.0.1:7390" },
    -- The whole budget for one decision (connects, failover and reply), in milliseconds. Past it
    -- the request fails open. Small: the service answers from memory in microseconds.
    timeout_ms = 150,
    -- Circuit breaker per replica: after this many consecutive failures the replica is skipped
    -- for breaker_open_s seconds; then one request probes it again.
    breaker_failures = 5,
    breaker_open_s = 5,
    -- Where a failed-open request goes: "" serves the file from nginx's root; a base URL such as
    -- "https://deb.debian.org/debian/" redirects there (the path below url_prefix is appended).
    -- An https request is never sent to an http:// fallback; it is served locally instead.
    fallback_url = "",
    -- The URL path the repository is served under (the service's repository.url-prefix).
    url_prefix = "/",
    -- lua_shared_dict holding breakers, counters and the log limiter.
    dict = "mirrorgate",
    -- Idle keepalive connections kept per worker and replica, and how long they may idle (ms).
    pool_size = 64,
    idle_timeout_ms = 60000,
    -- At most one log line per failure kind per this many seconds (the rest are counted).
    log_interval_s = 10,
    -- Gather the downloads a worker decides concurrently into batches (one per round trip instead
    -- of a call per request), sent on a long-lived ResolveStream; batch_concurrency batches in
    -- flight per worker at most. false: a unary Resolve call per download.
    -- One call in flight: requests arriving meanwhile make the next batch. Two made batches
    -- smaller (6.0 instead of 7.0 requests per call) with twice the connections and service
    -- threads to wake: 1.5 us more CPU per redirect in four paired benchmark rounds
    -- (docs/benchmarks.md).
    batch = true,
    batch_concurrency = 1,
}
_M.DEFAULTS = DEFAULTS

local function check(cond, fmt, ...)
    if not cond then error("mirrorgate.config: " .. string.format(fmt, ...), 3) end
end

local function positive(opts, key)
    local v = opts[key]
    check(type(v) == "number" and v > 0, "%s: %s (expected: a number > 0)", key, tostring(v))
end

local REPLICA_FORMS = "\"host:port\", \"[v6]:port\" or \"unix:/absolute/path\""
-- sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL; nginx refuses longer.
local MAX_SOCKET_PATH = 107

-- A replica as the client uses it: name (as configured: breaker key, pool name, metrics label),
-- host and port for sock:connect(host, port, opts), or host = "unix:/path" and no port for
-- sock:connect(host, opts), and the :authority of its requests.
local function parse_replica(s)
    check(type(s) == "string", "replicas: %s (expected: %s strings)", tostring(s), REPLICA_FORMS)
    if s:sub(1, 5) == "unix:" then
        local path = s:sub(6)
        -- No space, control byte, '"' or '\\': the name is also a label value on the status page.
        check(path:match("^/[^%s%c\"\\]+$") and #path <= MAX_SOCKET_PATH,
            "replicas: %q (expected: unix:/absolute/path of at most %d bytes, without spaces, "
            .. "control characters, '\"' or '\\')", s, MAX_SOCKET_PATH)
        -- The socket has no host name; the service ignores :authority, "localhost" keeps it valid.
        return { name = s, host = s, authority = "localhost" }
    end
    -- An IPv6 host keeps its brackets: ngx.socket.tcp's connect refuses "::1" ("invalid port").
    local host, port = s:match("^(%[[%x:.]+%]):(%d+)$")
    if not host then host, port = s:match("^([^:%[%]]+):(%d+)$") end
    port = tonumber(port)
    check(host and port and port > 0 and port < 65536, "replicas: %q (expected: %s)", s, REPLICA_FORMS)
    return { name = s, host = host, port = port, authority = s }
end

function _M.init(opts)
    opts = opts or {}
    local cfg = {}
    for k, v in pairs(DEFAULTS) do cfg[k] = v end
    for k, v in pairs(opts) do
        check(DEFAULTS[k] ~= nil, "%s: unknown setting", tostring(k))
        cfg[k] = v
    end
    check(type(cfg.replicas) == "table" and #cfg.replicas > 0,
        "replicas: %s (expected: a non-empty list of %s)", tostring(cfg.replicas), REPLICA_FORMS)
    local replicas = {}
    for i, r in ipairs(cfg.replicas) do replicas[i] = parse_replica(r) end
    cfg.replicas = replicas
    for _, key in ipairs({ "timeout_ms", "breaker_failures", "breaker_open_s", "pool_size",
                           "idle_timeout_ms", "log_interval_s", "batch_concurrency" }) do
        positive(cfg, key)
    end
    check(type(cfg.batch) == "boolean", "batch: %s (expected: true or false)", tostring(cfg.batch))
    check(type(cfg.fallback_url) == "string"
        and (cfg.fallback_url == "" or cfg.fallback_url:match("^https?://[^%s]+/$")),
        "fallback_url: %q (expected: \"\" or an http(s) URL ending in '/')", tostring(cfg.fallback_url))
    check(type(cfg.url_prefix) == "string" and cfg.url_prefix:match("^/.*/$") or cfg.url_prefix == "/",
        "url_prefix: %q (expected: a path starting and ending with '/')", tostring(cfg.url_prefix))
    check(ngx.shared[cfg.dict] ~= nil, "dict: %q (expected: a lua_shared_dict of that name)",
        tostring(cfg.dict))
    _M.current = cfg
    return cfg
end

return _M
