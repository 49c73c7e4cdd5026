-- A stand-in for the parts of the ngx API that mirrorgate.config, .client and .metrics touch
-- outside nginx: ngx.shared (in-memory dicts without expiry), ngx.now, ngx.log and
-- ngx.socket.tcp, whose sockets are made by a factory the spec sets. Installed as the global
-- `ngx` on require; reset() also forgets the modules that cache ngx functions at load time.
local _M = { logged = {} }

local function dict()
    local data = {}
    local d = {}
    function d.get(_, k) return data[k] end
    function d.set(_, k, v) data[k] = v return true end
    function d.add(_, k, v)
        if data[k] ~= nil then return false, "exists" end
        data[k] = v
        return true
    end
    function d.incr(_, k, by, init)
        data[k] = (data[k] or init) + by
        return data[k]
    end
    function d.delete(_, k) data[k] = nil end
    function d.get_keys() local keys = {} for k in pairs(data) do keys[#keys + 1] = k end return keys end
    return d
end

_M.ngx = {
    shared = {},
    WARN = 5,
    now = function() return 0 end,
    log = function(_, ...) _M.logged[#_M.logged + 1] = table.concat({ ... }) end,
    socket = { tcp = function() return _M.new_socket() end },
}

-- Fresh dicts and log, no socket factory, and the mirrorgate modules loaded anew on next require.
function _M.reset()
    _M.ngx.shared.mirrorgate = dict()
    _M.logged = {}
    _M.new_socket = function() error("ngx_stub: no socket factory set") end
    for name in pairs(package.loaded) do
        if name:match("^mirrorgate%.") then package.loaded[name] = nil end
    end
end

rawset(_G, "ngx", _M.ngx)
_M.reset()
return _M
