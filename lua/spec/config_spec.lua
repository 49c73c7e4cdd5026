-- mirrorgate.config: replica parsing (TCP, IPv6 and Unix socket forms) and its error messages.
local stub = require("ngx_stub")

local function init(opts)
    stub.reset()
    return require("mirrorgate.config").init(opts)
end

local function replicas(...)
    return init({ replicas = { ... } }).replicas
end

-- Asserts that init refuses the replica with a `replicas: "<value>" (expected: ...)` message.
local function refused(value, expected)
    local ok, err = pcall(replicas, value)
    assert.is_false(ok, value)
    assert.truthy(err:find("mirrorgate.config: replicas: " .. string.format("%q", value), 1, true), err)
    assert.truthy(err:find("(expected: " .. expected, 1, true), err)
end

describe("config replicas", function()
    it("defaults to the service's default listen.grpc over TCP", function()
        local r = init().replicas
        assert.same({ { name = "127.0.0.1:7390", host = "127.0.0.1", port = 7390, authority = "127.0.0.1:7390" } }, r)
    end)

    it("parses host:port and [v6]:port, keeping the brackets connect needs for IPv6", function()
        local r = replicas("10.0.0.2:7390", "mirrorgate.internal:1", "[::1]:65535", "[fd00::2]:7390")
        assert.same({ name = "10.0.0.2:7390", host = "10.0.0.2", port = 7390, authority = "10.0.0.2:7390" }, r[1])
        assert.same({ host = "mirrorgate.internal", port = 1 }, { host = r[2].host, port = r[2].port })
        assert.same({ host = "[::1]", port = 65535 }, { host = r[3].host, port = r[3].port })
        assert.same({ host = "[fd00::2]", port = 7390 }, { host = r[4].host, port = r[4].port })
    end)

    it("parses unix:/absolute/path: no port, the whole name as connect's host, authority localhost", function()
        local r = replicas("unix:/run/mirrorgate/grpc.sock")
        assert.same({ { name = "unix:/run/mirrorgate/grpc.sock", host = "unix:/run/mirrorgate/grpc.sock",
                        authority = "localhost" } }, r)
    end)

    it("keeps the order of mixed Unix and TCP replicas (the failover order)", function()
        local r = replicas("unix:/run/mirrorgate/grpc.sock", "10.0.0.2:7390", "unix:/tmp/b.sock")
        assert.same({ "unix:/run/mirrorgate/grpc.sock", "10.0.0.2:7390", "unix:/tmp/b.sock" },
            { r[1].name, r[2].name, r[3].name })
        assert.is_nil(r[1].port)
        assert.equal(7390, r[2].port)
        assert.is_nil(r[3].port)
    end)

    it("accepts a socket path of 107 bytes, the most sun_path holds", function()
        local path = "/" .. string.rep("s", 106)
        assert.equal("unix:" .. path, replicas("unix:" .. path)[1].host)
    end)

    it("refuses a Unix replica without a path, or with a relative one", function()
        for _, v in ipairs({ "unix:", "unix:relative", "unix:run/grpc.sock", "unix:./grpc.sock", "unix:~/grpc.sock",
                             "unix:/", "unix:7390" }) do
            refused(v, "unix:/absolute/path")
        end
    end)

    it("refuses a socket path with spaces or control characters", function()
        for _, v in ipairs({ "unix:/run/my grpc.sock", "unix:/run/grpc.sock ", "unix:/run/\tgrpc.sock",
                             "unix:/run/grpc.sock\n", "unix:/run/grpc\r.sock", "unix:/run/\0grpc.sock",
                             "unix:/run/grpc\127.sock", "unix:/run/grpc\27.sock" }) do
            refused(v, "unix:/absolute/path")
        end
    end)

    it("refuses '\"' and '\\' in a socket path (the name is a label on the status page)", function()
        refused('unix:/run/a"b.sock', "unix:/absolute/path")
        refused("unix:/run/a\\b.sock", "unix:/absolute/path")
    end)

    it("refuses a socket path longer than sun_path", function()
        refused("unix:/" .. string.rep("s", 107), "unix:/absolute/path of at most 107 bytes")
    end)

    it("refuses malformed TCP replicas, naming all three forms", function()
        for _, v in ipairs({ "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", ":7390", "::1:7390", "[::1]",
                             "host:port", "tcp:/run/grpc.sock", "" }) do
            refused(v, '"host:port", "[v6]:port" or "unix:/absolute/path"')
        end
    end)

    it("refuses a replica that is not a string, and an empty list", function()
        local ok, err = pcall(replicas, 7390)
        assert.is_false(ok)
        assert.truthy(err:find('replicas: 7390 (expected: "host:port", "[v6]:port" or "unix:/absolute/path" strings)',
            1, true), err)
        ok, err = pcall(init, { replicas = {} })
        assert.is_false(ok)
        assert.truthy(err:find("(expected: a non-empty list of", 1, true), err)
    end)
end)
