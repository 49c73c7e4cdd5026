-- mirrorgate.link: checks a Link header value the service rendered (ResolveResponse.link) before
-- the hook sends it.
--
-- Synopsis
--
--     local link = require("mirrorgate.link")
--     if link.safe(res.link, ngx.var.scheme == "https") then ngx.header["Link"] = res.link end
--
-- syntax: ok = link.safe(value, https)
-- syntax: ok = link.safe_digest(value)   -- ResolveResponse.digest, for the Digest header
-- syntax: ok = link.safe_host(host)      -- the request's Host, for the describedby URL
--
-- Safe means: no control byte (NUL, CR, LF, anything below 0x20, DEL), which could end or split
-- the header; and every URL in it (whatever follows a '<') starts with "https://" for an https
-- request, with "http://" or "https://" otherwise, so an https download is never pointed at a
-- plain-http alternate. The service percent-encodes its URLs, so a value failing this is a bug or
-- a tampered reply, never a file name.
--
-- A byte loop rather than a pattern: LuaJIT compiles it (a Lua character class is not compiled and
-- costs microseconds per call), and it needs nothing from nginx, so the specs run it as it is.

local byte = string.byte
local sub = string.sub

local _M = { _VERSION = "0.1.0" }

local LT, COLON, SLASH, S = 60, 58, 47, 115
local H, T, P = 104, 116, 112

function _M.safe(value, https)
    for i = 1, #value do
        local b = byte(value, i)
        if b < 32 or b == 127 then return false end
        if b == LT then
            local c1, c2, c3, c4, c5, c6, c7, c8 = byte(value, i + 1, i + 8)
            if c1 ~= H or c2 ~= T or c3 ~= T or c4 ~= P then return false end
            if c5 == S then
                if c6 ~= COLON or c7 ~= SLASH or c8 ~= SLASH then return false end
            elseif https or c5 ~= COLON or c6 ~= SLASH or c7 ~= SLASH then
                return false
            end
        end
    end
    return true
end

-- The RFC 3230 value the service renders for a SHA-256: "sha-256=" and the 44 base64 characters
-- of 32 bytes, nothing else (so no byte that could split the header, and a bounded length).
local DIGEST_PREFIX, DIGEST_LEN = "sha-256=", 52
local B64 = {}
for c in ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="):gmatch(".") do
    B64[byte(c)] = true
end

function _M.safe_digest(value)
    if #value ~= DIGEST_LEN or sub(value, 1, 8) ~= DIGEST_PREFIX then return false end
    for i = 9, DIGEST_LEN do
        if not B64[byte(value, i)] then return false end
    end
    return true
end

-- A host (and port) fit to stand in a URL we send: letters, digits, '.', '-', '_', ':' and the
-- brackets of an IPv6 literal, 1 to 255 bytes. nginx has validated the Host header already; this
-- also keeps out '@', '/', '?', '#', which would make the URL name another host or path.
local HOST = {}
for c in ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_:[]"):gmatch(".") do
    HOST[byte(c)] = true
end

function _M.safe_host(host)
    local n = #host
    if n == 0 or n > 255 then return false end
    for i = 1, n do
        if not HOST[byte(host, i)] then return false end
    end
    return true
end

return _M
