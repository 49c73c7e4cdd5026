-- The Lua codecs against bytes produced by the Java side (protobuf-java, Netty's HPACK encoder).
local helpers = require("helpers")
local pb = require("mirrorgate.pb")
local hpack = require("mirrorgate.hpack")
local huffman = require("mirrorgate.huffman")
local unhex, vectors = helpers.unhex, helpers.vectors
local assert_response

describe("pb.encode_request", function()
    for _, v in ipairs(vectors("request")) do
        it("writes the same bytes as protobuf-java: " .. v.name, function()
            local bytes = pb.encode_request(unhex(v.path), unhex(v.client_ip), v.scheme,
                unhex(v.method), unhex(v.query), v.link_header, unhex(v.accept))
            assert.are.equal(v.hex, helpers.hex(bytes))
        end)
    end
end)

describe("pb.decode_response", function()
    for _, v in ipairs(vectors("response")) do
        it("reads what protobuf-java reads: " .. v.name, function()
            local res, err = pb.decode_response(unhex(v.hex))
            assert.is_nil(err)
            assert_response(v, res)
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

function assert_response(v, res)
    assert.are.equal(v.action, res.action)
    assert.are.equal(unhex(v.url), res.url)
    assert.is_nil(res.alternates) -- field 3 is skipped: the hook reads the rendered link
    assert.are.equal(unhex(v.content), res.content)
    assert.are.equal(unhex(v.content_type), res.content_type)
    assert.are.equal(unhex(v.mirror), res.mirror)
    assert.are.equal(unhex(v.reason), res.reason)
    assert.are.equal(v.http_status, res.http_status)
    assert.are.equal(v.file_size, res.file_size)
    assert.are.equal(unhex(v.link), res.link)
    assert.are.equal(unhex(v.digest), res.digest)
    assert.are.equal(unhex(v.metalink), res.metalink)
end

describe("pb batches", function()
    for _, v in ipairs(vectors("batch request")) do
        it("encodes ResolveBatchRequest as protobuf-java does: " .. v.name, function()
            local items = {}
            for i, h in ipairs(v.requests) do items[i] = unhex(h) end
            assert.are.equal(v.hex, helpers.hex(pb.encode_batch(items, #items)))
        end)
    end

    for _, v in ipairs(vectors("batch response")) do
        it("decodes ResolveBatchResponse as protobuf-java does: " .. v.name, function()
            local list, err = pb.decode_batch(unhex(v.hex))
            assert.is_nil(err)
            assert.are.equal(#v.responses, #list)
            for i, r in ipairs(v.responses) do assert_response(r, list[i]) end
        end)
    end

    for _, v in ipairs(vectors("bad batch response")) do
        it("rejects what protobuf-java rejects: " .. v.name, function()
            assert.is_nil((pb.decode_batch(unhex(v.hex))))
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
