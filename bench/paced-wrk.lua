-- wrk script for bench/serving-under-change.sh: the requests of nginx-wrk.lua (random files of the
-- synthetic index from many client addresses), each connection pausing DELAY_MS before each request,
-- so the load is a steady rate well below saturation (about connections x 1000 / DELAY_MS req/s)
-- instead of wrk's closed loop; at the end the latency percentiles wrk's --latency leaves out.
--
-- usage: wrk -t2 -c4 -d30s -s bench/paced-wrk.lua http://127.0.0.1:PORT -- PREFIX FILES CLIENTS DELAY_MS

dofile("bench/nginx-wrk.lua")

local base_init = init
local pause = 2

function init(args)
    base_init(args)
    pause = tonumber(args[4] or "2")
end

function delay()
    return pause
end

function done(summary, latency, _)
    -- microseconds; one line the script parses
    local e = summary.errors
    io.write(string.format("latency_us p50=%d p99=%d p999=%d max=%d requests=%d socket_errors=%d timeouts=%d"
        .. " non2xx3xx=%d\n", latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
        latency.max, summary.requests, e.connect + e.read + e.write, e.timeout, e.status))
end
