-- Shared helpers for the busted specs: hex conversion, the fake cosocket, and reading the
-- Java-written vectors.
local json = require("dkjson")

local _M = {}

function _M.unhex(h)
    return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
end

function _M.hex(s)
    return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

-- A stand-in for an ngx.socket.tcp cosocket, the one all specs use. Reads (receiveany) return
-- the queued chunks in order: a string is data, { err = "..." } an error; with nothing queued,
-- s.idle ("closed" by default; "timeout" for a peer that is quiet); with s.fail set every read
-- fails with it. Writes are recorded in s.sent (a table of pieces joined, as the cosocket does)
-- and passed to s.on_send(s, data) if set: a scripted peer answering with s.push(chunk). connect,
-- setkeepalive and close are recorded; read timeouts are recorded in s.timeouts.
function _M.socket(chunks)
    local s = { queue = chunks or {}, sent = {}, timeouts = {}, reads = 0, idle = "closed",
                connects = {}, reused = 0 }
    function s.push(c) s.queue[#s.queue + 1] = c end
    function s.send(_, data)
        if type(data) == "table" then data = table.concat(data) end
        s.sent[#s.sent + 1] = data
        if s.on_send then s.on_send(s, data) end
        return #data
    end
    function s.receiveany()
        s.reads = s.reads + 1
        if s.fail then return nil, s.fail end
        local c = table.remove(s.queue, 1)
        if c == nil then return nil, s.idle end
        if type(c) == "table" then return nil, c.err end
        return c
    end
    function s.settimeout(_, ms) s.timeouts[#s.timeouts + 1] = ms end
    function s.settimeouts() end
    function s.connect(_, ...)
        s.connects[#s.connects + 1] = { ... }
        if s.refuse then return nil, "connection refused" end
        return 1
    end
    function s.getreusedtimes() return s.reused end
    function s.setkeepalive(_, ...) s.keepalive = { ... } return 1 end
    function s.close() s.closed = true return 1 end
    return s
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
