-- mirrorgate.access: the access-phase hook. Asks the service what to do with the request, then
-- redirects, lets nginx serve the file, answers 404, or answers with the service's content.
--
-- Synopsis
--
--     location /debian/ {
--         root /srv/mirror;
--         access_by_lua_block { require("mirrorgate.access").run() }
--     }
--
-- syntax: mirrorgate.access.run()
--
-- Actions:
--   REDIRECT     302 to the chosen mirror, `Cache-Control: private, no-cache` (the choice depends
--                on the client, so no shared cache may keep it) and the alternates' RFC 6249 Link
--                header exactly as the service rendered it (the hook sets link_header; the format
--                is the service's alone). A Link value that fails mirrorgate.link's safety check
--                is dropped (counted, logged rate-limited); the redirect itself still goes out.
--                A file whose SHA-256 the service knows also gets `Digest: sha-256=<base64>`
--                (RFC 3230) and a `Link: <scheme://host/<file>.meta4>; rel=describedby;
--                type="application/metalink4+xml"` entry (RFC 6249), each checked the same way.
--   SERVE_LOCAL  plain `return`: nginx serves the file itself (GET, HEAD, Range all work)
--   NOT_FOUND    404
--   CONTENT      the given status, content type and body
--
-- Fails open, always: whatever goes wrong on the way to a decision (service down or slow, an
-- error status, an undecodable or unsafe reply, a bug in this code) ends in nginx serving the
-- file, or in a redirect to fallback_url if one is configured. mirrorgate never causes a 5xx.

local config = require("mirrorgate.config")
local batch = require("mirrorgate.batch")
local client = require("mirrorgate.client")
local metrics = require("mirrorgate.metrics")
local pb = require("mirrorgate.pb")
local link_checks = require("mirrorgate.link")
local safe_link = link_checks.safe
local safe_digest = link_checks.safe_digest
local safe_host = link_checks.safe_host

local ngx = ngx
local var = ngx.var
local header = ngx.header
local get_method = ngx.req.get_method
local re_find = ngx.re.find
local format = string.format
local sub = string.sub
local byte = string.byte
local gsub = string.gsub

local _M = { _VERSION = "0.1.0" }

-- Requests larger than this skip the call: one DATA frame must hold them (16 KiB frames).
local MAX_REQUEST = 16000
-- A longer Accept header is not sent (the page is HTML then); none of a browser's or tool's is.
local MAX_ACCEPT = 512
-- The describedby URL is bounded like any URL we send.
local MAX_URL = 8192
local DESCRIBEDBY = '>; rel=describedby; type="application/metalink4+xml"'
local NO_CACHE = "private, no-cache"

-- Bytes never allowed in a URL we send: controls, space, DEL, angle brackets, quote.
-- ngx.re (PCRE, JIT, cached by "jo") rather than string.find: a Lua character-class pattern is
-- not compiled by LuaJIT and cost ~8 us per URL, more than the whole rest of the hook.
local UNSAFE = [=[[\x00-\x20\x7f<>"]]=]

-- An absolute URL that is safe in Location: right scheme, no unsafe byte. An https request only
-- ever goes to an https URL (the same rule mirrorgate.link applies to each URL in a Link value).
local function safe_url(url, https)
    if re_find(url, UNSAFE, "jo") then return false end
    if sub(url, 1, 8) == "https://" then return #url > 8 end
    return not https and sub(url, 1, 7) == "http://" and #url > 7
end

local function escape_path(s)
    return (gsub(s, "[^%w%-%._~/]", function(c) return format("%%%02X", byte(c)) end))
end

local function fail_open(reason, detail, https)
    metrics.failopen(reason)
    if reason == "lua" then metrics.log_limited("lua", "hook error: " .. tostring(detail)) end
    local cfg = config.current
    local fallback = cfg.fallback_url
    if fallback == "" then return end
    local method = get_method()
    if method ~= "GET" and method ~= "HEAD" then return end
    local uri, prefix = var.uri, cfg.url_prefix
    if sub(uri, 1, #prefix) ~= prefix then return end
    local url = fallback .. escape_path(sub(uri, #prefix + 1))
    if not safe_url(url, https) then return end
    metrics.fallback()
    header["Cache-Control"] = NO_CACHE
    return ngx.redirect(url, 302)
end

-- The file's Metalink as a Link entry (ResolveResponse.metalink made absolute with the request's
-- scheme and host, which the service does not know), or nil when any part is unsafe.
local function describedby(path, https)
    if sub(path, 1, 1) ~= "/" or sub(path, 2, 2) == "/" then return nil end
    local host = var.http_host or var.host or ""
    if not safe_host(host) then return nil end
    local url = (https and "https://" or "http://") .. host .. path
    if #url > MAX_URL or not safe_url(url, https) then return nil end
    return "<" .. url .. DESCRIBEDBY
end

local function redirect(res, https)
    if not safe_url(res.url, https) then return fail_open("decode", "unsafe url", https) end
    local link = res.link
    if link ~= "" and not safe_link(link, https) then
        metrics.link_dropped()
        link = ""
    end
    local digest = res.digest
    if digest ~= "" then
        if safe_digest(digest) then
            header["Digest"] = digest
        else
            metrics.link_dropped("Digest")
        end
    end
    if res.metalink ~= "" then
        local entry = describedby(res.metalink, https)
        if entry then
            link = link == "" and entry or link .. ", " .. entry
        else
            metrics.link_dropped("describedby")
        end
    end
    if link ~= "" then header["Link"] = link end
    header["Cache-Control"] = NO_CACHE
    metrics.decision(pb.REDIRECT, batch.busy())
    return ngx.redirect(res.url, 302)
end

local function content(res, https)
    local status = res.http_status
    if status == 0 then status = 200 end
    if status < 200 or status > 599 then return fail_open("decode", "bad http_status", https) end
    local ctype = res.content_type
    if ctype == "" or re_find(ctype, [=[[\x00-\x1f\x7f]]=], "jo") then
        ctype = "application/octet-stream"
    end
    metrics.decision(pb.CONTENT, batch.busy())
    ngx.status = status
    header["Content-Type"] = ctype
    header["Content-Length"] = #res.content
    header["Cache-Control"] = NO_CACHE
    ngx.print(res.content)
    -- 2xx here only ends the request: the status sent is the one set above
    return ngx.exit(ngx.HTTP_OK)
end

-- Requests with a query (checksums, mirror lists: CONTENT of up to 1 MiB) go alone, as unary
-- Resolve calls with the hook's deadline, so a batch reply stays small; downloads go in batches on
-- the worker's ResolveStream (mirrorgate.batch) when batching is on. Only a request with a query
-- sends its Accept header (only pages read it), printable ASCII of at most MAX_ACCEPT bytes: a
-- download's bytes, and so the batches' frames, are what they were.
local function decide(https)
    local args = var.args or ""
    local accept
    if args ~= "" then
        accept = var.http_accept
        if accept and (#accept > MAX_ACCEPT or re_find(accept, [=[[^\x20-\x7e]]=], "jo")) then accept = nil end
    end
    local msg = pb.encode_request(var.uri, var.remote_addr, https and pb.HTTPS or pb.HTTP,
        get_method(), args, true, accept)
    if #msg > MAX_REQUEST then return nil, "too_large", #msg .. " bytes" end
    if args == "" and config.current.batch then return batch.resolve(msg) end
    return client.resolve(msg)
end

function _M.run()
    local https = var.scheme == "https"
    local ok, res, reason, detail = pcall(decide, https)
    if not ok then return fail_open("lua", res, https) end
    if not res then return fail_open(reason, detail, https) end
    local action = res.action
    if action == pb.REDIRECT then return redirect(res, https) end
    if action == pb.SERVE_LOCAL then
        metrics.decision(action, batch.busy())
        return
    end
    if action == pb.NOT_FOUND then
        metrics.decision(action, batch.busy())
        return ngx.exit(ngx.HTTP_NOT_FOUND)
    end
    if action == pb.CONTENT then return content(res, https) end
    -- ACTION_UNSPECIFIED with a reason: a batch entry the service refused (as INVALID_ARGUMENT)
    if action == 0 and res.reason ~= "" then return fail_open("status", res.reason, https) end
    return fail_open("decode", "action " .. tostring(action), https)
end

return _M
