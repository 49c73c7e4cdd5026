-- mirrorgate.grpc (with mirrorgate.control, mirrorgate.metadata and mirrorgate.h2 under it)
-- driven through a scripted socket by the unary call (mirrorgate.unary): every frame the peer may
-- send while the client waits for its reply, flow control, timeouts and malformed input.
local h2 = require("mirrorgate.h2")
local hpack = require("mirrorgate.hpack")
local grpc = require("mirrorgate.grpc")
local metadata = require("mirrorgate.metadata")
local unary = require("mirrorgate.unary")
local frame = h2.frame

local SID = 5
local BLOCK = metadata.header_block("/mirrorgate.v1.Resolver/Resolve", "127.0.0.1:7390", 150)

local socket = require("helpers").socket -- past the scripted chunks, reads find "closed"

local clock = 0
local function now() return clock end

local function call(sock, new_conn, deadline)
    return unary.call(sock, SID, new_conn or false, BLOCK, "request", deadline or 100, now)
end

local function headers_block(...)
    local args, parts = { ... }, {}
    for i = 1, #args, 2 do parts[#parts + 1] = hpack.literal(args[i], args[i + 1]) end
    return table.concat(parts)
end

local REPLY_HEADERS = frame(h2.HEADERS, h2.END_HEADERS, SID,
    headers_block(":status", "200", "content-type", "application/grpc"))
local OK_TRAILERS = frame(h2.HEADERS, h2.END_HEADERS + h2.END_STREAM, SID,
    headers_block("grpc-status", "0"))

local function message(body)
    return "\0" .. h2.u32(#body) .. body
end

local function data(body, flags, sid)
    return frame(h2.DATA, flags or 0, sid or SID, message(body))
end

local function ok_reply(body)
    return REPLY_HEADERS .. data(body) .. OK_TRAILERS
end

before_each(function() clock = 0 end)

describe("unary.call request", function()
    it("starts a new connection with the preface, SETTINGS and the window update", function()
        local sock = socket({ ok_reply("x") })
        call(sock, true)
        local sent = sock.sent[1]
        assert.are.equal("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", sent:sub(1, 24))
        assert.are.equal(h2.PREFACE, sent:sub(1, #h2.PREFACE))
        -- SETTINGS: header table 0, push off, 4 MiB stream window
        assert.are.equal(frame(h2.SETTINGS, 0, 0, "\0\1\0\0\0\0\0\2\0\0\0\0\0\4\0\64\0\0"),
            sent:sub(25, 25 + 9 + 18 - 1))
    end)

    it("sends HEADERS then DATA with END_STREAM and a length-prefixed message", function()
        local sock = socket({ ok_reply("x") })
        call(sock, false)
        assert.are.equal(frame(h2.HEADERS, h2.END_HEADERS, SID, BLOCK)
            .. frame(h2.DATA, h2.END_STREAM, SID, "\0\0\0\0\7request"), sock.sent[1])
    end)
end)

describe("unary.call reply", function()
    it("returns the message and keeps the connection", function()
        local reply, kind, _, keep = call(socket({ ok_reply("hello") }))
        assert.are.equal("hello", reply)
        assert.is_nil(kind)
        assert.is_true(keep)
    end)

    it("reassembles a reply that arrives one byte at a time", function()
        local chunks, s = {}, ok_reply("hello")
        for i = 1, #s do chunks[i] = s:sub(i, i) end
        assert.are.equal("hello", (call(socket(chunks))))
    end)

    it("reassembles a message split over DATA frames", function()
        local m = message("hello world")
        local s = REPLY_HEADERS .. frame(h2.DATA, 0, SID, m:sub(1, 7)) .. frame(h2.DATA, 0, SID, m:sub(8))
            .. OK_TRAILERS
        assert.are.equal("hello world", (call(socket({ s }))))
    end)

    it("accepts an empty message (a reply with every field at its default)", function()
        assert.are.equal("", (call(socket({ ok_reply("") }))))
    end)

    it("strips padding from DATA and padding and priority from HEADERS", function()
        local block = headers_block(":status", "200", "content-type", "application/grpc+proto")
        local s = frame(h2.HEADERS, h2.END_HEADERS + h2.PADDED + h2.PRIORITY_FLAG, SID,
                "\3" .. "\0\0\0\1\16" .. block .. "pad")
            .. frame(h2.DATA, h2.PADDED, SID, "\2" .. message("hi") .. "\0\0") .. OK_TRAILERS
        assert.are.equal("hi", (call(socket({ s }))))
    end)

    it("joins a header block continued in CONTINUATION frames", function()
        local block = headers_block(":status", "200", "content-type", "application/grpc")
        local s = frame(h2.HEADERS, 0, SID, block:sub(1, 5)) .. frame(h2.CONTINUATION, 0, SID, block:sub(6, 9))
            .. frame(h2.CONTINUATION, h2.END_HEADERS, SID, block:sub(10)) .. data("ok") .. OK_TRAILERS
        assert.are.equal("ok", (call(socket({ s }))))
    end)

    it("refuses another frame in the middle of a header block", function()
        local block = headers_block(":status", "200", "content-type", "application/grpc")
        local s = frame(h2.HEADERS, 0, SID, block:sub(1, 5)) .. frame(h2.PING, 0, 0, "12345678")
        local reply, kind, detail, keep = call(socket({ s }))
        assert.is_nil(reply)
        assert.are.same({ "protocol", "expected CONTINUATION", false }, { kind, detail, keep })
    end)

    it("skips WINDOW_UPDATE, PRIORITY, unknown frame types and frames of older streams", function()
        local s = frame(h2.WINDOW_UPDATE, 0, 0, h2.u32(1000)) .. frame(h2.PRIORITY, 0, SID, "\0\0\0\0\1")
            .. frame(0xfa, 0, 0, "whatever") .. data("old", h2.END_STREAM, SID - 2)
            .. frame(h2.RST_STREAM, 0, SID - 2, h2.u32(8)) .. ok_reply("new")
        assert.are.equal("new", (call(socket({ s }))))
    end)
end)

describe("unary.call connection frames", function()
    it("acknowledges the server's SETTINGS at once and ignores its ACK", function()
        local settings = frame(h2.SETTINGS, 0, 0, "\0\3\0\0\0\100\0\4\0\1\0\0")
        local sock = socket({ settings .. frame(h2.SETTINGS, h2.ACK, 0, ""), ok_reply("x") })
        assert.are.equal("x", (call(sock)))
        assert.are.equal(2, #sock.sent)
        assert.are.equal(h2.SETTINGS_ACK, sock.sent[2])
    end)

    it("refuses SETTINGS whose length is not a multiple of 6", function()
        local _, kind = call(socket({ frame(h2.SETTINGS, 0, 0, "\0\3\0") }))
        assert.are.equal("protocol", kind)
    end)

    it("answers PING with a PING ACK carrying the same payload, and ignores PING ACKs", function()
        local sock = socket({ frame(h2.PING, 0, 0, "abcdefgh") .. frame(h2.PING, h2.ACK, 0, "zzzzzzzz")
            .. ok_reply("x") })
        assert.are.equal("x", (call(sock)))
        assert.are.same({ frame(h2.PING, h2.ACK, 0, "abcdefgh") }, { sock.sent[2] })
        assert.are.equal(2, #sock.sent)
    end)

    it("finishes a stream the GOAWAY still covers, then drops the connection", function()
        local goaway = frame(h2.GOAWAY, 0, 0, h2.u32(SID) .. h2.u32(0))
        local reply, kind, _, keep = call(socket({ REPLY_HEADERS .. goaway .. data("x") .. OK_TRAILERS }))
        assert.are.same({ "x", nil, false }, { reply, kind, keep })
    end)

    it("reports a stream above GOAWAY's last-stream-id as never processed", function()
        local goaway = frame(h2.GOAWAY, 0, 0, h2.u32(SID - 2) .. h2.u32(0) .. "debug")
        local reply, kind, detail, keep = call(socket({ goaway }))
        assert.are.same({ nil, "goaway", "GOAWAY code 0", false }, { reply, kind, detail, keep })
    end)

    it("reports RST_STREAM REFUSED_STREAM as refused, other codes as reset", function()
        local _, kind, detail, keep = call(socket({ frame(h2.RST_STREAM, 0, SID, h2.u32(7)) }))
        assert.are.same({ "refused", "RST_STREAM 7", true }, { kind, detail, keep })
        _, kind, detail = call(socket({ REPLY_HEADERS .. frame(h2.RST_STREAM, 0, SID, h2.u32(2)) }))
        assert.are.same({ "reset", "RST_STREAM 2" }, { kind, detail })
    end)

    it("refuses PUSH_PROMISE (push is disabled) and oversized frames", function()
        local _, kind = call(socket({ frame(h2.PUSH_PROMISE, h2.END_HEADERS, SID, h2.u32(2) .. "") }))
        assert.are.equal("protocol", kind)
        local big = string.char(0, 0x40, 1, h2.DATA, 0) .. h2.u32(SID)
        local _, kind2, detail = call(socket({ big }))
        assert.are.same({ "protocol", "frame of 16385 bytes exceeds 16384" }, { kind2, detail })
    end)
end)

describe("unary.call flow control", function()
    it("returns the connection window after a large reply", function()
        local body = string.rep("b", 70000) -- above RETURN_CREDIT: five DATA frames
        local m = message(body)
        local s = REPLY_HEADERS
        for i = 1, #m, 16384 do s = s .. frame(h2.DATA, 0, SID, m:sub(i, i + 16383)) end
        s = s .. OK_TRAILERS
        local sock = socket({ s })
        assert.are.equal(body, (call(sock)))
        assert.are.equal(frame(h2.WINDOW_UPDATE, 0, 0, h2.u32(#m)), sock.sent[2])
    end)

    it("keeps the credit of a small reply (the connection is retired before it matters)", function()
        local sock = socket({ ok_reply(string.rep("s", 16000)) })
        call(sock)
        assert.are.equal(1, #sock.sent)
    end)

    it("refuses a reply larger than MAX_REPLY", function()
        local saved = grpc.MAX_REPLY
        grpc.MAX_REPLY = 10
        local _, kind, detail = call(socket({ ok_reply(string.rep("x", 20)) }))
        grpc.MAX_REPLY = saved
        assert.are.same({ "protocol", "reply too large" }, { kind, detail })
    end)
end)

describe("unary.call errors", function()
    it("reports a trailers-only error status and keeps the connection", function()
        local s = frame(h2.HEADERS, h2.END_HEADERS + h2.END_STREAM, SID, headers_block(":status", "200",
            "content-type", "application/grpc", "grpc-status", "13", "grpc-message", "boom"))
        local reply, kind, code, keep, msg = call(socket({ s }))
        assert.are.same({ nil, "status", 13, true, "boom" }, { reply, kind, code, keep, msg })
    end)

    it("reports an error status in trailers after a message", function()
        local s = REPLY_HEADERS .. data("x") .. frame(h2.HEADERS, h2.END_HEADERS + h2.END_STREAM, SID,
            headers_block("grpc-status", "14"))
        local _, kind, code = call(socket({ s }))
        assert.are.same({ "status", 14 }, { kind, code })
    end)

    it("treats a missing grpc-status, a missing message and a wrong length as protocol errors", function()
        local no_status = REPLY_HEADERS .. data("x") .. frame(h2.HEADERS, h2.END_HEADERS + h2.END_STREAM, SID, "")
        local no_message = REPLY_HEADERS .. OK_TRAILERS
        local bad_length = REPLY_HEADERS .. frame(h2.DATA, 0, SID, "\0\0\0\0\9abc") .. OK_TRAILERS
        local compressed = REPLY_HEADERS .. frame(h2.DATA, 0, SID, "\1\0\0\0\3abc") .. OK_TRAILERS
        for name, s in pairs({ ["no grpc-status"] = no_status, ["reply message missing"] = no_message,
                               ["reply length mismatch"] = bad_length, ["compressed reply"] = compressed }) do
            local _, kind, detail = call(socket({ s }))
            assert.are.same({ "protocol", name }, { kind, detail })
        end
    end)

    it("refuses a non-200 HTTP status, a non-gRPC content type, DATA first, and no trailers", function()
        local cases = {
            [frame(h2.HEADERS, h2.END_HEADERS + h2.END_STREAM, SID, headers_block(":status", "415"))]
                = "http status 415",
            [frame(h2.HEADERS, h2.END_HEADERS, SID, headers_block(":status", "200", "content-type", "text/html"))]
                = "content-type text/html",
            [data("x")] = "DATA before HEADERS",
            [REPLY_HEADERS .. data("x", h2.END_STREAM)] = "no trailers",
            [frame(h2.HEADERS, h2.END_HEADERS, SID, "\255")] = "hpack: truncated integer",
        }
        for s, want in pairs(cases) do
            local _, kind, detail, keep = call(socket({ s }))
            assert.are.same({ "protocol", want, false }, { kind, detail, keep })
        end
    end)

    it("reports a read timeout and a closed connection, and drops the connection", function()
        local _, kind, _, keep = call(socket({ REPLY_HEADERS, { err = "timeout" } }))
        assert.are.same({ "timeout", false }, { kind, keep })
        _, kind, _, keep = call(socket({ REPLY_HEADERS }))
        assert.are.same({ "closed", false }, { kind, keep })
    end)

    it("gives each read only the time left until the deadline, and none past it", function()
        local sock = socket({ REPLY_HEADERS, data("x"), OK_TRAILERS })
        local reads = 0
        sock.receiveany = function()
            reads = reads + 1
            clock = clock + 50
            local chunks = { REPLY_HEADERS, data("x"), OK_TRAILERS }
            return chunks[reads]
        end
        local _, kind = call(sock, false, 100)
        assert.are.equal("timeout", kind)
        assert.are.same({ 100, 50 }, sock.timeouts)
        assert.are.equal(2, reads)
    end)
end)
