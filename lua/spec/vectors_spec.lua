-- The Lua codecs against bytes produced by the Java side (protobuf-java, Netty's HPACK encoder).
local helpers = require("helpers")
local pb = require("mirrorgate.pb")
local hpack = require("mirrorgate.hpack")
local huffman = require("mirrorgate.huffman")
local unhex, vectors = helpers.unhex, helpers.vectors

describe("pb.encode_request", function()
    for _, v in ipairs(vectors("request")) do
        it("writes the same bytes as protobuf-java: " .. v.name, function()
            local bytes = pb.encode_request(unhex(v.path), unhex(v.client_ip), v.scheme,
                unhex(v.method), unhex(v.query))
            assert.are.equal(v.hex, helpers.hex(bytes))
        end)
    end
end)

describe("pb.decode_response", function()
    for _, v in ipairs(vectors("response")) do
        it("reads what protobuf-java reads: " .. v.name, function()
            local res, err = pb.decode_response(unhex(v.hex))
            assert.is_nil(err)
            assert.are.equal(v.action, res.action)
            assert.are.equal(unhex(v.url), res.url)
            assert.are.equal(#v.alternates, #res.alternates)
            for i, a in ipairs(v.alternates) do
                local got = res.alternates[i]
                assert.are.same({ unhex(a.url), a.priority, unhex(a.country), unhex(a.mirror) },
                    { got.url, got.priority, got.country, got.mirror })
            end
            assert.are.equal(unhex(v.content), res.content)
            assert.are.equal(unhex(v.content_type), res.content_type)
            assert.are.equal(unhex(v.mirror), res.mirror)
            assert.are.equal(unhex(v.reason), res.reason)
            assert.are.equal(v.http_status, res.http_status)
            assert.are.equal(v.file_size, res.file_size)
        end)
    end

    for _, v in ipairs(vectors("bad response")) do
        it("rejects what protobuf-java rejects: " .. v.name, function()
            local res, err = pb.decode_response(unhex(v.hex))
            assert.is_nil(res)
            assert.is_string(err)
        end)
    end
end)

describe("hpack.decode", function()
    for _, v in ipairs(vectors("hpack")) do
        it("reads blocks from Netty's encoder: " .. v.name, function()
            local headers, err = hpack.decode(unhex(v.hex))
            assert.is_nil(err)
            local expect = {}
            for name, value in pairs(v.headers) do expect[name] = unhex(value) end
            assert.are.same(expect, headers)
        end)
    end

    for _, v in ipairs(vectors("bad hpack")) do
        it("refuses: " .. v.name, function()
            local headers, err = hpack.decode(unhex(v.hex))
            assert.is_nil(headers)
            assert.matches("hpack: bad index", err)
        end)
    end
end)

describe("huffman.decode", function()
    for _, v in ipairs(vectors("huffman")) do
        it("decodes Netty's Huffman encoding: " .. v.name, function()
            assert.are.equal(unhex(v.text), huffman.decode(unhex(v.hex)))
        end)
    end
end)
