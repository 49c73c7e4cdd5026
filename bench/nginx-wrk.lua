-- wrk script for bench/nginx-bench.sh: GETs of random files of the synthetic Debian-shaped index
-- (the same paths as org.mirrorgate.bench.SyntheticIndex.path), from random client addresses sent
-- as X-Forwarded-For (the bench nginx trusts it from loopback, so $remote_addr varies as in life).
--
-- usage: wrk -t2 -c32 -d15s --latency -s bench/nginx-wrk.lua http://127.0.0.1:PORT -- PREFIX FILES CLIENTS
--   PREFIX   URL path put before each file path, e.g. /debian/
--   FILES    the index size: files are drawn uniformly from 0 .. FILES-1; or the name of a file
--            listing the paths to draw from, one a line (bench/chaos.sh: files of a real tree)
--   CLIENTS  distinct client addresses [20000]; 0 sends no X-Forwarded-For (one client, 127.0.0.1)

local REQUESTS = 100000 -- pre-built per thread, so wrk spends its CPU on I/O, not on Lua

local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("thread_id", threads)
end

local function base36(n)
    if n == 0 then return "0" end
    local digits, out = "0123456789abcdefghijklmnopqrstuvwxyz", ""
    while n > 0 do
        local d = n % 36
        out = digits:sub(d + 1, d + 1) .. out
        n = (n - d) / 36
    end
    return out
end

-- SyntheticIndex.path(i)
local function path(i)
    local pkg = "lib" .. base36(math.floor(i / 7)) .. "x"
    return "pool/main/" .. pkg:sub(4, 4) .. "/" .. pkg .. "/" .. pkg .. "_1." .. (i % 7) .. "-" .. (i % 13)
        .. "_amd64.deb"
end

local requests, n = {}, 0

function init(args)
    local prefix, files = args[1] or "/debian/", tonumber(args[2] or "1000")
    local listed
    if not files then
        listed = {}
        for line in io.lines(args[2]) do listed[#listed + 1] = line end
        files = #listed
    end
    -- the service caches 65,536 client plans by default (GeoIP + mirror order): 20,000 fit
    local nclients = tonumber(args[3] or "20000")
    -- the same clients in every wrk thread (one seed), so CLIENTS is the number of distinct
    -- clients the service sees; each thread then draws its own sequence of requests
    math.randomseed(1000)
    local clients = {}
    for k = 1, nclients do
        clients[k] = math.random(1, 222) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "."
            .. math.random(1, 254)
    end
    math.randomseed(2000 + (thread_id or 0)) -- luacheck: ignore thread_id (set by setup)
    for k = 1, REQUESTS do
        local headers = nclients > 0 and { ["X-Forwarded-For"] = clients[math.random(1, nclients)] } or {}
        requests[k] = wrk.format("GET", prefix .. (listed and listed[math.random(1, files)] or path(math.random(0, files - 1))), headers)
    end
end

function request()
    n = n % REQUESTS + 1
    return requests[n]
end
