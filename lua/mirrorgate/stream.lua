-- mirrorgate.stream: a batch dispatcher's long-lived ResolveStream call on its held h2c connection.
--
-- Synopsis
--
--     local stream = require("mirrorgate.stream")
--     local st = stream.new(sock, stream_id, new_conn,
--                           metadata.header_block("/mirrorgate.v1.Resolver/ResolveStream", authority))
--     local reply, kind, detail, keep, message = stream.exchange(st, batch_bytes, deadline_ms, now_ms)
--     -- as mirrorgate.unary.call: the ResolveBatchResponse bytes, or nil and why; keep false means
--     -- the stream is over or its state unknown: close the connection
--
-- syntax: st = stream.new(sock, stream_id, new_conn, header_block)
-- syntax: reply, kind, detail, keep, message = stream.exchange(st, message, deadline_ms, now_ms)
--
-- Why: a call per batch costs both sides a stream set up and torn down, HPACK-coded request
-- headers, response headers and trailers, and on the service a call object and a deadline timer.
-- On one stream that stays open, a batch is one DATA frame each way (3 us less CPU per redirect,
-- nginx and service together, docs/benchmarks.md). The service answers each ResolveBatchRequest
-- with one ResolveBatchResponse, in order; the dispatcher sends the next batch only after the
-- reply to the last one, so at most one is ever in flight.
--
-- The first exchange sends HEADERS (no grpc-timeout: the stream outlives any one deadline) and
-- the first message together; each exchange has its own deadline. The frames and flow control
-- are mirrorgate.grpc's; what is the stream's own: reply bytes are given back once more than
-- RETURN_AT have arrived, in the write of the next batch; the end of the stream is a failure of
-- the batch in flight: "status" with the grpc-status (UNIMPLEMENTED: a service without
-- ResolveStream, which fails open like any error), or "closed" when the service ended it cleanly
-- (it is stopping: mirrorgate.client retries on a fresh connection). Any failure leaves the stream
-- in an unknown state: keep is false, and the next batch opens a new stream.

local grpc = require("mirrorgate.grpc")
local h2 = require("mirrorgate.h2")

local _M = {
    _VERSION = "0.1.0",
    RETURN_AT = 1024 * 1024,
}

_M.new = grpc.new

function _M.exchange(st, message, deadline, now)
    local r = st.reader
    if r then
        r.deadline = deadline
    else
        st.reader = h2.reader(st.sock, deadline, now)
    end
    local ok, kind, detail, msg = grpc.send(st, message, false, _M.RETURN_AT)
    if not ok then return nil, kind, detail, false, msg end
    local reply
    reply, kind, detail, msg = grpc.read(st)
    if not reply then
        if kind == "end" then kind, detail = "closed", "stream ended by the service" end
        return nil, kind, detail, false, msg
    end
    return reply, nil, nil, not st.goaway
end

return _M
