-- mirrorgate.client: how it connects to each replica form (TCP or Unix socket, with the keepalive
-- pool options), the :authority it sends, and failover across mixed replicas. Sockets are
-- scripted (see ngx_stub); the h2/gRPC exchange itself is grpc_spec's.
local stub = require("ngx_stub")
local h2 = require("mirrorgate.h2")
local hpack = require("mirrorgate.hpack")

local RESOLVE = "/mirrorgate.v1.Resolver/Resolve"

-- A socket recording connect/keepalive calls. refuse: connect fails ("connection refused");
-- otherwise reads return an OK reply with an empty ResolveResponse on stream 1.
local function scripted(log, refuse)
    local s = { sent = {} }
    local reply = table.concat({
        h2.frame(h2.HEADERS, h2.END_HEADERS, 1,
            hpack.literal(":status", "200") .. hpack.literal("content-type", "application/grpc")),
        h2.frame(h2.DATA, 0, 1, "\0" .. h2.u32(0)),
        h2.frame(h2.HEADERS, h2.END_HEADERS + h2.END_STREAM, 1, hpack.literal("grpc-status", "0")),
    })
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
        return #data
    end
    function s.receiveany()
        local r = reply
        reply = nil
        if not r then return nil, "closed" end
        return r
    end
    function s.setkeepalive(_, ...) s.keepalive = { ... } return 1 end
    function s.close() s.closed = true return 1 end
    return s
end

-- Configures the replicas and returns the client, the connect log and the sockets made; the
-- replicas named in `refusing` refuse connections.
local function setup(replicas, refusing)
    stub.reset()
    require("mirrorgate.config").init({ replicas = replicas, pool_size = 7, idle_timeout_ms = 1234 })
    local log, socks, n = {}, {}, 0
    stub.new_socket = function()
        n = n + 1
        socks[n] = scripted(log, refusing and refusing[n])
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
