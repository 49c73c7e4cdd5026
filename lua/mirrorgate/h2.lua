-- mirrorgate.h2: HTTP/2 framing (RFC 9113) for a client that speaks h2c with prior knowledge.
--
-- Synopsis
--
--     local h2 = require("mirrorgate.h2")
--     sock:send(h2.PREFACE .. h2.frame(h2.HEADERS, h2.END_HEADERS, 1, block))
--     local r = h2.reader(sock, deadline_ms, now_ms)
--     local ftype, flags, sid, payload = h2.read_frame(r)   -- or nil, "timeout" / "closed" / err
--
-- syntax: bytes = h2.frame(type, flags, stream_id, payload)
-- syntax: bytes = h2.u32(n)
-- syntax: reader = h2.reader(sock, deadline_ms, now_ms)
-- syntax: type, flags, stream_id, payload = h2.read_frame(reader)
--
-- `sock` is anything with ngx.socket.tcp's settimeout/receiveany methods, which is what lets the
-- busted specs drive the protocol code with scripted bytes. `now_ms` is a function returning the
-- current time in milliseconds; each read gets the time left until `deadline_ms`, so a call
-- cannot outlive its budget however many frames the peer sends.
--
-- PREFACE is sent at the start of each new connection: the client preface, our SETTINGS
-- (header table 0, no push, a 4 MiB stream window so a 1 MiB CONTENT body never waits for
-- WINDOW_UPDATE) and a connection WINDOW_UPDATE to the maximum, 2^31 - 1. Connections are pooled
-- without per-connection state, so flow control is kept simple: the client returns credit only
-- after large replies (see mirrorgate.unary) and retires a connection long before the window could
-- run out.

local byte = string.byte
local char = string.char
local sub = string.sub
local floor = math.floor

local _M = {
    _VERSION = "0.1.0",
    DATA = 0, HEADERS = 1, PRIORITY = 2, RST_STREAM = 3, SETTINGS = 4, PUSH_PROMISE = 5,
    PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8, CONTINUATION = 9,
    -- flags
    END_STREAM = 1, ACK = 1, END_HEADERS = 4, PADDED = 8, PRIORITY_FLAG = 32,
    -- the largest frame payload we accept: we never raise SETTINGS_MAX_FRAME_SIZE
    MAX_FRAME = 16384,
    STREAM_WINDOW = 4 * 1024 * 1024,
    MAX_WINDOW = 2 ^ 31 - 1,
    DEFAULT_WINDOW = 65535, -- RFC 9113 6.9.2: both windows until the peer says otherwise
}

local function u32(n)
    return char(floor(n / 16777216) % 256, floor(n / 65536) % 256, floor(n / 256) % 256, n % 256)
end
_M.u32 = u32

local function frame(ftype, flags, sid, payload)
    local len = #payload
    return char(floor(len / 65536), floor(len / 256) % 256, len % 256, ftype, flags)
        .. u32(sid) .. payload
end
_M.frame = frame

local function setting(id, value)
    return char(0, id) .. u32(value)
end

_M.PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    .. frame(_M.SETTINGS, 0, 0, setting(1, 0)            -- HEADER_TABLE_SIZE: no dynamic table
                              .. setting(2, 0)            -- ENABLE_PUSH: off
                              .. setting(4, _M.STREAM_WINDOW)) -- INITIAL_WINDOW_SIZE
    .. frame(_M.WINDOW_UPDATE, 0, 0, u32(_M.MAX_WINDOW - 65535))

_M.SETTINGS_ACK = frame(_M.SETTINGS, _M.ACK, 0, "")

-- Reads a big-endian 31-bit stream id (or any u32 with the top bit dropped) at pos.
function _M.read_u31(s, pos)
    local a, b, c, d = byte(s, pos, pos + 3)
    return (a % 128) * 16777216 + b * 65536 + c * 256 + d
end

function _M.read_u32(s, pos)
    local a, b, c, d = byte(s, pos, pos + 3)
    return a * 16777216 + b * 65536 + c * 256 + d
end

function _M.reader(sock, deadline, now)
    return { sock = sock, buf = "", pos = 1, deadline = deadline, now = now }
end

-- Makes sure n unread bytes are buffered; returns true or nil, err.
local function fill(r, n)
    local avail = #r.buf - r.pos + 1
    while avail < n do
        local left = r.deadline - r.now()
        if left <= 0 then return nil, "timeout" end
        r.sock:settimeout(left)
        local data, err = r.sock:receiveany(65536)
        if not data then return nil, err end
        -- keep only the unread tail; replies are a few hundred bytes, so copies are cheap
        r.buf = sub(r.buf, r.pos) .. data
        r.pos = 1
        avail = #r.buf
    end
    return true
end

function _M.read_frame(r)
    local ok, err = fill(r, 9)
    if not ok then return nil, err end
    local buf, pos = r.buf, r.pos
    local l1, l2, l3, ftype, flags = byte(buf, pos, pos + 4)
    local len = l1 * 65536 + l2 * 256 + l3
    if len > _M.MAX_FRAME then return nil, "frame of " .. len .. " bytes exceeds 16384" end
    local sid = _M.read_u31(buf, pos + 5)
    ok, err = fill(r, 9 + len)
    if not ok then return nil, err end
    buf, pos = r.buf, r.pos
    r.pos = pos + 9 + len
    return ftype, flags, sid, sub(buf, pos + 9, pos + 8 + len)
end

-- Removes padding (PADDED flag) and, for HEADERS, the priority fields; returns the fragment
-- or nil, err.
function _M.unpad(ftype, flags, payload)
    local first, last = 1, #payload
    if flags % 16 >= 8 then -- PADDED
        local pad = byte(payload, 1)
        if not pad or pad >= #payload then return nil, "bad padding" end
        first, last = 2, last - pad
    end
    if ftype == _M.HEADERS and flags % 64 >= 32 then -- PRIORITY: stream dependency + weight
        first = first + 5
    end
    if first > last + 1 then return nil, "frame too short" end
    return sub(payload, first, last)
end

return _M
