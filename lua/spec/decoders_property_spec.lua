-- Property tests of the decoders that read what the service (or anything on its socket) sends:
-- mirrorgate.pb (ResolveResponse, ResolveBatchResponse) and mirrorgate.hpack (with its Huffman
-- strings). Random, truncated and mutated byte strings must give a result or nil plus a message,
-- never a Lua error (one would escape the access hook as a 500); valid encodings round-trip.
-- Seeded: MG_SEED=<n> busted replays a run; every failure message names its seed and case.
local pb = require("mirrorgate.pb")
local hpack = require("mirrorgate.hpack")

local CASES = tonumber(os.getenv("MG_CASES") or "") or 3000
local SEED = tonumber(os.getenv("MG_SEED") or "") or (os.time() % 2147483647)

-- A Park-Miller generator of our own: the same sequence for a seed under Lua 5.1 and LuaJIT,
-- which math.random does not promise.
local function prng(seed)
    local state = seed % 2147483646 + 1
    local r = {}
    function r.int(lo, hi)
        state = (state * 16807) % 2147483647
        return lo + state % (hi - lo + 1)
    end
    function r.bytes(n)
        local t = {}
        for i = 1, n do t[i] = string.char(r.int(0, 255)) end
        return table.concat(t)
    end
    return r
end

-- Truncations, bit flips, byte insertions/deletions/overwrites and splices of s.
local function mutate(r, s)
    local kind = r.int(1, 5)
    local n = #s
    if kind == 1 or n == 0 then
        return s:sub(1, r.int(0, math.max(0, n - 1)))
    end
    local i = r.int(1, n)
    if kind == 2 then
        local b = s:byte(i)
        local bit = 2 ^ r.int(0, 7)
        local flipped = (b % (2 * bit) >= bit) and b - bit or b + bit
        return s:sub(1, i - 1) .. string.char(flipped) .. s:sub(i + 1)
    elseif kind == 3 then
        return s:sub(1, i - 1) .. r.bytes(r.int(1, 4)) .. s:sub(i)
    elseif kind == 4 then
        return s:sub(1, i - 1) .. s:sub(i + r.int(1, 4))
    end
    return s:sub(1, i) .. s:sub(r.int(1, n)) -- a piece of itself again: repeated and nested fields
end

local function hex(s)
    return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

-- Calls decode(input) and asserts the contract: (table) or (nil, string), no error raised.
local function assert_total(name, decode, input, case)
    local ok, res, err = pcall(decode, input)
    local function where() return string.format("%s, seed %d, case %d, input %s", name, SEED, case, hex(input)) end
    if not ok then error("raised " .. tostring(res) .. " (" .. where() .. ")") end
    if res == nil then
        if type(err) ~= "string" or err == "" then error("nil without a message (" .. where() .. ")") end
    elseif type(res) ~= "table" then
        error("returned " .. type(res) .. " (" .. where() .. ")")
    end
    return res
end

-- A ResolveResponse as protobuf-java writes it (fields in number order, defaults omitted), with
-- random values; returns the bytes and the table decode_response must give.
local function random_response(r)
    local function str() return r.int(0, 3) == 0 and "" or r.bytes(r.int(1, r.int(0, 1) == 0 and 20 or 300)) end
    local expect = { action = r.int(0, 4), url = str(), content = str(), content_type = str(),
                     mirror = str(), reason = str(), http_status = r.int(0, 599),
                     file_size = r.int(0, 2147483646) * r.int(0, 4096), link = str(),
                     digest = str(), metalink = str() }
    local function s(tag, v) return v == "" and "" or tag .. pb.varint(#v) .. v end
    local function v(tag, n) return n == 0 and "" or tag .. pb.varint(n) end
    -- field 3 (alternates, a message the hook skips) sometimes present, and an unknown field 15
    local alternates = r.int(0, 2) == 0 and "\26" .. pb.varint(5) .. "\10\3abc" or ""
    local unknown = r.int(0, 2) == 0 and "\120" .. pb.varint(r.int(0, 100000)) or ""
    local bytes = v("\8", expect.action) .. s("\18", expect.url) .. alternates .. s("\34", expect.content)
        .. s("\42", expect.content_type) .. s("\50", expect.mirror) .. s("\58", expect.reason)
        .. v("\64", expect.http_status) .. v("\72", expect.file_size) .. s("\82", expect.link)
        .. s("\90", expect.digest) .. s("\98", expect.metalink) .. unknown
    return bytes, expect
end

-- A header block of indexed fields and literals (raw, and with a few fixed Huffman strings).
local HUFFMAN = { -- RFC 7541 C.4: Huffman-coded strings and what they decode to
    { "\241\227\194\229\242\58\107\160\171\144\244\255", "www.example.com" },
    { "\168\235\16\100\156\191", "no-cache" },
    { "\37\168\73\233\91\169\125\127", "custom-key" },
}
local function random_block(r)
    local parts, expect = {}, {}
    for i = 1, r.int(0, 8) do
        local kind = r.int(1, 4)
        local name, value
        if kind == 1 then
            local idx = r.int(1, #hpack.STATIC)
            parts[i] = hpack.indexed(idx)
            name, value = hpack.STATIC[idx][1], hpack.STATIC[idx][2]
        elseif kind == 2 then
            local idx = r.int(1, #hpack.STATIC)
            value = r.bytes(r.int(0, 200))
            parts[i] = hpack.literal(idx, value)
            name = hpack.STATIC[idx][1]
        elseif kind == 3 then
            name, value = "x-" .. hex(r.bytes(r.int(0, 10))), r.bytes(r.int(0, 40))
            parts[i] = hpack.literal(name, value)
        else -- a Huffman value with a literal name, with incremental indexing (01 prefix)
            local h = HUFFMAN[r.int(1, #HUFFMAN)]
            name, value = "x-huff", h[2]
            parts[i] = "\64" .. hpack.integer(#name, 7, 0) .. name .. hpack.integer(#h[1], 7, 128) .. h[1]
        end
        expect[name] = value -- a repeated name keeps the last value
    end
    return table.concat(parts), expect
end

describe("decoders under random, truncated and mutated input (seed " .. SEED .. ")", function()
    it("pb.decode_response and pb.decode_batch return a value or nil, err on random bytes", function()
        local r = prng(SEED)
        for case = 1, CASES do
            local input = r.bytes(r.int(0, r.int(0, 1) == 0 and 8 or 64))
            assert_total("pb.decode_response", pb.decode_response, input, case)
            assert_total("pb.decode_batch", pb.decode_batch, input, case)
        end
    end)

    it("pb decoders round-trip valid encodings and survive their mutations", function()
        local r = prng(SEED + 1)
        for case = 1, CASES do
            local bytes, expect = random_response(r)
            local where = "seed " .. SEED .. ", case " .. case
            assert.are.same(expect, pb.decode_response(bytes), where)
            local n = r.int(0, 4)
            local list, expects = {}, {}
            for i = 1, n do list[i], expects[i] = random_response(r) end
            local batch = pb.encode_batch(list, n)
            assert.are.same(expects, pb.decode_batch(batch), where)
            for _ = 1, 3 do
                assert_total("pb.decode_response", pb.decode_response, mutate(r, bytes), case)
                assert_total("pb.decode_batch", pb.decode_batch, mutate(r, batch), case)
            end
        end
    end)

    it("pb decoders refuse deeply nested groups with an error value", function()
        -- start-group tags of field 1, 100,000 deep: a recursive skip would overflow the stack
        local nested = string.rep("\11", 100000)
        local res, err = pb.decode_response(nested)
        assert.is_nil(res)
        assert.is_string(err)
        res, err = pb.decode_batch(string.rep("\19", 100000))
        assert.is_nil(res)
        assert.is_string(err)
        -- a shallow group is still skipped
        assert.are.same("u", pb.decode_response("\11\11\12\12\18\1u").url)
    end)

    it("hpack.decode returns headers or nil, err on random bytes", function()
        local r = prng(SEED + 2)
        for case = 1, CASES do
            assert_total("hpack.decode", hpack.decode, r.bytes(r.int(0, r.int(0, 1) == 0 and 8 or 64)), case)
        end
    end)

    it("hpack.decode round-trips valid blocks and survives their mutations", function()
        local r = prng(SEED + 3)
        for case = 1, CASES do
            local block, expect = random_block(r)
            assert.are.same(expect, hpack.decode(block), "seed " .. SEED .. ", case " .. case)
            for _ = 1, 3 do
                assert_total("hpack.decode", hpack.decode, mutate(r, block), case)
            end
        end
    end)
end)
