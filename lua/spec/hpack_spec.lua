-- mirrorgate.hpack: integer and literal encoding (RFC 7541 C.1, C.2) and decoder edge cases.
local hpack = require("mirrorgate.hpack")
local helpers = require("helpers")

describe("hpack.integer", function()
    it("encodes the RFC 7541 C.1 examples", function()
        assert.are.equal("0a", helpers.hex(hpack.integer(10, 5, 0)))
        assert.are.equal("1f9a0a", helpers.hex(hpack.integer(1337, 5, 0)))
        assert.are.equal("2a", helpers.hex(hpack.integer(42, 8, 0)))
        assert.are.equal("1f00", helpers.hex(hpack.integer(31, 5, 0)))
    end)
end)

describe("hpack.literal", function()
    it("writes a literal without indexing, new name (RFC 7541 C.2.2 shape)", function()
        assert.are.equal("000a637573746f6d2d6b65790d637573746f6d2d686561646572",
            helpers.hex(hpack.literal("custom-key", "custom-header")))
    end)

    it("writes a literal without indexing with an indexed name (RFC 7541 C.2.2)", function()
        assert.are.equal("040c2f73616d706c652f70617468", helpers.hex(hpack.literal(4, "/sample/path")))
    end)

    it("round-trips through decode", function()
        local block = hpack.indexed(8) .. hpack.literal(31, "application/grpc") .. hpack.literal("x", "")
        assert.are.same({ [":status"] = "200", ["content-type"] = "application/grpc", x = "" },
            hpack.decode(block))
    end)
end)

describe("hpack.decode", function()
    it("reads a literal with incremental indexing but stores nothing", function()
        -- RFC 7541 C.3.1: the first request's block; the entries it would index are not kept
        local block = helpers.unhex("828684410f7777772e6578616d706c652e636f6d")
        assert.are.same({ [":method"] = "GET", [":scheme"] = "http", [":path"] = "/",
                          [":authority"] = "www.example.com" }, hpack.decode(block))
        -- C.3.2 refers to that entry as dynamic index 62, which a stateless decoder refuses
        local headers, err = hpack.decode(helpers.unhex("828684be58086e6f2d6361636865"))
        assert.is_nil(headers)
        assert.are.equal("hpack: bad index 62", err)
    end)

    it("ignores dynamic table size updates", function()
        assert.are.same({ [":status"] = "200" }, hpack.decode("\32\136"))
    end)

    it("refuses index 0, truncated strings and bad Huffman padding", function()
        assert.is_nil(hpack.decode("\128"))
        assert.is_nil(hpack.decode("\0\5ab"))
        local _, err = hpack.decode("\0\129\255\1x") -- Huffman name of one byte: 8 ones of padding
        assert.are.equal("huffman: bad padding", err)
    end)

    it("refuses an integer that does not end", function()
        local _, err = hpack.decode("\127\255\255\255\255\255")
        assert.matches("hpack:", err)
    end)
end)
