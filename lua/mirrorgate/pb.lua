-- mirrorgate.pb: protobuf wire codec for mirrorgate.v1 ResolveRequest, ResolveResponse and their
-- batch forms (ResolveBatchRequest, ResolveBatchResponse).
--
-- Synopsis
--
--     local pb = require("mirrorgate.pb")
--     local bytes = pb.encode_request("/debian/pool/x.deb", "192.0.2.1", pb.HTTPS, "GET", "", true)
--     local res, err = pb.decode_response(reply)
--     -- res.action (pb.REDIRECT ...), res.url, res.link, res.digest, res.metalink, res.content,
--     -- res.content_type, res.mirror, res.reason, res.http_status, res.file_size; on malformed
--     -- input res == nil and err says why
--
-- syntax: bytes = pb.encode_request(path, client_ip, scheme, method, query, link_header, accept?)
-- syntax: res, err = pb.decode_response(bytes)
-- syntax: bytes = pb.encode_batch(encoded_requests, n)   -- ResolveBatchRequest
-- syntax: list, err = pb.decode_batch(bytes)               -- ResolveBatchResponse.responses
-- syntax: bytes = pb.varint(n)
--
-- Hand-written rather than generated: the two messages are small and fixed, there is no protoc
-- plugin for Lua in Debian, and the access hook must not allocate more than it needs. Encoding
-- follows protobuf-java exactly (fields in number order, proto3 defaults omitted), so the bytes
-- match the Java classes byte for byte; the test vectors written by the Java side check that.
-- Decoding skips unknown fields of every wire type, as protobuf-java does, so the service may add
-- fields; a known field number with an unexpected wire type is skipped too, like protobuf-java.
-- Anything truncated is rejected. The structured `alternates` (field 3, for other clients) are
-- skipped like an unknown field: the hook asks for them rendered, as `link`.

local byte = string.byte
local char = string.char
local sub = string.sub
local concat = table.concat
local floor = math.floor

local _M = {
    _VERSION = "0.1.0",
    -- enum mirrorgate.v1.Scheme
    HTTP = 1, HTTPS = 2,
    -- enum mirrorgate.v1.Action
    REDIRECT = 1, SERVE_LOCAL = 2, NOT_FOUND = 3, CONTENT = 4,
}

local function varint(n)
    if n < 128 then return char(n) end
    local out, i = {}, 0
    while n >= 128 do
        i = i + 1
        out[i] = char(n % 128 + 128)
        n = floor(n / 128)
    end
    out[i + 1] = char(n)
    return concat(out)
end
_M.varint = varint

-- A length-delimited field (tag already encoded), or "" for an empty string as proto3 does.
local function len_field(tag, s)
    if s == nil or s == "" then return "" end
    return tag .. varint(#s) .. s
end

-- One concatenation rather than a buffer table and table.concat: LuaJIT compiles it into one
-- string build, ~30 ns instead of ~250 ns per request (measured in nginx). The hook's usual
-- request (path, address, method set, no query) is one expression with no intermediate string;
-- any other goes field by field.
function _M.encode_request(path, client_ip, scheme, method, query, link_header, accept)
    if query == "" and (accept == nil or accept == "") and (scheme == 1 or scheme == 2)
            and path and path ~= "" and client_ip and client_ip ~= "" and method and method ~= "" then
        return "\10" .. varint(#path) .. path .. "\18" .. varint(#client_ip) .. client_ip
            .. "\24" .. char(scheme) .. "\34" .. varint(#method) .. method
            .. (link_header and "\48\1" or "")
    end
    return len_field("\10", path)                                        -- 1: path
        .. len_field("\18", client_ip)                                   -- 2: client_ip
        .. ((scheme and scheme ~= 0) and "\24" .. varint(scheme) or "")   -- 3: scheme (varint)
        .. len_field("\34", method)                                      -- 4: method
        .. len_field("\42", query)                                       -- 5: query
        .. (link_header and "\48\1" or "")                               -- 6: link_header if true
        .. len_field("\58", accept)                                     -- 7: accept
end

-- Reads a varint at pos; returns value, next pos or nil, err. Values above 2^53 lose precision
-- (only file_size could be that large); a negative int64 comes out as a huge positive number.
local function read_varint(s, pos, last)
    local first = byte(s, pos)
    if first and first < 128 and pos <= last then return first, pos + 1 end -- tags, short lengths
    local v, m = 0, 1
    for i = pos, pos + 9 do
        if i > last then return nil, "pb: truncated varint" end
        local b = byte(s, i)
        v = v + (b % 128) * m
        if b < 128 then return v, i + 1 end
        m = m * 128
    end
    return nil, "pb: varint longer than 10 bytes"
end

-- Reads the length of a length-delimited field whose tag ended before pos; returns the first
-- and last byte of its value and the next pos, or nil, err.
local function read_len(s, pos, last)
    local len, p = read_varint(s, pos, last)
    if not len then return nil, p end
    local e = p + len - 1
    if e > last then return nil, "pb: truncated length-delimited field" end
    return p, e, e + 1
end

-- Groups nest at most this deep, as protobuf-java's default recursion limit: deeper input is
-- refused rather than walked (a recursive walk of 100,000 start-group bytes overflowed the Lua
-- stack, a Lua error escaping the hook; decoders_property_spec).
local MAX_GROUP_DEPTH = 100

-- Skips one field of wire type wt whose tag ended before pos; returns the next pos or nil, err.
-- A group (wt 3) is walked iteratively with a stack of the open groups' field numbers.
local function skip(s, pos, last, wt, field)
    local open, depth = nil, 0
    while true do
        if wt == 0 then
            local v, p = read_varint(s, pos, last)
            if not v then return nil, p end
            pos = p
        elseif wt == 1 or wt == 5 then
            pos = pos + (wt == 1 and 8 or 4)
            if pos - 1 > last then return nil, "pb: truncated fixed field" end
        elseif wt == 2 then
            local first, e, p = read_len(s, pos, last)
            if not first then return nil, e end
            pos = p
        elseif wt == 3 then
            if depth == MAX_GROUP_DEPTH then return nil, "pb: groups nested too deep" end
            open = open or {}
            depth = depth + 1
            open[depth] = field
        elseif wt == 4 and depth > 0 then
            if field ~= open[depth] then return nil, "pb: mismatched end group" end
            depth = depth - 1
        else
            return nil, "pb: bad wire type " .. wt
        end
        if depth == 0 then return pos end
        -- inside a group: the next field's tag
        local tag, p = read_varint(s, pos, last)
        if not tag then return nil, p end
        wt, field, pos = tag % 8, floor(tag / 8), p
    end
end

-- The decoders below are plain loops over tags, one per message, rather than one generic field
-- walker with callbacks: LuaJIT aborts traces on callback recursion and ran such code
-- interpreted. Unknown fields of any wire type go to skip().

-- ResolveResponse: 1 action, 2 url, 4 content, 5 content_type, 6 mirror, 7 reason,
-- 8 http_status, 9 file_size, 10 link, 11 digest, 12 metalink (3, alternates, is not read). A
-- known number with another wire type is skipped, as in Java.
local STRING_TAGS = { [18] = "url", [34] = "content", [42] = "content_type", [50] = "mirror",
                      [58] = "reason", [82] = "link", [90] = "digest", [98] = "metalink" }
local VARINT_TAGS = { [8] = "action", [64] = "http_status", [72] = "file_size" }

local function decode_response(s, pos, last)
    pos, last = pos or 1, last or #s
    local res = { action = 0, url = "", content = "", content_type = "",
                  mirror = "", reason = "", http_status = 0, file_size = 0, link = "",
                  digest = "", metalink = "" }
    while pos <= last do
        local tag, p = read_varint(s, pos, last)
        if not tag then return nil, p end
        if tag < 8 then return nil, "pb: field number 0" end
        local wt, err = tag % 8
        if wt == 2 then
            local first, e
            first, e, pos = read_len(s, p, last)
            if not first then return nil, e end
            local key = STRING_TAGS[tag]
            if key then res[key] = sub(s, first, e) end
        elseif wt == 0 then
            local v
            v, pos = read_varint(s, p, last)
            if not v then return nil, pos end
            local key = VARINT_TAGS[tag]
            if key then res[key] = v end
        else
            pos, err = skip(s, p, last, wt, floor(tag / 8))
            if not pos then return nil, err end
        end
    end
    return res
end
_M.decode_response = decode_response

-- ResolveBatchRequest: field 1, each request already encoded by encode_request.
-- Every entry is written, an empty request too: it is still one element of the repeated field.
function _M.encode_batch(requests, n)
    local buf = {}
    for i = 1, n do
        local r = requests[i]
        buf[i] = "\10" .. varint(#r) .. r
    end
    return concat(buf, "", 1, n)
end

-- ResolveBatchResponse: the responses (field 1) in order, or nil, err if any is malformed.
function _M.decode_batch(s)
    local list, n, pos, last = {}, 0, 1, #s
    while pos <= last do
        local tag, p = read_varint(s, pos, last)
        if not tag then return nil, p end
        if tag < 8 then return nil, "pb: field number 0" end
        local wt, err = tag % 8
        if wt == 2 then
            local first, e
            first, e, pos = read_len(s, p, last)
            if not first then return nil, e end
            if tag == 10 then
                local res
                res, err = decode_response(s, first, e)
                if not res then return nil, err end
                n = n + 1
                list[n] = res
            end
        else
            pos, err = skip(s, p, last, wt, floor(tag / 8))
            if not pos then return nil, err end
        end
    end
    return list
end

return _M
