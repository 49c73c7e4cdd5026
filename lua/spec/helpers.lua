-- Shared helpers for the busted specs: hex conversion and reading the Java-written vectors.
local json = require("dkjson")

local _M = {}

function _M.unhex(h)
    return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
end

function _M.hex(s)
    return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

-- The vectors LuaVectorsTest (Java) writes: protobuf, HPACK and Huffman bytes with what
-- protobuf-java / Netty make of them.
function _M.vectors(kind)
    local out = {}
    for line in io.lines("../src/test/resources/nginx/lua-vectors.jsonl") do
        local v = assert(json.decode(line))
        if v.kind == kind then out[#out + 1] = v end
    end
    assert(#out > 0, "no vectors of kind " .. kind)
    return out
end

return _M
