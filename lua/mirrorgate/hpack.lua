-- mirrorgate.hpack: the part of HPACK (RFC 7541) a gRPC client with no dynamic table needs.
--
-- Synopsis
--
--     local hpack = require("mirrorgate.hpack")
--     -- encoding: literal fields, never indexed by the peer's decoder state we cannot see
--     local block = hpack.indexed(3)                          -- :method POST
--         .. hpack.literal(4, "/mirrorgate.v1.Resolver/Resolve")  -- :path (static name 4)
--         .. hpack.literal("te", "trailers")                   -- new name
--     -- decoding a block received from the peer
--     local headers, err = hpack.decode(block)   -- { [":status"] = "200", ... } or nil, err
--
-- syntax: bytes = hpack.integer(value, prefix_bits, first_byte_flags)
-- syntax: bytes = hpack.indexed(static_index)
-- syntax: bytes = hpack.literal(name_or_static_index, value)
-- syntax: headers, err = hpack.decode(block)
--
-- Why no dynamic table: the client advertises SETTINGS_HEADER_TABLE_SIZE = 0, so the peer may
-- not reference dynamic entries, and the decoder keeps no state between header blocks. Blocks
-- from pooled connections can then be decoded without any per-connection memory. A reference to
-- a dynamic entry is reported as an error (the call fails open) rather than guessed.
--
-- Repeated header names keep the last value; gRPC replies never repeat the fields we read.

local byte = string.byte
local char = string.char
local sub = string.sub
local floor = math.floor
local huffman = require("mirrorgate.huffman")

local _M = { _VERSION = "0.1.0" }

-- RFC 7541 Appendix A: index -> { name, value }.
local STATIC = {
    { ":authority", "" }, { ":method", "GET" }, { ":method", "POST" }, { ":path", "/" },
    { ":path", "/index.html" }, { ":scheme", "http" }, { ":scheme", "https" }, { ":status", "200" },
    { ":status", "204" }, { ":status", "206" }, { ":status", "304" }, { ":status", "400" },
    { ":status", "404" }, { ":status", "500" }, { "accept-charset", "" },
    { "accept-encoding", "gzip, deflate" }, { "accept-language", "" }, { "accept-ranges", "" },
    { "accept", "" }, { "access-control-allow-origin", "" }, { "age", "" }, { "allow", "" },
    { "authorization", "" }, { "cache-control", "" }, { "content-disposition", "" },
    { "content-encoding", "" }, { "content-language", "" }, { "content-length", "" },
    { "content-location", "" }, { "content-range", "" }, { "content-type", "" }, { "cookie", "" },
    { "date", "" }, { "etag", "" }, { "expect", "" }, { "expires", "" }, { "from", "" },
    { "host", "" }, { "if-match", "" }, { "if-modified-since", "" }, { "if-none-match", "" },
    { "if-range", "" }, { "if-unmodified-since", "" }, { "last-modified", "" }, { "link", "" },
    { "location", "" }, { "max-forwards", "" }, { "proxy-authenticate", "" },
    { "proxy-authorization", "" }, { "range", "" }, { "referer", "" }, { "refresh", "" },
    { "retry-after", "" }, { "server", "" }, { "set-cookie", "" }, { "strict-transport-security", "" },
    { "transfer-encoding", "" }, { "user-agent", "" }, { "vary", "" }, { "via", "" },
    { "www-authenticate", "" },
}
_M.STATIC = STATIC

-- Huffman-decoded strings seen before, per worker. gRPC replies repeat the same few strings
-- ("content-type", "application/grpc", "grpc-status", "0"), so this skips nearly all decoding.
-- Bounded: only short strings, and the memo is dropped when it grows past MEMO_MAX entries.
local MEMO_MAX, MEMO_LEN = 256, 64
local memo, memo_size = {}, 0

local function huff(raw)
    local s = memo[raw]
    if s then return s end
    local err
    s, err = huffman.decode(raw)
    if not s then return nil, err end
    if #raw <= MEMO_LEN then
        if memo_size >= MEMO_MAX then memo, memo_size = {}, 0 end
        memo[raw] = s
        memo_size = memo_size + 1
    end
    return s
end

-- Returns value, next position; nil, err when the block ends early or the value is absurd.
local function read_int(s, pos, prefix_bits)
    local max = 2 ^ prefix_bits - 1
    local v = byte(s, pos) % (max + 1)
    pos = pos + 1
    if v < max then return v, pos end
    local m = 1
    while true do
        local b = byte(s, pos)
        if not b then return nil, "hpack: truncated integer" end
        pos = pos + 1
        v = v + (b % 128) * m
        if b < 128 then return v, pos end
        m = m * 128
        if m > 2 ^ 28 then return nil, "hpack: integer too large" end
    end
end

local function read_string(s, pos)
    local first = byte(s, pos)
    if not first then return nil, "hpack: truncated string" end
    local len, p = read_int(s, pos, 7)
    if not len then return nil, p end
    local last = p + len - 1
    if last > #s then return nil, "hpack: truncated string" end
    local raw = sub(s, p, last)
    if first >= 128 then
        local v, err = huff(raw)
        if not v then return nil, err end
        return v, last + 1
    end
    return raw, last + 1
end

function _M.decode(s)
    local headers = {}
    local pos, len = 1, #s
    while pos <= len do
        local b = byte(s, pos)
        local name, value, idx
        if b >= 128 then -- indexed field
            idx, pos = read_int(s, pos, 7)
            local entry = idx and STATIC[idx]
            if not entry then return nil, idx and "hpack: bad index " .. idx or pos end
            name, value = entry[1], entry[2]
        elseif b >= 32 and b < 64 then -- dynamic table size update: nothing is ever stored
            idx, pos = read_int(s, pos, 5)
            if not idx then return nil, pos end
        else -- literal: with incremental indexing (01), without (0000), never indexed (0001)
            idx, pos = read_int(s, pos, b >= 64 and 6 or 4)
            if not idx then return nil, pos end
            if idx == 0 then
                name, pos = read_string(s, pos)
                if not name then return nil, pos end
            else
                local entry = STATIC[idx]
                if not entry then return nil, "hpack: bad index " .. idx end
                name = entry[1]
            end
            value, pos = read_string(s, pos)
            if not value then return nil, pos end
        end
        if name then headers[name] = value end
    end
    return headers
end

function _M.integer(v, prefix_bits, flags)
    local max = 2 ^ prefix_bits - 1
    if v < max then return char(flags + v) end
    local out = { char(flags + max) }
    v = v - max
    while v >= 128 do
        out[#out + 1] = char(v % 128 + 128)
        v = floor(v / 128)
    end
    out[#out + 1] = char(v)
    return table.concat(out)
end

function _M.indexed(idx)
    return _M.integer(idx, 7, 128)
end

-- Literal without indexing (0000 prefix): the peer adds nothing to its dynamic table, so our
-- encoder needs no state either. Strings are sent raw (H = 0): they are short and built once.
function _M.literal(name, value)
    local head
    if type(name) == "number" then
        head = _M.integer(name, 4, 0)
    else
        head = "\0" .. _M.integer(#name, 7, 0) .. name
    end
    return head .. _M.integer(#value, 7, 0) .. value
end

return _M
