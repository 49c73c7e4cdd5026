-- mirrorgate.unixprobe outside nginx: without LuaJIT's FFI it leaves the decision to nginx
-- (true); with it, a missing socket is named. Behaviour inside nginx: ServiceKillLogIT.
describe("mirrorgate.unixprobe", function()
    local unixprobe = require("mirrorgate.unixprobe")
    local has_ffi = pcall(require, "ffi")

    it("reports a missing socket, or defers to nginx where it cannot probe", function()
        for _ = 1, 2 do
            local ok, err = unixprobe.check("/nonexistent/mirrorgate-spec.sock")
            if has_ffi then
                assert.is_nil(ok)
                assert.equals("no such file or directory", err)
            else
                assert.is_true(ok)
                assert.is_nil(err)
            end
        end
    end)

    it("never probes a path too long for sockaddr_un", function()
        assert.is_true(unixprobe.check("/" .. string.rep("x", 200)))
    end)
end)
