-- mirrorgate.unary: one unary gRPC call (the hook's Resolve) on an h2c connection: one message
-- out with END_STREAM, exactly one reply message, then the trailers.
--
-- Synopsis
--
--     local unary = require("mirrorgate.unary")
--     local block = metadata.header_block("/mirrorgate.v1.Resolver/Resolve", "127.0.0.1:7390", 150)
--     local reply, kind, detail, keep, message = unary.call(sock, 1, true, block, request_bytes,
--                                                           now_ms() + 150, now_ms)
--     -- reply: the response message bytes, or nil with kind one of "timeout", "closed",
--     -- "goaway", "refused", "reset", "protocol", "status" (detail says more; for "status",
--     -- detail is the grpc-status number and message the grpc-message)
--     -- keep: true when the connection may go back to the pool
--
-- syntax: reply, kind, detail, keep, message = unary.call(sock, stream_id, new_conn, header_block,
--                                                         message, deadline_ms, now_ms)
--
-- new_conn: true on a fresh connection, whose first write then carries the HTTP/2 preface.
-- now_ms: a function returning the time in ms; no read waits past deadline_ms (see mirrorgate.h2).
-- The stream itself is mirrorgate.grpc's. What is the unary call's own: a reply without a message
-- or with a second one is "protocol"; the connection is kept after a clean end of the stream
-- (success, an error status, RST_STREAM) unless a GOAWAY came; and received bytes are given back
-- (a connection WINDOW_UPDATE) only after a reply above RETURN_CREDIT, an extra write most calls
-- never pay (see MAX_REUSE in mirrorgate.client).

local grpc = require("mirrorgate.grpc")
local h2 = require("mirrorgate.h2")

local frame = h2.frame
local u32 = h2.u32
local WINDOW_UPDATE = h2.WINDOW_UPDATE

local _M = {
    _VERSION = "0.1.0",
    -- Connection window a unary reply may use without the client giving it back at once (an extra
    -- write). A reply of a few dozen redirects stays below it.
    RETURN_CREDIT = 65536,
}

-- Failures after which a unary call's connection is still sound: the stream is over, cleanly.
local KEEP_AFTER = { status = true, refused = true, reset = true }

function _M.call(sock, sid, new_conn, header_block, message, deadline, now)
    local st = grpc.new(sock, sid, new_conn, header_block)
    st.reader = h2.reader(sock, deadline, now)
    local ok, kind, detail = grpc.send(st, message, true)
    if not ok then return nil, kind, detail, false end
    local reply, msg
    reply, kind, detail, msg = grpc.read(st)
    if reply then
        local more
        more, kind, detail, msg = grpc.read(st)
        if more then
            kind, detail = "protocol", "more than one reply"
        elseif kind == "end" then
            kind = nil
        end
        if kind then reply = nil end
    elseif kind == "end" then
        kind, detail = "protocol", "reply message missing"
    end
    local keep = not st.goaway and (kind == nil or KEEP_AFTER[kind] or false)
    if keep and st.received > _M.RETURN_CREDIT then
        local _, err = sock:send(frame(WINDOW_UPDATE, 0, 0, u32(st.received)))
        if err then keep = false end
    end
    return reply, kind, detail, keep, msg
end

return _M
