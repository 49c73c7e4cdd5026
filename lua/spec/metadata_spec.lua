-- mirrorgate.metadata: the request header block (the reply's header rules are driven through a
-- whole call in grpc_spec and stream_spec).
local hpack = require("mirrorgate.hpack")
local metadata = require("mirrorgate.metadata")

local BLOCK = metadata.header_block("/mirrorgate.v1.Resolver/Resolve", "127.0.0.1:7390", 150)

describe("metadata.header_block", function()
    it("encodes the fixed request headers, with our own deadline and no client header", function()
        local headers = assert(hpack.decode(BLOCK))
        assert.are.same({
            [":method"] = "POST", [":scheme"] = "http", [":path"] = "/mirrorgate.v1.Resolver/Resolve",
            [":authority"] = "127.0.0.1:7390", ["content-type"] = "application/grpc",
            te = "trailers", ["grpc-timeout"] = "150m", ["user-agent"] = "mirrorgate-nginx/0.1.0",
        }, headers)
    end)
end)
