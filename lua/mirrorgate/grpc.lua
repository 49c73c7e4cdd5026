-- mirrorgate.grpc: one gRPC call on an h2c connection, as the HTTP/2 stream that carries it:
-- opening the stream, sending messages within the peer's flow-control windows, reading the reply
-- messages and the call's end. The hook's two calls are built on it: the unary Resolve
-- (mirrorgate.unary) and a batch dispatcher's long-lived ResolveStream (mirrorgate.stream).
--
-- Synopsis
--
--     local grpc = require("mirrorgate.grpc")
--     local st = grpc.new(sock, 1, true, metadata.header_block(path, authority, timeout_ms))
--     st.reader = h2.reader(sock, now_ms() + 150, now_ms)
--     local ok, kind, detail, message = grpc.send(st, request_bytes, true)
--     local reply, kind, detail, message = grpc.read(st)
--     -- reply: the next reply message's bytes, or nil with kind one of "end" (the call ended with
--     -- grpc-status 0), "timeout", "closed", "goaway", "refused", "reset", "protocol", "status"
--     -- (detail says more; for "status", detail is the grpc-status number and message the
--     -- grpc-message)
--
-- syntax: st = grpc.new(sock, stream_id, new_conn, header_block)   -- then set st.reader (h2.reader)
-- syntax: ok, kind, detail, message = grpc.send(st, message, last, return_at?)
-- syntax: reply, kind, detail, message = grpc.read(st)
--
-- new_conn: true on a fresh connection, whose first write then carries the HTTP/2 preface.
-- header_block: the request's, built once (mirrorgate.metadata). The reader's deadline bounds
-- every read (see mirrorgate.h2). After a failure the stream's state is unknown, except as the
-- kind says (mirrorgate.unary keeps the connection after "status", "refused" and "reset").
--
-- One stream at a time per connection, which is all a request-scoped cosocket can use. While a
-- call waits, control frames (SETTINGS, PING, GOAWAY, WINDOW_UPDATE, RST_STREAM) go to
-- mirrorgate.control, whose answers are sent at once, and the reply's header blocks to
-- mirrorgate.metadata; PRIORITY, unknown frame types and frames of older streams are ignored;
-- PUSH_PROMISE and oversized frames are errors. A GOAWAY that still covers the stream lets it
-- finish and sets st.goaway: the connection must not be reused.
--
-- Flow control: sending spends the windows the peer granted (65,535 bytes each until it says
-- more), and a message that does not fit waits for credit within the deadline. Received bytes are
-- counted in st.received; the caller gives them back: a unary call after a large reply
-- (mirrorgate.unary), a stream in the write of its next message (send's return_at), so credit
-- never costs a write of its own there.

local h2 = require("mirrorgate.h2")
local control = require("mirrorgate.control")
local metadata = require("mirrorgate.metadata")

local byte = string.byte
local sub = string.sub
local concat = table.concat
local frame = h2.frame
local read_frame = h2.read_frame
local read_u32 = h2.read_u32
local u32 = h2.u32

local connection_frame = control.connection_frame
local stream_frame = control.stream_frame
local read_block = metadata.read_block
local check_reply = metadata.check_reply
local call_end = metadata.call_end

local DATA, HEADERS, RST_STREAM, PUSH_PROMISE, WINDOW_UPDATE, CONTINUATION = h2.DATA, h2.HEADERS,
    h2.RST_STREAM, h2.PUSH_PROMISE, h2.WINDOW_UPDATE, h2.CONTINUATION

local _M = {
    _VERSION = "0.1.0",
    -- a reply message larger than this is refused: the service caps CONTENT at 1 MiB. The 4 MiB
    -- stream window we advertise (mirrorgate.h2) holds it plus a stream's RETURN_AT.
    MAX_REPLY = 2 * 1024 * 1024,
}

local DEFAULT_WINDOW = h2.DEFAULT_WINDOW

function _M.new(sock, sid, new_conn, header_block)
    return {
        sock = sock, sid = sid, preface = new_conn, block = header_block, opened = false,
        send_conn = DEFAULT_WINDOW, send_stream = DEFAULT_WINDOW, peer_initial = DEFAULT_WINDOW,
        received = 0, -- DATA bytes not yet given back
        goaway = false, headers_seen = false, reader = nil,
    }
end

local function send_error(err)
    return err == "timeout" and "timeout" or "closed", err
end

-- Reads frames until the send windows hold `need` bytes (need given), or else until the next
-- reply message is complete or the call ends. Returns the message (or true), or nil, kind,
-- detail, message.
local function pump(st, need)
    local r, sid = st.reader, st.sid
    local parts, got, want = {}, 0, nil -- message bytes so far; want: its length once known
    while true do
        if need and st.send_conn >= need and st.send_stream >= need then return true end
        local ftype, flags, fsid, payload = read_frame(r)
        if not ftype then
            if flags ~= "timeout" and flags ~= "closed" then return nil, "protocol", flags end
            return nil, flags, flags
        end
        if fsid == 0 then
            local answer, kind, detail = connection_frame(st, ftype, flags, payload)
            if kind then return nil, kind, detail end
            if answer then
                local _, err = st.sock:send(answer)
                if err then return nil, send_error(err) end
            end
        elseif fsid == sid then
            if ftype == DATA then
                if not st.headers_seen then return nil, "protocol", "DATA before HEADERS" end
                if need then return nil, "protocol", "DATA while none due" end
                st.received = st.received + #payload
                local chunk, err = h2.unpad(DATA, flags, payload)
                if not chunk then return nil, "protocol", err end
                if flags % 2 == 1 then return nil, "protocol", "no trailers" end
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
                local headers, kind, detail = read_block(r, sid, flags, payload)
                if not headers then return nil, kind, detail end
                local first = not st.headers_seen
                if first then
                    kind, detail = check_reply(headers)
                    if kind then return nil, kind, detail end
                    st.headers_seen = true
                end
                if not first or flags % 2 == 1 then -- trailers, or a trailers-only reply
                    if flags % 2 == 0 then return nil, "protocol", "trailers without END_STREAM" end
                    local msg
                    kind, detail, msg = call_end(headers)
                    if kind == "end" and got > 0 then return nil, "protocol", "reply length mismatch" end
                    return nil, kind, detail, msg
                end
            elseif ftype == WINDOW_UPDATE or ftype == RST_STREAM then
                local kind, detail = stream_frame(st, ftype, payload)
                if kind then return nil, kind, detail end
            elseif ftype == PUSH_PROMISE or ftype == CONTINUATION then
                return nil, "protocol", "unexpected frame type " .. ftype
            end
        end
        -- anything else (PRIORITY, unknown types, older streams' frames) is ignored
    end
end

-- Sends one message: with the preface (new connection) and the HEADERS the first time, the
-- received bytes given back (stream and connection WINDOW_UPDATE) when past return_at, and
-- END_STREAM when last. Waits for send credit first if the windows do not hold it.
function _M.send(st, message, last, return_at)
    local payload = "\0" .. u32(#message) .. message
    local size = #payload
    if st.send_conn < size or st.send_stream < size then
        if not st.opened then return nil, "protocol", "message larger than the initial window" end
        local ok, kind, detail, msg = pump(st, size)
        if not ok then return nil, kind, detail, msg end
    end
    local out, n, sid = {}, 0, st.sid
    if not st.opened then
        if st.preface then
            n = n + 1
            out[n] = h2.PREFACE
        end
        n = n + 1
        out[n] = frame(HEADERS, h2.END_HEADERS, sid, st.block)
        st.opened = true
    end
    if return_at and st.received > return_at then
        n = n + 1
        out[n] = frame(WINDOW_UPDATE, 0, sid, u32(st.received)) .. frame(WINDOW_UPDATE, 0, 0, u32(st.received))
        st.received = 0
    end
    for pos = 1, size, h2.MAX_FRAME do
        local rest = pos + h2.MAX_FRAME > size
        n = n + 1
        out[n] = frame(DATA, last and rest and h2.END_STREAM or 0, sid, sub(payload, pos, pos + h2.MAX_FRAME - 1))
    end
    local _, err = st.sock:send(out)
    if err then return nil, send_error(err) end
    st.send_conn, st.send_stream = st.send_conn - size, st.send_stream - size
    return true
end

function _M.read(st)
    return pump(st, nil)
end

return _M
