-- mirrorgate.huffman: decoder for the HPACK Huffman code (RFC 7541, Appendix B).
--
-- Synopsis
--
--     local huffman = require("mirrorgate.huffman")
--     local s, err = huffman.decode("\xf1\xe3\xc2\xe5\xf2\x3a\x6b\xa0\xab\x90\xf4\xff")
--     -- s == "www.example.com"; on bad input s == nil and err is a message
--
-- syntax: str, err = huffman.decode(bytes)
--
-- Why a nibble state machine: the decoder walks the code tree four bits at a time through a table
-- built once at load, so it needs no bit operations. That keeps it identical under LuaJIT (nginx)
-- and plain Lua 5.1 (busted), and fast enough without the `bit` library. The shortest code is 5
-- bits long, so one nibble completes at most one symbol.
--
-- The code is canonical (codes of one length are consecutive, in symbol order), so the table only
-- needs each symbol's code length; the codes are rebuilt from the lengths below. The lengths were
-- read from Netty's HpackUtil; the Java vector test checks our decoding against Netty's encoder.

local floor = math.floor
local byte = string.byte
local char = string.char
local concat = table.concat

local _M = { _VERSION = "0.1.0" }

-- Code length in bits for symbols 0..256 (256 is EOS).
local LENGTHS = {
    13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5,
    6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, 15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6,
    7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, 20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23,
    23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, 22, 21, 20, 22,
    22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22,
    23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27,
    27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25,
    24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, 30,
}
local EOS = 256

-- Tree nodes are numbered from 0 (the root). zero[n] / one[n] are the children of node n: a node
-- number, or -1 - symbol for a leaf. accept[n] is true when ending the input at node n is valid
-- padding: n was reached from the root by at most seven 1-bits.
-- Transition tables, indexed by node * 16 + nibble: next node, and the symbol completed on the
-- way (nil if none, EOS is a decoding error).
local next_node, emitted, accept = {}, {}, {}

local function build()
    local zero, one, depth_ones = { [0] = false }, { [0] = false }, { [0] = 0 }
    local count = 1
    -- canonical code assignment, shortest codes first, in symbol order
    local order = {}
    for sym = 0, EOS do order[#order + 1] = sym end
    table.sort(order, function(a, b)
        local la, lb = LENGTHS[a + 1], LENGTHS[b + 1]
        if la ~= lb then return la < lb end
        return a < b
    end)
    local code, prev_len = 0, LENGTHS[order[1] + 1]
    for i, sym in ipairs(order) do
        local len = LENGTHS[sym + 1]
        if i > 1 then code = (code + 1) * 2 ^ (len - prev_len) end
        prev_len = len
        local node = 0
        for b = len - 1, 0, -1 do
            local bit = floor(code / 2 ^ b) % 2
            local children = bit == 1 and one or zero
            if b == 0 then
                children[node] = -1 - sym
            else
                local child = children[node]
                if not child then
                    child = count
                    count = count + 1
                    zero[child], one[child] = false, false
                    -- all-ones prefixes of length <= 7 are the only legal padding
                    local d = depth_ones[node]
                    depth_ones[child] = (bit == 1 and d and d < 7) and d + 1 or nil
                    children[node] = child
                end
                node = child
            end
        end
    end
    for node = 0, count - 1 do
        accept[node] = depth_ones[node] ~= nil
        for nibble = 0, 15 do
            local n, sym = node, nil
            for b = 3, 0, -1 do
                local child = (floor(nibble / 2 ^ b) % 2 == 1) and one[n] or zero[n]
                if child < 0 then
                    sym = -1 - child
                    n = 0
                else
                    n = child
                end
            end
            next_node[node * 16 + nibble] = n
            emitted[node * 16 + nibble] = sym
        end
    end
end
build()

function _M.decode(s)
    local out, n, node = {}, 0, 0
    for i = 1, #s do
        local b = byte(s, i)
        local hi = floor(b / 16)
        local k = node * 16 + hi
        local sym = emitted[k]
        if sym then
            if sym == EOS then return nil, "huffman: EOS in string" end
            n = n + 1
            out[n] = sym
        end
        k = next_node[k] * 16 + (b - hi * 16)
        sym = emitted[k]
        if sym then
            if sym == EOS then return nil, "huffman: EOS in string" end
            n = n + 1
            out[n] = sym
        end
        node = next_node[k]
    end
    if not accept[node] then return nil, "huffman: bad padding" end
    -- char() takes at most a few thousand arguments; header strings are far shorter, but be safe
    if n <= 4000 then return char(unpack(out, 1, n)) end
    local parts = {}
    for i = 1, n, 4000 do parts[#parts + 1] = char(unpack(out, i, math.min(i + 3999, n))) end
    return concat(parts)
end

return _M
