-- mirrorgate.client: how it connects to each replica form (TCP or Unix socket, with the keepalive
-- pool options), the :authority it sends, and failover across mixed replicas. Sockets are
-- scripted (see ngx_stub); the h2/gRPC exchange itself is grpc_spec's.
local stub = require("ngx_stub")
local h2 = require("mirrorgate.h2")
local hpack = require("mirrorgate.hpack")

local RESOLVE = "/mirrorgate.v1.Resolver/Resolve"

local GRPC_MAGIC = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

-- A socket recording connect/keepalive/close calls, which answers each call with an OK reply
-- carrying `message` (a serialized response) on the stream the call opened. refuse: connect fails
-- ("connection refused"). Set .dead to make its reads fail ("closed"), .goaway to make it answer
-- the next call with GOAWAY (that stream not processed), .quiet to make reads with nothing to read
-- time out instead of finding the connection closed.
local function fake_socket(log, refuse, message)
    local s = { sent = {}, pending = {} }
    function s.settimeouts() end
    function s.settimeout() end
    function s.connect(_, ...)
        log[#log + 1] = { ... }
        if refuse then return nil, "connection refused" end
        return 1
    end
    function s.getreusedtimes() return 0 end
    function s.send(_, data)
        if type(data) == "table" then data = table.concat(data) end
        s.sent[#s.sent + 1] = data
        local pos = data:sub(1, #GRPC_MAGIC) == GRPC_MAGIC and #GRPC_MAGIC + 1 or 1
        while pos + 8 <= #data do
            local l1, l2, l3, ftype = data:byte(pos, pos + 3)
            local sid = h2.read_u31(data, pos + 5)
            if ftype == h2.HEADERS then
                s.pending[#s.pending + 1] = s.goaway
                    and h2.frame(h2.GOAWAY, 0, 0, h2.u32(sid - 2) .. h2.u32(0))
                    or table.concat({
                        h2.frame(h2.HEADERS, h2.END_HEADERS, sid, hpack.literal(":status", "200")
                            .. hpack.literal("content-type", "application/grpc")),
                        h2.frame(h2.DATA, 0, sid, "\0" .. h2.u32(#message) .. message),
                        h2.frame(h2.HEADERS, h2.END_HEADERS + h2.END_STREAM, sid,
                            hpack.literal("grpc-status", "0")),
                    })
            end
            pos = pos + 9 + l1 * 65536 + l2 * 256 + l3
        end
        return #data
    end
    function s.receiveany()
        if s.dead then return nil, "closed" end
        if not s.pending[1] then return nil, s.quiet and "timeout" or "closed" end
        return table.remove(s.pending, 1)
    end
    function s.setkeepalive(_, ...) s.keepalive = { ... } return 1 end
    function s.close() s.closed = true return 1 end
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
            local block = require("mirrorgate.grpc").header_block(RESOLVE, authority, 150)
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

    it("still pools the connection of a call made without a hold", function()
        local client, _, socks = setup_serving({ "127.0.0.1:7390" })
        batch(client, nil)
        assert.same({ 1234, 7 }, socks[1].keepalive)
    end)

    it("replaces a held connection the service closed, once, on the same replica", function()
        local client, log, socks = setup_serving({ "127.0.0.1:7390" })
        local hold = {}
        batch(client, hold)
        socks[1].dead = true
        batch(client, hold)
        assert.equal(2, #log)
        assert.is_true(socks[1].closed)
        assert.equal(socks[2], hold.sock)
        assert.equal(GRPC_MAGIC, socks[2].sent[1]:sub(1, #GRPC_MAGIC))
    end)

    it("replaces a held connection that answers GOAWAY, on the same replica", function()
        local client, log, socks = setup_serving({ "127.0.0.1:7390", "127.0.0.1:7391" })
        local hold = {}
        batch(client, hold)
        socks[1].goaway = true
        batch(client, hold)
        assert.same({ "127.0.0.1", 7390 }, { log[2][1], log[2][2] }) -- not failed over to 7391
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
        socks[1].quiet = true -- reads time out: the service sent nothing
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
        socks[1].pending[1] = h2.frame(h2.GOAWAY, 0, 0, h2.u32(2147483647) .. h2.u32(0)) -- graceful shutdown
        client.release(hold, 2000)
        assert.is_true(socks[1].closed)
        batch(client, hold)
        socks[2].dead = true
        client.release(hold, 2000)
        assert.is_true(socks[2].closed)
    end)
end)
