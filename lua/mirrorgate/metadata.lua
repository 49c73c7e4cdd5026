-- mirrorgate.metadata: a gRPC call's header blocks: the request's, built once, and the reply's,
-- read off the connection and judged by the gRPC-over-HTTP/2 rules (the reply headers, then the
-- trailers with the call's status).
--
-- Synopsis
--
--     local metadata = require("mirrorgate.metadata")
--     local block = metadata.header_block("/mirrorgate.v1.Resolver/Resolve", "127.0.0.1:7390", 150)
--     local headers, kind, detail = metadata.read_block(reader, stream_id, flags, payload)
--     local kind, detail = metadata.check_reply(headers)         -- nil: a gRPC reply
--     local kind, detail, message = metadata.call_end(trailers)  -- "end": grpc-status 0
--
-- syntax: block = metadata.header_block(path, authority, timeout_ms?)  -- no timeout: no grpc-timeout
-- syntax: headers, kind, detail = metadata.read_block(reader, stream_id, flags, payload)
-- syntax: kind, detail = metadata.check_reply(headers)
-- syntax: kind, detail, message = metadata.call_end(trailers)
--
-- The request header block is constant: client request headers never reach the service (no
-- cookie, no grpc-timeout of the client's choosing), and no per-request encoding is done.
-- read_block takes a HEADERS frame already read (mirrorgate.h2) and reads the CONTINUATION
-- frames that must follow it; kinds are "timeout", "closed" (the read failed) and "protocol".
-- A reply starts with HTTP 200 and a gRPC content type; its final headers (trailers, or a
-- trailers-only reply) carry grpc-status: "status" with the number (detail) and grpc-message
-- for anything but 0, "protocol" without one.

local h2 = require("mirrorgate.h2")
local hpack = require("mirrorgate.hpack")

local sub = string.sub
local concat = table.concat
local read_frame = h2.read_frame
local HEADERS, CONTINUATION = h2.HEADERS, h2.CONTINUATION

local _M = { _VERSION = "0.1.0" }

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
function _M.read_block(r, sid, flags, payload)
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
function _M.check_reply(headers)
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
function _M.call_end(trailers)
    local status = trailers["grpc-status"]
    if status == "0" then return "end" end
    if not status then return "protocol", "no grpc-status" end
    return "status", tonumber(status) or status, trailers["grpc-message"] or ""
end

return _M
