-- mirrorgate.breaker against an in-memory stand-in for ngx.shared.DICT with a settable clock
-- (the nginx integration tests cover it against the real shared dict).
local breaker = require("mirrorgate.breaker")

local function dict()
    local clock, data = 0, {}
    local d = {}
    local function live(k)
        local e = data[k]
        if e and e.exp and e.exp <= clock then data[k] = nil return nil end
        return e
    end
    function d.get(_, k) local e = live(k) return e and e.v end
    function d.set(_, k, v, ttl) data[k] = { v = v, exp = ttl and ttl > 0 and clock + ttl or nil } return true end
    function d.add(_, k, v, ttl)
        if live(k) then return false, "exists" end
        return d.set(nil, k, v, ttl)
    end
    function d.incr(_, k, by, init)
        local e = live(k)
        if not e then data[k] = { v = init + by } return init + by end
        e.v = e.v + by
        return e.v
    end
    function d.delete(_, k) data[k] = nil end
    function d.advance(s) clock = clock + s end
    return d
end

local KEY = breaker.key("r1")

describe("breaker", function()
    it("lets calls through while nothing failed, at the cost of one lookup", function()
        local d = dict()
        assert.are.equal("ok", breaker.allow(d, KEY, 3))
        breaker.success(d, KEY, "ok")
        assert.are.equal("ok", breaker.allow(d, KEY, 3))
    end)

    it("opens after the threshold of consecutive failures, for open_s seconds", function()
        local d = dict()
        for i = 1, 3 do
            local state = breaker.allow(d, KEY, 3)
            assert.truthy(state)
            assert.are.equal(i == 3, breaker.failure(d, KEY, 3, 5, state))
        end
        assert.is_nil(breaker.allow(d, KEY, 3))
        assert.is_true(breaker.is_open(d, KEY, 3))
        d.advance(4.9)
        assert.is_nil(breaker.allow(d, KEY, 3))
    end)

    it("resets the count on a success below the threshold", function()
        local d = dict()
        breaker.failure(d, KEY, 3, 5, breaker.allow(d, KEY, 3))
        breaker.failure(d, KEY, 3, 5, breaker.allow(d, KEY, 3))
        breaker.success(d, KEY, breaker.allow(d, KEY, 3))
        breaker.failure(d, KEY, 3, 5, breaker.allow(d, KEY, 3))
        assert.are.equal("closed", breaker.allow(d, KEY, 3))
    end)

    it("lets exactly one probe through after the open period, and closes when it succeeds", function()
        local d = dict()
        for _ = 1, 3 do breaker.failure(d, KEY, 3, 5, "closed") end
        d.advance(5)
        assert.are.equal("probe", breaker.allow(d, KEY, 3))
        assert.is_nil(breaker.allow(d, KEY, 3)) -- others keep skipping while the probe runs
        assert.is_false(breaker.is_open(d, KEY, 3))
        breaker.success(d, KEY, "probe")
        assert.are.equal("ok", breaker.allow(d, KEY, 3))
    end)

    it("reopens for another period when the probe fails", function()
        local d = dict()
        for _ = 1, 3 do breaker.failure(d, KEY, 3, 5, "closed") end
        d.advance(5)
        local state = breaker.allow(d, KEY, 3)
        assert.is_true(breaker.failure(d, KEY, 3, 5, state))
        assert.is_nil(breaker.allow(d, KEY, 3))
        d.advance(5)
        assert.are.equal("probe", breaker.allow(d, KEY, 3))
    end)

    it("frees the probe slot when a probe never reports", function()
        local d = dict()
        for _ = 1, 3 do breaker.failure(d, KEY, 3, 1, "closed") end
        d.advance(1)
        assert.are.equal("probe", breaker.allow(d, KEY, 3))
        d.advance(2)
        assert.are.equal("probe", breaker.allow(d, KEY, 3))
    end)
end)
