-- mirrorgate.grpc: one unary gRPC call on an already connected h2c socket.
--
-- Synopsis
--
--     local grpc = require("mirrorgate.grpc")
--     local block = grpc.header_block("/mirrorgate.v1.Resolver/Resolve", "127.0.0.1:7390", 150)
--     local reply, kind, detail, keep = grpc.call(sock, 1, true, block, request_bytes,
--                                                 now_ms() + 150, now_ms)
--     -- reply: the response message bytes, or nil with kind one of "timeout", "closed",
--     -- "goaway", "refused", "reset", "protocol", "status" (detail says more; for "status",
--     -- detail is the grpc-status number and the message follows as a 5th value)
--     -- keep: true when the connection may go back to the pool
--
-- syntax: block = grpc.header_block(path, authority, timeout_ms?)   -- no timeout: no grpc-timeout
-- syntax: headers, kind, detail = grpc.read_headers(reader, stream_id, flags, payload)
-- syntax: ok, kind, detail = grpc.check_reply_headers(headers)
-- syntax: kind, detail, message = grpc.trailer_error(trailers)    -- nil when grpc-status is 0
-- syntax: kind, detail = grpc.reset_error(rst_stream_payload)
-- syntax: ok, draining = grpc.connection_frame(sock, stream_id, type, flags, payload)
--                                                 -- or nil, kind, detail
-- syntax: reply, kind, detail, keep, message = grpc.call(sock, stream_id, new_conn, header_block,
--                                                        message, deadline_ms, now_ms)
--
-- new_conn: true on a fresh connection, whose first write then carries the HTTP/2 preface.
-- now_ms: a function returning the time in ms; no read waits past deadline_ms.
--
-- The client speaks h2c with prior knowledge; one stream at a time per connection, which is all a
-- request-scoped cosocket can use. Frames it must handle while waiting for its reply: SETTINGS and
-- PING are acknowledged at once, GOAWAY is honoured (a stream above last-stream-id was never
-- processed, so "goaway" is safe to retry elsewhere), RST_STREAM ends the call, WINDOW_UPDATE and
-- unknown frame types are ignored, frames of older streams are skipped. A reply whose DATA used
-- more than RETURN_CREDIT bytes of the connection window is followed by a WINDOW_UPDATE giving it
-- back, so the window can only shrink by that much per call (see MAX_REUSE in mirrorgate.client).
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

local DATA, HEADERS, RST_STREAM, SETTINGS = h2.DATA, h2.HEADERS, h2.RST_STREAM, h2.SETTINGS
local PUSH_PROMISE, PING, GOAWAY, CONTINUATION = h2.PUSH_PROMISE, h2.PING, h2.GOAWAY,
    h2.CONTINUATION

local _M = {
    _VERSION = "0.1.0",
    -- a reply body larger than this is refused: the service caps CONTENT at 1 MiB
    MAX_REPLY = 2 * 1024 * 1024,
    -- Connection window a reply may use without the client giving it back at once (an extra
    -- write). A batch reply of a few dozen redirects stays below it; see MAX_REUSE in
    -- mirrorgate.client for why the window cannot run out.
    RETURN_CREDIT = 65536,
}

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
_M.read_headers = read_headers

-- The reply's first header block must say HTTP 200 and a gRPC content type.
local function check_reply_headers(headers)
    if headers[":status"] ~= "200" then
        return nil, "protocol", "http status " .. tostring(headers[":status"])
    end
    local ct = headers["content-type"]
    if not ct or sub(ct, 1, 16) ~= "application/grpc" then
        return nil, "protocol", "content-type " .. tostring(ct)
    end
    return true
end
_M.check_reply_headers = check_reply_headers

-- What a call's final headers (trailers or a trailers-only reply) say went wrong: nil for
-- grpc-status 0, else kind, detail, message ("status" with the code, or "protocol").
local function trailer_error(trailers)
    local status = trailers["grpc-status"]
    if status == "0" then return nil end
    if not status then return "protocol", "no grpc-status" end
    return "status", tonumber(status) or status, trailers["grpc-message"] or ""
end
_M.trailer_error = trailer_error

-- RST_STREAM's code as a failure: REFUSED_STREAM (7) means the server did not process the
-- request (safe to retry elsewhere), anything else that it may have.
function _M.reset_error(payload)
    local code = #payload == 4 and h2.read_u32(payload, 1) or -1
    return code == 7 and "refused" or "reset", "RST_STREAM " .. code
end

-- A frame on stream 0 while stream sid waits for its reply: SETTINGS and PING are acknowledged
-- at once, a GOAWAY is read. Returns true, draining (a GOAWAY that still covers sid: the reply
-- comes, then the connection must go), or nil, kind, detail when the exchange fails: a malformed
-- frame, an ack that cannot be sent, a GOAWAY below sid ("goaway": sid was never processed).
-- Other frame types are left to the caller (WINDOW_UPDATE, PRIORITY, unknown ones).
function _M.connection_frame(sock, sid, ftype, flags, payload)
    if ftype == SETTINGS and flags % 2 == 0 then
        if #payload % 6 ~= 0 then return nil, "protocol", "bad SETTINGS" end
        local _, err = sock:send(h2.SETTINGS_ACK)
        if err then return nil, err == "timeout" and "timeout" or "closed", err end
    elseif ftype == PING and flags % 2 == 0 then
        if #payload ~= 8 then return nil, "protocol", "bad PING" end
        local _, err = sock:send(frame(PING, h2.ACK, 0, payload))
        if err then return nil, err == "timeout" and "timeout" or "closed", err end
    elseif ftype == GOAWAY then
        if #payload < 8 then return nil, "protocol", "bad GOAWAY" end
        if sid > h2.read_u31(payload, 1) then
            return nil, "goaway", "GOAWAY code " .. h2.read_u32(payload, 5)
        end
        return true, true
    end
    return true, false
end

-- Checks the reply's final headers (trailers or trailers-only) and the message framing.
local function finish(trailers, data)
    local kind, detail, msg = trailer_error(trailers)
    if kind then return nil, kind, detail, msg end
    -- one uncompressed length-prefixed message: flag 0, 4-byte length, bytes
    local body = concat(data)
    if #body < 5 then return nil, "protocol", "reply message missing" end
    if byte(body, 1) ~= 0 then return nil, "protocol", "compressed reply" end
    if h2.read_u32(body, 2) ~= #body - 5 then return nil, "protocol", "reply length mismatch" end
    return sub(body, 6)
end

local function closed(err)
    if err == "timeout" then return nil, "timeout", err, false end
    return nil, "closed", err, false
end

function _M.call(sock, sid, new_conn, header_block, message, deadline, now)
    local req = frame(HEADERS, h2.END_HEADERS, sid, header_block)
        .. frame(DATA, h2.END_STREAM, sid, "\0" .. h2.u32(#message) .. message)
    local _, err = sock:send(new_conn and { h2.PREFACE, req } or req)
    if err then return closed(err) end

    local r = h2.reader(sock, deadline, now)
    local keep, headers_seen, data, data_len, window_used = true, false, {}, 0, 0
    while true do
        local ftype, flags, fsid, payload = read_frame(r)
        if not ftype then
            if flags ~= "timeout" and flags ~= "closed" then return nil, "protocol", flags, false end
            return closed(flags)
        end
        if fsid == sid then
            if ftype == HEADERS then
                local headers, kind, detail = read_headers(r, sid, flags, payload)
                if not headers then return nil, kind, detail, false end
                local first = not headers_seen
                if first then
                    local ok, kind2, detail2 = check_reply_headers(headers)
                    if not ok then return nil, kind2, detail2, false end
                    headers_seen = true
                end
                if not first or flags % 2 == 1 then -- trailers, or a trailers-only reply
                    if flags % 2 == 0 then
                        return nil, "protocol", "trailers without END_STREAM", false
                    end
                    local reply, kind2, detail2, msg = finish(headers, data)
                    if window_used > _M.RETURN_CREDIT then
                        _, err = sock:send(frame(h2.WINDOW_UPDATE, 0, 0, h2.u32(window_used)))
                        if err then keep = false end
                    end
                    if reply then return reply, nil, nil, keep end
                    return nil, kind2, detail2, keep and kind2 == "status", msg
                end
            elseif ftype == DATA then
                if not headers_seen then return nil, "protocol", "DATA before HEADERS", false end
                window_used = window_used + #payload
                local chunk, perr = h2.unpad(DATA, flags, payload)
                if not chunk then return nil, "protocol", perr, false end
                data_len = data_len + #chunk
                if data_len > _M.MAX_REPLY then return nil, "protocol", "reply too large", false end
                data[#data + 1] = chunk
                if flags % 2 == 1 then return nil, "protocol", "no trailers", false end
            elseif ftype == RST_STREAM then
                local kind, detail = _M.reset_error(payload)
                return nil, kind, detail, keep
            elseif ftype == PUSH_PROMISE or ftype == CONTINUATION then
                return nil, "protocol", "unexpected frame type " .. ftype, false
            end
        elseif fsid == 0 then
            local ok, draining, detail = _M.connection_frame(sock, sid, ftype, flags, payload)
            if not ok then return nil, draining, detail, false end
            -- a covering GOAWAY: finish this stream if the server still will, then drop the conn
            if draining then keep = false end
        end
        -- anything else (WINDOW_UPDATE, PRIORITY, unknown types, older streams) is ignored
    end
end

return _M
