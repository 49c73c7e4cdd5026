-- mirrorgate.stream driven through a scripted socket: the long-lived ResolveStream call, frame by
-- frame: what goes out, replies split and interleaved with control frames, flow control both
-- ways, the ways a stream ends, malformed replies and timeouts.
local h2 = require("mirrorgate.h2")
local hpack = require("mirrorgate.hpack")
local metadata = require("mirrorgate.metadata")
local stream = require("mirrorgate.stream")
local frame = h2.frame

local SID = 7
local BLOCK = metadata.header_block("/mirrorgate.v1.Resolver/ResolveStream", "localhost")

-- past the scripted chunks, reads time out (the service is quiet)
local function socket(chunks)
    local s = require("helpers").socket(chunks)
    s.idle = "timeout"
    return s
end

local clock = 0
local function now() return clock end

local function headers(flags, ...)
    local args, parts = { ... }, {}
    for i = 1, #args, 2 do parts[#parts + 1] = hpack.literal(args[i], args[i + 1]) end
    return frame(h2.HEADERS, h2.END_HEADERS + flags, SID, table.concat(parts))
end

local REPLY_HEADERS = headers(0, ":status", "200", "content-type", "application/grpc")

local function message(body) return "\0" .. h2.u32(#body) .. body end
local function data(bytes, flags) return frame(h2.DATA, flags or 0, SID, bytes) end

local function open(chunks, new_conn)
    local sock = socket(chunks)
    return stream.new(sock, SID, new_conn or false, BLOCK), sock
end

local function exchange(st, msg, deadline)
    return stream.exchange(st, msg or "batch", deadline or 100, now)
end

-- the frames in a write: { type, flags, sid, payload } each (the preface skipped)
local function frames(bytes)
    local out, pos = {}, 1
    if bytes:sub(1, 24) == "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" then pos = #h2.PREFACE + 1 end
    while pos <= #bytes do
        local l1, l2, l3, t, f = bytes:byte(pos, pos + 4)
        local len = l1 * 65536 + l2 * 256 + l3
        out[#out + 1] = { t, f, h2.read_u31(bytes, pos + 5), bytes:sub(pos + 9, pos + 8 + len) }
        pos = pos + 9 + len
    end
    return out
end

before_each(function()
    clock = 0
    stream.RETURN_AT = 1024 * 1024
end)

describe("stream requests", function()
    it("opens with preface, HEADERS and the first message in one write; then DATA alone", function()
        local st, sock = open({ REPLY_HEADERS .. data(message("one")), data(message("two")) }, true)
        assert.equal("one", exchange(st, "first"))
        assert.equal(1, #sock.sent)
        assert.equal(h2.PREFACE, sock.sent[1]:sub(1, #h2.PREFACE))
        assert.same({ { h2.HEADERS, h2.END_HEADERS, SID, BLOCK }, { h2.DATA, 0, SID, message("first") } },
            frames(sock.sent[1]))
        assert.equal("two", exchange(st, "second"))
        assert.same({ { h2.DATA, 0, SID, message("second") } }, frames(sock.sent[2]))
    end)

    it("has no grpc-timeout in its headers: the stream outlives every deadline", function()
        assert.is_nil(BLOCK:find("grpc-timeout", 1, true))
        assert.truthy(metadata.header_block("/x", "localhost", 150):find("grpc-timeout", 1, true))
    end)

    it("splits a message larger than one frame into 16 KiB DATA frames", function()
        local st, sock = open({ REPLY_HEADERS .. data(message("ok")) })
        st.send_conn, st.send_stream = 1e6, 1e6
        local big = string.rep("x", 20000)
        assert.equal("ok", exchange(st, big))
        local f = frames(sock.sent[1])
        assert.equal(3, #f)
        assert.equal(16384, #f[2][4])
        assert.equal(message(big), f[2][4] .. f[3][4])
    end)
end)

describe("stream replies", function()
    it("assembles a reply split over frames and reads, length prefix included", function()
        local m = message("hello world")
        local st = open({ REPLY_HEADERS:sub(1, 5), REPLY_HEADERS:sub(6) .. data(m:sub(1, 3)),
                          data(m:sub(4, 9)) .. data(m:sub(10)):sub(1, 4), data(m:sub(10)):sub(5) })
        assert.equal("hello world", exchange(st))
    end)

    it("acknowledges SETTINGS and PING and ignores other streams' frames while waiting", function()
        local ping = frame(h2.PING, 0, 0, "12345678")
        local st, sock = open({ frame(h2.SETTINGS, 0, 0, "") .. REPLY_HEADERS .. ping
            .. frame(h2.DATA, 0, SID - 2, "old") .. frame(h2.PRIORITY, 0, SID, "xxxxx")
            .. data(message("ok")) })
        assert.equal("ok", exchange(st))
        assert.equal(h2.SETTINGS_ACK, sock.sent[2])
        assert.equal(frame(h2.PING, h2.ACK, 0, "12345678"), sock.sent[3])
    end)

    it("keeps bytes read past a reply (a WINDOW_UPDATE) for the next exchange", function()
        local st = open({ REPLY_HEADERS .. data(message("one"))
            .. frame(h2.WINDOW_UPDATE, 0, 0, h2.u32(1000)) .. data(message("two")) })
        assert.equal("one", exchange(st))
        local before = st.send_conn
        assert.equal("two", exchange(st))
        assert.equal(before + 1000 - #message("batch"), st.send_conn)
    end)
end)

describe("stream flow control", function()
    it("spends the send windows and waits for credit, from SETTINGS and WINDOW_UPDATE", function()
        -- the service lowers the initial stream window to 20 bytes: one 10-byte message fits
        local settings = frame(h2.SETTINGS, 0, 0, "\0\4" .. h2.u32(20))
        local st, sock = open({ settings .. REPLY_HEADERS .. data(message("one")) })
        assert.equal("one", exchange(st, "12345"))  -- 10 bytes sent before the SETTINGS came
        assert.equal(10, st.send_stream) -- 65,535 - 10 sent, then lowered by 65,535 - 20
        -- 11 bytes do not fit: nothing is sent until the stream's WINDOW_UPDATE
        sock.push(frame(h2.WINDOW_UPDATE, 0, SID, h2.u32(100)) .. data(message("two")))
        assert.equal("two", exchange(st, "123456"))
        assert.equal(99, st.send_stream)
        assert.equal(h2.DATA, frames(sock.sent[#sock.sent])[1][1])
    end)

    it("fails with timeout, and retires the connection, when no credit comes", function()
        local st = open({ REPLY_HEADERS .. data(message("one")) })
        assert.equal("one", exchange(st))
        st.send_conn = 3
        local reply, kind, _, keep = exchange(st)
        assert.is_nil(reply)
        assert.equal("timeout", kind)
        assert.is_false(keep)
    end)

    it("gives reply bytes back in the write of the next message, past RETURN_AT", function()
        stream.RETURN_AT = 20
        local st, sock = open({ REPLY_HEADERS .. data(message(string.rep("r", 30))), data(message("x")) })
        exchange(st)
        exchange(st)
        local f = frames(sock.sent[2])
        assert.same({ h2.WINDOW_UPDATE, 0, SID, h2.u32(35) }, f[1])
        assert.same({ h2.WINDOW_UPDATE, 0, 0, h2.u32(35) }, f[2])
        assert.equal(h2.DATA, f[3][1])
        assert.equal(6, st.received) -- the second reply: not yet past RETURN_AT
    end)
end)

describe("stream ends", function()
    it("finishes the reply a covering GOAWAY lets through, then says not to keep the connection", function()
        local goaway = frame(h2.GOAWAY, 0, 0, h2.u32(SID) .. h2.u32(0))
        local st = open({ REPLY_HEADERS .. goaway .. data(message("last")) })
        local reply, _, _, keep = exchange(st)
        assert.equal("last", reply)
        assert.is_false(keep)
    end)

    it("reports goaway (not processed) when the GOAWAY does not cover the stream", function()
        local st = open({ frame(h2.GOAWAY, 0, 0, h2.u32(SID - 2) .. h2.u32(0)) })
        local reply, kind = exchange(st)
        assert.is_nil(reply)
        assert.equal("goaway", kind)
    end)

    it("reports the status of a trailers-only reply (a service without ResolveStream)", function()
        local st = open({ headers(h2.END_STREAM, ":status", "200", "content-type", "application/grpc",
            "grpc-status", "12", "grpc-message", "Method not found") })
        local reply, kind, code, keep, msg = exchange(st)
        assert.is_nil(reply)
        assert.same({ "status", 12, false, "Method not found" }, { kind, code, keep, msg })
    end)

    it("reports closed when the service ends the stream cleanly between replies", function()
        local st = open({ REPLY_HEADERS .. data(message("one")), headers(h2.END_STREAM, "grpc-status", "0") })
        assert.equal("one", exchange(st))
        local reply, kind, _, keep = exchange(st)
        assert.is_nil(reply)
        assert.equal("closed", kind)
        assert.is_false(keep)
    end)

    it("reports refused for RST_STREAM REFUSED_STREAM and reset for other codes", function()
        for code, kind in pairs({ [7] = "refused", [2] = "reset", [8] = "reset" }) do
            local st = open({ frame(h2.RST_STREAM, 0, SID, h2.u32(code)) })
            local reply, got = exchange(st)
            assert.is_nil(reply)
            assert.equal(kind, got)
        end
    end)

    it("reports timeout mid-reply and closed when the connection goes", function()
        local st = open({ REPLY_HEADERS .. data(message("partial")):sub(1, 14) })
        local _, kind, _, keep = exchange(st)
        assert.equal("timeout", kind)
        assert.is_false(keep)
        st = open({ REPLY_HEADERS, { err = "closed" } })
        _, kind = exchange(st)
        assert.equal("closed", kind)
    end)
end)

describe("stream protocol errors", function()
    local cases = {
        ["DATA before the response headers"] = { data(message("x")) },
        ["a compressed reply"] = { REPLY_HEADERS .. data("\1" .. h2.u32(1) .. "x") },
        ["two messages for one request"] = { REPLY_HEADERS .. data(message("a") .. message("b")) },
        ["DATA ending the stream without trailers"] = { REPLY_HEADERS .. data(message("x"), h2.END_STREAM) },
        ["trailers without END_STREAM"] = { REPLY_HEADERS .. headers(0, "grpc-status", "0") },
        ["HTTP status other than 200"] = { headers(0, ":status", "503", "content-type", "application/grpc") },
        ["a non-gRPC content type"] = { headers(0, ":status", "200", "content-type", "text/html") },
        ["a reply declared larger than MAX_REPLY"] = { REPLY_HEADERS .. data("\0" .. h2.u32(3 * 1024 * 1024)) },
        ["trailers without grpc-status"] = { REPLY_HEADERS .. headers(h2.END_STREAM, "x", "y") },
        ["a PUSH_PROMISE"] = { frame(h2.PUSH_PROMISE, h2.END_HEADERS, SID, "\0\0\0\2") },
        ["a malformed SETTINGS"] = { frame(h2.SETTINGS, 0, 0, "\0\4\0") },
        ["a window above 2^31 - 1"] = { frame(h2.SETTINGS, 0, 0, "\0\4\128\0\0\0") },
        ["a malformed WINDOW_UPDATE"] = { frame(h2.WINDOW_UPDATE, 0, SID, "\0\0") },
        ["a frame larger than 16 KiB"] = { "\0\64\1\0\0\0\0\0\7" },
    }
    for name, chunks in pairs(cases) do
        it("rejects " .. name .. " and retires the connection", function()
            local st = open(chunks)
            local reply, kind, _, keep = exchange(st)
            assert.is_nil(reply)
            assert.equal("protocol", kind)
            assert.is_false(keep)
        end)
    end
end)
