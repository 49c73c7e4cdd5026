-- mirrorgate.client: how it connects to each replica form (TCP or Unix socket, with the keepalive
-- pool options), the :authority it sends, and failover across mixed replicas. Sockets are
-- scripted (helpers.socket, made through ngx_stub); the h2/gRPC exchange itself is grpc_spec's
-- and stream_spec's.
local stub = require("ngx_stub")
local helpers = require("helpers")
local h2 = require("mirrorgate.h2")
local hpack = require("mirrorgate.hpack")

local RESOLVE = "/mirrorgate.v1.Resolver/Resolve"

local GRPC_MAGIC = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

-- The fake cosocket (helpers.socket) with a scripted service behind it, which answers each call
-- with an OK reply carrying `message` (a serialized response) on the stream the call opened: a
-- unary call (DATA with END_STREAM) with headers, message and trailers, each message on a
-- ResolveStream with the message (after the response headers the first time). Connects are
-- logged in `log`, across sockets; refuse: connect fails ("connection refused"). Set .goaway to
-- make it answer a new stream with GOAWAY (that stream not processed) and a message on an open
-- stream with a GOAWAY that still covers it, then the reply; .no_stream to answer ResolveStream
-- with UNIMPLEMENTED. (.fail = "closed": its reads fail; .idle = "timeout": a quiet service.)
local function fake_socket(log, refuse, message)
    local s = helpers.socket()
    s.refuse, s.streams, s.opened, s.exchanges = refuse, {}, 0, 0
    local connect = s.connect
    function s.connect(self, ...)
        log[#log + 1] = { ... }
        return connect(self, ...)
    end
    local function reply(sid, with_headers, with_trailers)
        return table.concat({
            with_headers and h2.frame(h2.HEADERS, h2.END_HEADERS, sid, hpack.literal(":status", "200")
                .. hpack.literal("content-type", "application/grpc")) or "",
            h2.frame(h2.DATA, 0, sid, "\0" .. h2.u32(#message) .. message),
            with_trailers and h2.frame(h2.HEADERS, h2.END_HEADERS + h2.END_STREAM, sid,
                hpack.literal("grpc-status", "0")) or "",
        })
    end
    function s.on_send(_, data)
        local pos = data:sub(1, #GRPC_MAGIC) == GRPC_MAGIC and #GRPC_MAGIC + 1 or 1
        while pos + 8 <= #data do
            local l1, l2, l3, ftype = data:byte(pos, pos + 3)
            local sid = h2.read_u31(data, pos + 5)
            local len = l1 * 65536 + l2 * 256 + l3
            if ftype == h2.HEADERS then
                local streaming = data:sub(pos + 9, pos + 8 + len):find("ResolveStream", 1, true)
                if s.goaway then
                    s.push(h2.frame(h2.GOAWAY, 0, 0, h2.u32(sid - 2) .. h2.u32(0)))
                    s.streams[sid] = "refused"
                elseif streaming and s.no_stream then
                    s.push(h2.frame(h2.HEADERS, h2.END_HEADERS + h2.END_STREAM, sid,
                        hpack.literal(":status", "200") .. hpack.literal("content-type", "application/grpc")
                        .. hpack.literal("grpc-status", "12")))
                    s.streams[sid] = "refused"
                else
                    s.streams[sid] = streaming and "stream" or "unary"
                    s.opened = s.opened + 1
                end
            elseif ftype == h2.DATA and s.streams[sid] == "unary" then
                s.push(reply(sid, true, true))
            elseif ftype == h2.DATA and s.streams[sid] == "stream" then
                s.exchanges = s.exchanges + 1
                if s.goaway then -- covers this open stream: its reply still comes
                    s.push(h2.frame(h2.GOAWAY, 0, 0, h2.u32(sid) .. h2.u32(0)))
                end
                s.push(reply(sid, s.exchanges == 1, false))
            end
            pos = pos + 9 + len
        end
    end
    return s
end

-- ngx.now() of the specs: a clock they move by hand
local clock = 100

-- Configures the replicas and returns the client, the connect log and the sockets made; the
-- replicas named in `refusing` refuse connections; the sockets answer with `message` (default:
-- an empty ResolveResponse).
local function setup(replicas, refusing, message)
    stub.reset()
    clock = 100
    stub.ngx.now = function() return clock end
    require("mirrorgate.config").init({ replicas = replicas, pool_size = 7, idle_timeout_ms = 1234 })
    local log, socks, n = {}, {}, 0
    stub.new_socket = function()
        n = n + 1
        socks[n] = fake_socket(log, refusing and refusing[n], message or "")
        return socks[n]
    end
    return require("mirrorgate.client"), log, socks
end

describe("client connect", function()
    it("connects to a Unix replica with connect(\"unix:/path\", pool options), no port", function()
        local client, log, socks = setup({ "unix:/run/mirrorgate/grpc.sock" })
        assert.truthy(client.resolve("request"))
        assert.same({ { "unix:/run/mirrorgate/grpc.sock",
                        { pool = "mirrorgate:unix:/run/mirrorgate/grpc.sock:0", pool_size = 7 } } }, log)
        assert.same({ 1234, 7 }, socks[1].keepalive)
    end)

    it("connects to a TCP replica with connect(host, port, pool options)", function()
        local client, log = setup({ "127.0.0.1:7390" })
        assert.truthy(client.resolve("request"))
        assert.same({ { "127.0.0.1", 7390, { pool = "mirrorgate:127.0.0.1:7390:0", pool_size = 7 } } }, log)
    end)

    it("sends :authority localhost over a Unix socket and host:port over TCP", function()
        for replica, authority in pairs({ ["unix:/run/mirrorgate/grpc.sock"] = "localhost",
                                          ["127.0.0.1:7390"] = "127.0.0.1:7390" }) do
            local client, _, socks = setup({ replica })
            assert.truthy(client.resolve("request"))
            local block = require("mirrorgate.metadata").header_block(RESOLVE, authority, 150)
            assert.truthy(socks[1].sent[1]:find(block, 1, true), replica)
        end
    end)

    it("fails over from a refusing Unix replica to TCP and from TCP to a Unix socket, in order", function()
        local client, log = setup({ "unix:/run/a.sock", "[::1]:7390", "unix:/run/b.sock" }, { true, true })
        assert.truthy(client.resolve("request"))
        assert.same({
            { "unix:/run/a.sock", { pool = "mirrorgate:unix:/run/a.sock:0", pool_size = 7 } },
            { "[::1]", 7390, { pool = "mirrorgate:[::1]:7390:0", pool_size = 7 } },
            { "unix:/run/b.sock", { pool = "mirrorgate:unix:/run/b.sock:0", pool_size = 7 } },
        }, log)
    end)

    it("reports connect when every replica refuses, naming the Unix replica in the counters", function()
        local client, _ = setup({ "unix:/run/a.sock" }, { true })
        local res, reason, detail = client.resolve("request")
        assert.is_nil(res)
        assert.equal("connect", reason)
        assert.equal("connection refused", detail)
        assert.equal(1, ngx.shared.mirrorgate:get("m:rpc_error:unix:/run/a.sock:connect"))
    end)
end)

describe("client held connections (batch dispatchers)", function()
    local ONE_EMPTY_RESPONSE = "\10\0" -- a ResolveBatchResponse answering a batch of one

    local function setup_serving(replicas, refusing)
        return setup(replicas, refusing, ONE_EMPTY_RESPONSE)
    end

    local function batch(client, hold)
        local list, reason, detail = client.resolve_batch("(one request; the fake ignores it)", 1, nil, hold)
        assert.is_table(list, tostring(reason) .. ": " .. tostring(detail))
        assert.equal(1, #list)
    end

    it("keeps a dispatcher's connection between its calls, out of the pool", function()
        local client, log, socks = setup_serving({ "127.0.0.1:7390" })
        local hold = {}
        for _ = 1, 3 do batch(client, hold) end
        assert.equal(1, #log)                      -- one connect for three calls
        assert.is_nil(socks[1].keepalive)          -- never handed to the pool
        assert.is_nil(socks[1].closed)
        assert.equal(socks[1], hold.sock)
        assert.equal(GRPC_MAGIC, socks[1].sent[1]:sub(1, #GRPC_MAGIC)) -- the preface once, first
        assert.is_nil(socks[1].sent[2]:find(GRPC_MAGIC, 1, true))
        assert.equal(3, hold.calls)
    end)

    it("replaces a held connection the service closed, once, on the same replica", function()
        local client, log, socks = setup_serving({ "127.0.0.1:7390" })
        local hold = {}
        batch(client, hold)
        socks[1].fail = "closed"
        batch(client, hold)
        assert.equal(2, #log)
        assert.is_true(socks[1].closed)
        assert.equal(socks[2], hold.sock)
        assert.equal(GRPC_MAGIC, socks[2].sent[1]:sub(1, #GRPC_MAGIC))
    end)

    it("retires a held connection after the reply a GOAWAY still covers; the next batch reconnects", function()
        local client, log, socks = setup_serving({ "127.0.0.1:7390", "127.0.0.1:7391" })
        local hold = {}
        batch(client, hold)
        socks[1].goaway = true
        batch(client, hold) -- answered on the old stream
        assert.equal(1, #log)
        assert.is_true(socks[1].closed)
        assert.is_nil(hold.sock)
        batch(client, hold)
        assert.same({ "127.0.0.1", 7390 }, { log[2][1], log[2][2] }) -- not failed over to 7391
        assert.equal(socks[2], hold.sock)
    end)

    it("replaces a held connection that refuses a new stream with GOAWAY, on the same replica", function()
        local client, log, socks = setup_serving({ "127.0.0.1:7390", "127.0.0.1:7391" })
        local hold = {}
        batch(client, hold)
        hold.stream = nil -- as if its stream had ended: the next batch opens a new one
        socks[1].goaway = true
        batch(client, hold)
        assert.same({ "127.0.0.1", 7390 }, { log[2][1], log[2][2] })
        assert.is_true(socks[1].closed)
        assert.equal(socks[2], hold.sock)
    end)

    it("closes a held connection when the call goes to another replica", function()
        -- the first replica refuses once: the call fails over and the second one's connection is
        -- held; the next call goes to the first replica again (its breaker is still closed)
        local client, log, socks = setup_serving({ "127.0.0.1:7390", "127.0.0.1:7391" }, { true })
        local hold = {}
        batch(client, hold)
        assert.equal(socks[2], hold.sock)
        batch(client, hold)
        assert.same({ "127.0.0.1", 7390 }, { log[3][1], log[3][2] })
        assert.is_true(socks[2].closed)
        assert.equal(socks[3], hold.sock)
    end)

    it("release keeps a quiet held connection until idle_ms, and closes any with no idle_ms", function()
        local client, _, socks = setup_serving({ "127.0.0.1:7390" })
        local hold = {}
        batch(client, hold)
        socks[1].idle = "timeout" -- reads time out: the service sent nothing
        clock = clock + 1.9
        client.release(hold, 2000)
        assert.is_nil(socks[1].closed)
        clock = clock + 0.1
        client.release(hold, 2000)
        assert.is_true(socks[1].closed)
        assert.is_nil(hold.sock)
        batch(client, hold)
        client.release(hold)
        assert.is_true(socks[2].closed)
    end)

    it("release closes a held connection the service wrote to or closed between calls", function()
        local client, _, socks = setup_serving({ "127.0.0.1:7390" })
        local hold = {}
        batch(client, hold)
        socks[1].push(h2.frame(h2.GOAWAY, 0, 0, h2.u32(2147483647) .. h2.u32(0))) -- graceful shutdown
        client.release(hold, 2000)
        assert.is_true(socks[1].closed)
        batch(client, hold)
        socks[2].fail = "closed"
        client.release(hold, 2000)
        assert.is_true(socks[2].closed)
    end)
end)

describe("client streams (batch dispatchers)", function()
    local ONE_EMPTY_RESPONSE = "\10\0"

    local function batch(client, hold)
        local list, reason, detail = client.resolve_batch("(one request)", 1, nil, hold)
        assert.is_table(list, tostring(reason) .. ": " .. tostring(detail))
        return list
    end

    -- the request headers of the stream(s) opened on a socket: paths and whether a deadline went
    local function opened(sock)
        local sent = table.concat(sock.sent)
        local paths = {}
        for path in sent:gmatch("/mirrorgate%.v1%.Resolver/(%a+)") do paths[#paths + 1] = path end
        return paths, sent:find("grpc-timeout", 1, true) ~= nil
    end

    it("sends a dispatcher's batches on one ResolveStream, one DATA frame each", function()
        local client, log, socks = setup({ "127.0.0.1:7390" }, nil, ONE_EMPTY_RESPONSE)
        local hold = {}
        for _ = 1, 3 do batch(client, hold) end
        assert.equal(1, #log)
        local paths, deadline = opened(socks[1])
        assert.same({ "ResolveStream" }, paths)
        assert.is_false(deadline) -- the stream outlives any one deadline
        assert.equal(1, socks[1].opened)
        assert.equal(3, socks[1].exchanges)
        assert.equal(h2.DATA, socks[1].sent[3]:byte(4)) -- a later batch: just its DATA frame
        assert.equal(9 + 5 + #"(one request)", #socks[1].sent[3])
        assert.equal(0, socks[1].sent[3]:byte(5))         -- no END_STREAM
        assert.is_table(hold.stream)
    end)

    it("fails the batch of a replica without ResolveStream like any error status, and calls nothing else", function()
        local client, _, socks = setup({ "127.0.0.1:7390" }, nil, ONE_EMPTY_RESPONSE)
        stub.new_socket = (function(factory)
            return function()
                local s = factory()
                s.no_stream = true
                return s
            end
        end)(stub.new_socket)
        local hold = {}
        for i = 1, 2 do
            local list, reason, detail = client.resolve_batch("(one request)", 1, nil, hold)
            assert.is_nil(list)
            assert.equal("status", reason)
            assert.equal("grpc-status 12: ", detail)
            assert.same({ "ResolveStream" }, (opened(socks[i]))) -- no ResolveBatch, no Resolve
            assert.is_true(socks[i].closed)                     -- the stream's state is unknown
            assert.is_nil(hold.sock)
        end
        -- a failure of the replica: counted, and towards its breaker
        assert.equal(2, ngx.shared.mirrorgate:get("m:rpc_error:127.0.0.1:7390:status"))
        assert.equal(2, ngx.shared.mirrorgate:get("bf:127.0.0.1:7390"))
    end)
end)
