-- mirrorgate.unixprobe: whether a Unix socket has a listener, asked without nginx logging the answer.
--
-- Synopsis
--
--     local unixprobe = require("mirrorgate.unixprobe")
--     local ok, err = unixprobe.check("/run/mirrorgate/grpc.sock")
--     -- ok: true (a listener took the connection, or the probe cannot run here: nginx decides),
--     -- or nil and "connection refused" / "no such file or directory" / ...
--
-- syntax: ok, err = unixprobe.check(path)
--
-- Why: nginx core logs a failed connect() to a Unix socket itself, at [error] (refused: the
-- service was killed and its socket file is stale) or [crit] (no such file: it is restarting),
-- whatever lua_socket_log_errors says, once per attempt and worker. The hook already reports a
-- down replica in its own rate-limited line, so mirrorgate.client asks here first whenever the
-- replica's breaker has failures recorded; the healthy path never calls it. The probe is a
-- non-blocking socket(2) + connect(2) + close(2) through LuaJIT's FFI (a Unix connect never
-- waits); the service sees a connection that closes before its HTTP/2 preface, which it drops.

local pcall = pcall

local _M = { _VERSION = "0.1.0" }

local ffi_ok, ffi = pcall(require, "ffi")
local C
local AF_UNIX, SOCK_STREAM, SOCK_NONBLOCK, SOCK_CLOEXEC = 1, 1, 2048, 524288
if ffi_ok then
    -- The struct only once per VM (LuaJIT refuses to redefine a struct, so a second load of this
    -- module would otherwise turn the probe off); functions may be declared again, e.g. by
    -- another module's identical cdef.
    if not pcall(ffi.typeof, "struct mirrorgate_sockaddr_un") then
        pcall(ffi.cdef, "struct mirrorgate_sockaddr_un { unsigned short sun_family; char sun_path[108]; };")
    end
    local ok = pcall(ffi.cdef, [[
        int socket(int domain, int type, int protocol);
        int connect(int fd, const void *addr, unsigned int len);
        int close(int fd);
        char *strerror(int errnum);
    ]])
    if ok and ffi.os == "Linux" then C = ffi.C end
end

function _M.check(path)
    if not C or #path >= 108 then return true end -- no probe here: nginx's connect decides
    local fd = C.socket(AF_UNIX, SOCK_STREAM + SOCK_NONBLOCK + SOCK_CLOEXEC, 0)
    if fd < 0 then return true end
    local addr = ffi.new("struct mirrorgate_sockaddr_un")
    addr.sun_family = AF_UNIX
    ffi.copy(addr.sun_path, path)
    local rc = C.connect(fd, addr, ffi.sizeof(addr))
    local errno = ffi.errno()
    C.close(fd)
    if rc == 0 then return true end
    return nil, ffi.string(C.strerror(errno)):lower()
end

return _M
