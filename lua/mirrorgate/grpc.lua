-- mirrorgate.grpc: one gRPC call on an h2c connection, as the HTTP/2 stream that carries it:
-- opening the stream, sending messages within the peer's flow-control windows, reading the reply
-- messages and the call's end, and the connection frames that arrive meanwhile. The hook's two
-- calls are built on it: the unary Resolve (grpc.call, below) and a batch dispatcher's long-lived
-- ResolveStream (mirrorgate.stream).
--
-- Synopsis
--
--     local grpc = require("mirrorgate.grpc")
--     local block = grpc.header_block("/mirrorgate.v1.Resolver/Resolve", "127.0.0.1:7390", 150)
--     local reply, kind, detail, keep, message = grpc.call(sock, 1, true, block, request_bytes,
--                                                          now_ms() + 150, now_ms)
--     -- reply: the response message bytes, or nil with kind one of "timeout", "closed",
--     -- "goaway", "refused", "reset", "protocol", "status" (detail says more; for "status",
--     -- detail is the grpc-status number and message the grpc-message)
--     -- keep: true when the connection may go back to the pool
--
-- syntax: block = grpc.header_block(path, authority, timeout_ms?)   -- no timeout: no grpc-timeout
-- syntax: st = grpc.new(sock, stream_id, new_conn, header_block)   -- then set st.reader (h2.reader)
-- syntax: ok, kind, detail, message = grpc.send(st, message, last, return_at?)
-- syntax: reply, kind, detail, message = grpc.read(st)   -- kind "end": the call ended, status 0
-- syntax: reply, kind, detail, keep, message = grpc.call(sock, stream_id, new_conn, header_block,
--                                                        message, deadline_ms, now_ms)
--
-- new_conn: true on a fresh connection, whose first write then carries the HTTP/2 preface.
-- now_ms: a function returning the time in ms; no read waits past deadline_ms (see mirrorgate.h2).
--
-- One stream at a time per connection, which is all a request-scoped cosocket can use. Frames
-- handled while a call waits: SETTINGS and PING are acknowledged at once; SETTINGS'
-- INITIAL_WINDOW_SIZE and WINDOW_UPDATE add send credit; a GOAWAY that still covers the stream lets
-- it finish and marks the connection for retirement (st.goaway), one that does not is "goaway"
-- (never processed: safe to retry elsewhere); RST_STREAM ends the call ("refused" for
-- REFUSED_STREAM, which was not processed, else "reset"); PRIORITY, unknown frame types and frames
-- of older streams are ignored; PUSH_PROMISE and oversized frames are errors.
--
-- Flow control: sending spends the windows the peer granted (65,535 bytes each until it says
-- more), and a message that does not fit waits for credit within the deadline. Received bytes are
-- counted in st.received; the caller gives them back: a unary call after a reply above
-- RETURN_CREDIT (see MAX_REUSE in mirrorgate.client), a stream in the write of its next message
-- (send's return_at), so credit never costs a write of its own there.
--
-- The request header block is built once: client request headers never reach the service
-- (no cookie, no grpc-timeout of the client's choosing), and no per-request encoding is done.

local h2 = require("mirrorgate.h2")
local hpack = require("mirrorgate.hpack")

local byte = string.byte
local sub = string.sub
local concat = table.concat
local frame = h2.frame
local read_frame = h2.read_frame
local read_u31 = h2.read_u31
local read_u32 = h2.read_u32
local u32 = h2.u32

local DATA, HEADERS, RST_STREAM, SETTINGS = h2.DATA, h2.HEADERS, h2.RST_STREAM, h2.SETTINGS
local PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = h2.PUSH_PROMISE, h2.PING,
    h2.GOAWAY, h2.WINDOW_UPDATE, h2.CONTINUATION

local _M = {
    _VERSION = "0.1.0",
    -- a reply message larger than this is refused: the service caps CONTENT at 1 MiB. The 4 MiB
    -- stream window we advertise (mirrorgate.h2) holds it plus a stream's RETURN_AT.
    MAX_REPLY = 2 * 1024 * 1024,
    -- Connection window a unary reply may use without the client giving it back at once (an extra
    -- write). A reply of a few dozen redirects stays below it.
    RETURN_CREDIT = 65536,
}

local DEFAULT_WINDOW = 65535 -- RFC 9113 6.9.2: both windows until the peer says otherwise
local SETTINGS_INITIAL_WINDOW_SIZE = 4
-- Failures after which a unary call's connection is still sound: the stream is over, cleanly.
local KEEP_AFTER = { status = true, refused = true, reset = true }

-- timeout_ms becomes grpc-timeout, the service's own deadline for the call; a long-lived stream
-- (mirrorgate.stream) has none: each of its exchanges keeps its own deadline on this side.
function _M.header_block(path, authority, timeout_ms)
    return concat({
        hpack.indexed(3),                                  -- :method POST
        hpack.indexed(6),                                  -- :scheme http
        hpack.literal(4, path),                            -- :path
        hpack.literal(1, authority),                       -- :authority
        hpack.literal(31, "application/grpc"),             -- content-type
        hpack.literal("te", "trailers"),
        timeout_ms and hpack.literal("grpc-timeout", timeout_ms .. "m") or "",
        hpack.literal(58, "mirrorgate-nginx/" .. _M._VERSION), -- user-agent
    })
end

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

-- A frame on stream 0; returns nil, or kind, detail when the call must fail.
local function connection_frame(st, ftype, flags, payload)
    local _, err
    if ftype == WINDOW_UPDATE then
        if #payload ~= 4 then return "protocol", "bad WINDOW_UPDATE" end
        st.send_conn = st.send_conn + read_u31(payload, 1)
    elseif ftype == SETTINGS and flags % 2 == 0 then
        if #payload % 6 ~= 0 then return "protocol", "bad SETTINGS" end
        for pos = 1, #payload, 6 do
            if byte(payload, pos) * 256 + byte(payload, pos + 1) == SETTINGS_INITIAL_WINDOW_SIZE then
                local v = read_u32(payload, pos + 2)
                if v > h2.MAX_WINDOW then return "protocol", "bad INITIAL_WINDOW_SIZE" end
                -- RFC 9113 6.9.2: the change applies to the open stream's window too
                st.send_stream = st.send_stream + v - st.peer_initial
                st.peer_initial = v
            end
        end
        _, err = st.sock:send(h2.SETTINGS_ACK)
    elseif ftype == PING and flags % 2 == 0 then
        if #payload ~= 8 then return "protocol", "bad PING" end
        _, err = st.sock:send(frame(PING, h2.ACK, 0, payload))
    elseif ftype == GOAWAY then
        if #payload < 8 then return "protocol", "bad GOAWAY" end
        if st.sid > read_u31(payload, 1) then return "goaway", "GOAWAY code " .. read_u32(payload, 5) end
        st.goaway = true -- covers the stream: it may finish, then the connection goes
    end
    if err then return send_error(err) end
end

-- Reads one header block (HEADERS plus any CONTINUATION); returns headers or nil, kind, detail.
local function read_headers(r, sid, flags, payload)
    local fragment, err = h2.unpad(HEADERS, flags, payload)
    if not fragment then return nil, "protocol", err end
    local parts = { fragment }
    while flags % 8 < 4 do -- no END_HEADERS: CONTINUATION frames must follow at once
        local ftype, cflags, csid, cpayload = read_frame(r)
        if not ftype then return nil, cflags == "timeout" and "timeout" or "closed", cflags end
        if ftype ~= CONTINUATION or csid ~= sid then
            return nil, "protocol", "expected CONTINUATION"
        end
        parts[#parts + 1] = cpayload
        flags = cflags
    end
    local headers
    headers, err = hpack.decode(#parts == 1 and fragment or concat(parts))
    if not headers then return nil, "protocol", err end
    return headers
end

-- The reply's first header block must say HTTP 200 and a gRPC content type.
local function check_reply_headers(headers)
    if headers[":status"] ~= "200" then
        return "protocol", "http status " .. tostring(headers[":status"])
    end
    local ct = headers["content-type"]
    if not ct or sub(ct, 1, 16) ~= "application/grpc" then
        return "protocol", "content-type " .. tostring(ct)
    end
end

-- What the call's final headers (trailers, or a trailers-only reply) say: "end" for
-- grpc-status 0, else kind, detail, message.
local function call_end(trailers)
    local status = trailers["grpc-status"]
    if status == "0" then return "end" end
    if not status then return "protocol", "no grpc-status" end
    return "status", tonumber(status) or status, trailers["grpc-message"] or ""
end

-- RST_STREAM's code as a failure: REFUSED_STREAM (7) means the server did not process the
-- request (safe to retry elsewhere), anything else that it may have.
local function reset_error(payload)
    local code = #payload == 4 and read_u32(payload, 1) or -1
    return code == 7 and "refused" or "reset", "RST_STREAM " .. code
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
            local kind, detail = connection_frame(st, ftype, flags, payload)
            if kind then return nil, kind, detail end
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
                local headers, kind, detail = read_headers(r, sid, flags, payload)
                if not headers then return nil, kind, detail end
                local first = not st.headers_seen
                if first then
                    kind, detail = check_reply_headers(headers)
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
            elseif ftype == WINDOW_UPDATE then
                if #payload ~= 4 then return nil, "protocol", "bad WINDOW_UPDATE" end
                st.send_stream = st.send_stream + read_u31(payload, 1)
            elseif ftype == RST_STREAM then
                return nil, reset_error(payload)
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

-- The unary call: one message out with END_STREAM, one reply message, then the trailers.
function _M.call(sock, sid, new_conn, header_block, message, deadline, now)
    local st = _M.new(sock, sid, new_conn, header_block)
    st.reader = h2.reader(sock, deadline, now)
    local ok, kind, detail = _M.send(st, message, true)
    if not ok then return nil, kind, detail, false end
    local reply, msg
    reply, kind, detail, msg = pump(st)
    if reply then
        local more
        more, kind, detail, msg = pump(st)
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
