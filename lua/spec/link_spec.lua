-- The checks on the Link value the service renders (mirrorgate.link).
local link = require("mirrorgate.link")

local GOOD = "<https://m2.example.org/debian/pool/a.deb>; rel=duplicate; pri=1; geo=de, "
    .. "<https://m3.example.net/pool/a.deb>; rel=duplicate; pri=2"
local PLAIN = "<http://m2.example.org/a>; rel=duplicate; pri=1; geo=de, "
    .. "<http://m3.example.net/a>; rel=duplicate; pri=2"

describe("link.safe", function()
    it("accepts what the service renders, for both schemes", function()
        assert.is_true(link.safe(GOOD, true))
        assert.is_true(link.safe(GOOD, false))
        assert.is_true(link.safe(PLAIN, false))
        assert.is_true(link.safe("<https://x/a,b;c=d%3C%0D%0A>; rel=duplicate; pri=1", true))
    end)

    it("accepts an empty value and one without URLs", function()
        assert.is_true(link.safe("", true))
        assert.is_true(link.safe("rel=duplicate", false))
    end)

    it("refuses every control byte and DEL, anywhere in the value", function()
        for b = 0, 31 do
            for _, at in ipairs({ 1, 10, #GOOD }) do
                local v = GOOD:sub(1, at - 1) .. string.char(b) .. GOOD:sub(at)
                assert.is_false(link.safe(v, false), "byte " .. b .. " at " .. at)
            end
        end
        assert.is_false(link.safe(GOOD .. "\127", false))
        assert.is_false(link.safe(GOOD .. "\r\nSet-Cookie: a=b", true))
        assert.is_false(link.safe("<https://x/a\0>; rel=duplicate; pri=1", true))
    end)

    it("accepts bytes above DEL (UTF-8)", function()
        assert.is_true(link.safe("<https://x/\195\188>; rel=duplicate; pri=1", true))
    end)

    it("refuses a plain-http URL for an https request, wherever it stands", function()
        assert.is_false(link.safe(PLAIN, true))
        assert.is_false(link.safe(GOOD .. ", <http://m4.example.org/a>; rel=duplicate; pri=3", true))
        assert.is_false(link.safe("<http://m4.example.org/a>; rel=duplicate; pri=1, " .. GOOD, true))
    end)

    it("refuses URLs of other schemes, odd case, or cut short", function()
        for _, url in ipairs({ "ftp://x/a", "HTTPS://x/a", "httpsx//x/a", "https:/x/a", "http:x", "//x/a",
                               "javascript:alert(1)", "", "h", "http", "https", "https:/" }) do
            local v = "<" .. url .. ">; rel=duplicate; pri=1"
            assert.is_false(link.safe(v, false), url)
            assert.is_false(link.safe(v, true), url)
        end
        assert.is_false(link.safe("<https", true))
        assert.is_false(link.safe(GOOD .. ", <", false))
    end)
end)

describe("link.safe_digest", function()
    local GOOD_DIGEST = "sha-256=+wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE="

    it("accepts the RFC 3230 value of a SHA-256 as the service renders it", function()
        assert.is_true(link.safe_digest(GOOD_DIGEST))
        assert.is_true(link.safe_digest("sha-256=" .. ("A"):rep(43) .. "="))
    end)

    it("refuses another algorithm, another length, and any byte outside base64", function()
        assert.is_false(link.safe_digest(""))
        assert.is_false(link.safe_digest("SHA-256=" .. GOOD_DIGEST:sub(9)))
        assert.is_false(link.safe_digest("md5=" .. GOOD_DIGEST:sub(9)))
        assert.is_false(link.safe_digest(GOOD_DIGEST .. "A"))
        assert.is_false(link.safe_digest(GOOD_DIGEST:sub(1, -2)))
        for _, b in ipairs({ 0, 10, 13, 32, 44, 59, 127, 200 }) do
            local v = GOOD_DIGEST:sub(1, 20) .. string.char(b) .. GOOD_DIGEST:sub(22)
            assert.is_false(link.safe_digest(v), "byte " .. b)
        end
    end)
end)

describe("link.safe_host", function()
    it("accepts names, addresses, IPv6 literals and ports", function()
        for _, h in ipairs({ "deb.example.org", "127.0.0.1:8080", "[2001:db8::1]:443", "a_b-c.example" }) do
            assert.is_true(link.safe_host(h), h)
        end
    end)

    it("refuses empty, overlong, and bytes that would change the URL or split the header", function()
        assert.is_false(link.safe_host(""))
        assert.is_false(link.safe_host(("a"):rep(256)))
        assert.is_true(link.safe_host(("a"):rep(255)))
        for _, h in ipairs({ "evil@x", "x/y", "x?y", "x#y", "x y", "x\r\nSet-Cookie: a", "x<y", "x>", "x\"", "x,y",
                             "\195\188.example" }) do
            assert.is_false(link.safe_host(h), h)
        end
    end)
end)
