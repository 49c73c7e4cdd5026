-- mirrorgate.stream: a batch dispatcher's long-lived ResolveStream call on its held h2c connection.
--
-- Synopsis
--
--     local stream = require("mirrorgate.stream")
--     local st = stream.new(sock, stream_id, new_conn,
--                           grpc.header_block("/mirrorgate.v1.Resolver/ResolveStream", authority))
--     local reply, kind, detail, keep, message = stream.exchange(st, batch_bytes, deadline_ms, now_ms)
--     -- as mirrorgate.grpc.call: the ResolveBatchResponse bytes, or nil and why; keep false means
--     -- the stream is over or its state unknown: close the connection
--
-- syntax: st = stream.new(sock, stream_id, new_conn, header_block)
-- syntax: reply, kind, detail, keep, message = stream.exchange(st, message, deadline_ms, now_ms)
--
-- Why: a ResolveBatch call costs both sides a stream set up and torn down, HPACK-coded request
-- headers, response headers and trailers, and on the service a call object and a deadline timer.
-- On one stream that stays open, a batch is one DATA frame each way. The service answers each
-- ResolveBatchRequest with one ResolveBatchResponse, in order; the dispatcher sends the next batch
-- only after the reply to the last one, so at most one is ever in flight.
--
-- The first exchange sends HEADERS (no grpc-timeout: the stream outlives any one deadline) and
-- the first message together; each exchange has its own deadline here. Frames handled while
-- waiting: SETTINGS and PING are acknowledged, WINDOW_UPDATE adds send credit, a GOAWAY that
-- still covers the stream lets the reply in flight finish and then retires the connection (keep
-- false), one that does not is "goaway" (the batch was not processed). Trailers end the stream:
-- "status" with the grpc-status (UNIMPLEMENTED: a service without ResolveStream), or "closed"
-- when the service ended it cleanly (it is stopping). RST_STREAM is "reset", or "refused"
-- (REFUSED_STREAM: not processed).
--
-- Flow control, both ways, since the stream outlives any window:
--   sending: the connection and stream windows the service grants (65,535 bytes each until its
--   SETTINGS and WINDOW_UPDATEs say more) are spent by each message; a message that does not fit
--   waits for credit, within its deadline.
--   receiving: reply bytes are given back (stream and connection WINDOW_UPDATE) once more than
--   RETURN_AT have arrived, in the same write as the next message: credit costs no write of its
--   own. The 4 MiB stream window we advertise (mirrorgate.h2) holds RETURN_AT plus the largest
--   reply accepted (MAX_REPLY), so the service never waits for that credit.

local grpc = require("mirrorgate.grpc")
local h2 = require("mirrorgate.h2")

local byte = string.byte
local sub = string.sub
local concat = table.concat
local frame = h2.frame
local read_frame = h2.read_frame
local read_u32 = h2.read_u32
local u32 = h2.u32

local DATA, HEADERS, RST_STREAM, SETTINGS = h2.DATA, h2.HEADERS, h2.RST_STREAM, h2.SETTINGS
local PUSH_PROMISE, WINDOW_UPDATE, CONTINUATION = h2.PUSH_PROMISE, h2.WINDOW_UPDATE,
    h2.CONTINUATION

local _M = {
    _VERSION = "0.1.0",
    RETURN_AT = 1024 * 1024,
    MAX_REPLY = 2 * 1024 * 1024,
}

local DEFAULT_WINDOW = 65535 -- RFC 9113 6.9.2: both windows until the peer says otherwise
local SETTINGS_INITIAL_WINDOW_SIZE = 4

function _M.new(sock, sid, new_conn, header_block)
    return {
        sock = sock, sid = sid, preface = new_conn, block = header_block, opened = false,
        send_conn = DEFAULT_WINDOW, send_stream = DEFAULT_WINDOW, peer_initial = DEFAULT_WINDOW,
        received = 0, -- reply bytes not yet given back
        goaway = false, headers_seen = false, reader = nil,
    }
end

-- A frame on stream 0; returns nil, or kind, detail when the exchange must fail. The stream keeps
-- its send windows from SETTINGS and WINDOW_UPDATE; acks and GOAWAY are mirrorgate.grpc's.
local function connection_frame(st, ftype, flags, payload)
    if ftype == WINDOW_UPDATE then
        if #payload ~= 4 then return "protocol", "bad WINDOW_UPDATE" end
        st.send_conn = st.send_conn + h2.read_u31(payload, 1)
        return nil
    end
    if ftype == SETTINGS and flags % 2 == 0 and #payload % 6 == 0 then
        for pos = 1, #payload, 6 do
            if byte(payload, pos) * 256 + byte(payload, pos + 1) == SETTINGS_INITIAL_WINDOW_SIZE then
                local v = read_u32(payload, pos + 2)
                if v > h2.MAX_WINDOW then return "protocol", "bad INITIAL_WINDOW_SIZE" end
                -- RFC 9113 6.9.2: the change applies to the open stream's window too
                st.send_stream = st.send_stream + v - st.peer_initial
                st.peer_initial = v
            end
        end
    end
    local ok, draining, detail = grpc.connection_frame(st.sock, st.sid, ftype, flags, payload)
    if not ok then return draining, detail end
    -- a GOAWAY that covers the stream: the reply in flight still comes, then the connection goes
    if draining then st.goaway = true end
    return nil
end

-- The stream's trailers (or trailers-only reply): it is over either way.
local function stream_end(headers)
    local kind, detail, msg = grpc.trailer_error(headers)
    if not kind then return "closed", "stream ended by the service" end
    return kind, detail, msg
end

-- Reads frames until the send windows hold `need` bytes (need given) or until the reply to the
-- message just sent is complete (need nil). Returns the reply bytes (or true), or nil, kind,
-- detail, message.
local function pump(st, r, need)
    local parts, got, want = {}, 0, nil -- reply bytes so far; want: its length once known
    while true do
        if need and st.send_conn >= need and st.send_stream >= need then return true end
        local ftype, flags, fsid, payload = read_frame(r)
        if not ftype then
            if flags ~= "timeout" and flags ~= "closed" then return nil, "protocol", flags end
            return nil, flags, flags
        end
        if fsid == 0 then
            local kind, detail = connection_frame(st, ftype, flags, payload)
            if kind then return nil, kind, detail end
        elseif fsid == st.sid then
            if ftype == DATA then
                if need or not st.headers_seen then return nil, "protocol", "DATA while none due" end
                st.received = st.received + #payload
                local chunk, err = h2.unpad(DATA, flags, payload)
                if not chunk then return nil, "protocol", err end
                if flags % 2 == 1 then return nil, "protocol", "DATA with END_STREAM, no trailers" end
                got = got + #chunk
                parts[#parts + 1] = chunk
                if not want and got >= 5 then
                    local head = #parts == 1 and chunk or concat(parts)
                    if byte(head, 1) ~= 0 then return nil, "protocol", "compressed reply" end
                    want = 5 + read_u32(head, 2)
                    if want > _M.MAX_REPLY then return nil, "protocol", "reply too large" end
                end
                if want and got >= want then
                    if got > want then return nil, "protocol", "more than one reply" end
                    return sub(#parts == 1 and chunk or concat(parts), 6)
                end
            elseif ftype == HEADERS then
                local headers, kind, detail = grpc.read_headers(r, fsid, flags, payload)
                if not headers then return nil, kind, detail end
                if not st.headers_seen then
                    local ok
                    ok, kind, detail = grpc.check_reply_headers(headers)
                    if not ok then return nil, kind, detail end
                    st.headers_seen = true
                    if flags % 2 == 1 then return nil, stream_end(headers) end -- trailers-only
                elseif flags % 2 == 1 then
                    return nil, stream_end(headers)
                else
                    return nil, "protocol", "trailers without END_STREAM"
                end
            elseif ftype == WINDOW_UPDATE then
                if #payload ~= 4 then return nil, "protocol", "bad WINDOW_UPDATE" end
                st.send_stream = st.send_stream + h2.read_u31(payload, 1)
            elseif ftype == RST_STREAM then
                return nil, grpc.reset_error(payload)
            elseif ftype == PUSH_PROMISE or ftype == CONTINUATION then
                return nil, "protocol", "unexpected frame type " .. ftype
            end
        end
        -- anything else (PRIORITY, unknown types, other streams' leftovers) is ignored
    end
end

-- The bytes of one write: preface and HEADERS the first time, credit due back, the message.
local function outgoing(st, payload)
    local out, n = {}, 0
    if not st.opened then
        if st.preface then
            n = n + 1
            out[n] = h2.PREFACE
        end
        n = n + 1
        out[n] = frame(HEADERS, h2.END_HEADERS, st.sid, st.block)
        st.opened = true
    end
    if st.received > _M.RETURN_AT then
        n = n + 1
        out[n] = frame(WINDOW_UPDATE, 0, st.sid, u32(st.received))
            .. frame(WINDOW_UPDATE, 0, 0, u32(st.received))
        st.received = 0
    end
    for pos = 1, #payload, h2.MAX_FRAME do
        n = n + 1
        out[n] = frame(DATA, 0, st.sid, sub(payload, pos, pos + h2.MAX_FRAME - 1))
    end
    return out
end

function _M.exchange(st, message, deadline, now)
    local r = st.reader
    if r then
        r.deadline = deadline
    else
        r = h2.reader(st.sock, deadline, now)
        st.reader = r
    end
    local payload = "\0" .. u32(#message) .. message
    local size = #payload
    if st.send_conn < size or st.send_stream < size then
        if not st.opened then return nil, "protocol", "message larger than the initial window", false end
        local ok, kind, detail, msg = pump(st, r, size)
        if not ok then return nil, kind, detail, false, msg end
    end
    local _, err = st.sock:send(outgoing(st, payload))
    if err then return nil, err == "timeout" and "timeout" or "closed", err, false end
    st.send_conn, st.send_stream = st.send_conn - size, st.send_stream - size
    local reply, kind, detail, msg = pump(st, r, nil)
    if not reply then return nil, kind, detail, false, msg end
    return reply, nil, nil, not st.goaway
end

return _M
