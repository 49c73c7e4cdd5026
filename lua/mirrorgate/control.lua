-- mirrorgate.control: the HTTP/2 control frames a gRPC call meets while it waits (RFC 9113):
-- those of the connection (stream 0: SETTINGS, PING, GOAWAY, WINDOW_UPDATE) and its own stream's
-- WINDOW_UPDATE and RST_STREAM. What they do to the call's state (mirrorgate.grpc's st) and what
-- the client answers; the call's headers and data are mirrorgate.grpc's and mirrorgate.metadata's.
--
-- Synopsis
--
--     local control = require("mirrorgate.control")
--     local answer, kind, detail = control.connection_frame(st, ftype, flags, payload)
--     -- answer: a frame to send at once (SETTINGS or PING ACK), or nil; kind: the call fails
--     local kind, detail = control.stream_frame(st, ftype, payload)   -- WINDOW_UPDATE, RST_STREAM
--
-- syntax: answer, kind, detail = control.connection_frame(st, ftype, flags, payload)
-- syntax: kind, detail = control.stream_frame(st, ftype, payload)
--
-- st is the call's state: st.sid, the send windows st.send_conn and st.send_stream, the peer's
-- st.peer_initial (its INITIAL_WINDOW_SIZE) and st.goaway. SETTINGS and PING are acknowledged at
-- once; SETTINGS' INITIAL_WINDOW_SIZE and WINDOW_UPDATE add send credit; a GOAWAY that still
-- covers the stream lets it finish and marks the connection for retirement (st.goaway), one that
-- does not is "goaway" (never processed: safe to retry elsewhere); RST_STREAM ends the call
-- ("refused" for REFUSED_STREAM, which was not processed, else "reset"). ACKs and other frame
-- types on stream 0 are ignored; malformed frames are "protocol".

local h2 = require("mirrorgate.h2")

local byte = string.byte
local frame = h2.frame
local read_u31 = h2.read_u31
local read_u32 = h2.read_u32

local SETTINGS, PING, GOAWAY, WINDOW_UPDATE, RST_STREAM = h2.SETTINGS, h2.PING, h2.GOAWAY,
    h2.WINDOW_UPDATE, h2.RST_STREAM

local _M = { _VERSION = "0.1.0" }

local SETTINGS_INITIAL_WINDOW_SIZE = 4
local REFUSED_STREAM = 7

-- A frame on stream 0; returns nil, or the frame to answer with, or nil, kind, detail when the
-- call must fail.
function _M.connection_frame(st, ftype, flags, payload)
    if ftype == WINDOW_UPDATE then
        if #payload ~= 4 then return nil, "protocol", "bad WINDOW_UPDATE" end
        st.send_conn = st.send_conn + read_u31(payload, 1)
    elseif ftype == SETTINGS and flags % 2 == 0 then
        if #payload % 6 ~= 0 then return nil, "protocol", "bad SETTINGS" end
        for pos = 1, #payload, 6 do
            if byte(payload, pos) * 256 + byte(payload, pos + 1) == SETTINGS_INITIAL_WINDOW_SIZE then
                local v = read_u32(payload, pos + 2)
                if v > h2.MAX_WINDOW then return nil, "protocol", "bad INITIAL_WINDOW_SIZE" end
                -- RFC 9113 6.9.2: the change applies to the open stream's window too
                st.send_stream = st.send_stream + v - st.peer_initial
                st.peer_initial = v
            end
        end
        return h2.SETTINGS_ACK
    elseif ftype == PING and flags % 2 == 0 then
        if #payload ~= 8 then return nil, "protocol", "bad PING" end
        return frame(PING, h2.ACK, 0, payload)
    elseif ftype == GOAWAY then
        if #payload < 8 then return nil, "protocol", "bad GOAWAY" end
        if st.sid > read_u31(payload, 1) then
            return nil, "goaway", "GOAWAY code " .. read_u32(payload, 5)
        end
        st.goaway = true -- covers the stream: it may finish, then the connection goes
    end
end

-- WINDOW_UPDATE or RST_STREAM on the call's stream; returns nil, or kind, detail when the call
-- fails. RST_STREAM's REFUSED_STREAM means the server did not process the request (safe to retry
-- elsewhere), any other code that it may have.
function _M.stream_frame(st, ftype, payload)
    if ftype == WINDOW_UPDATE then
        if #payload ~= 4 then return "protocol", "bad WINDOW_UPDATE" end
        st.send_stream = st.send_stream + read_u31(payload, 1)
    elseif ftype == RST_STREAM then
        local code = #payload == 4 and read_u32(payload, 1) or -1
        return code == REFUSED_STREAM and "refused" or "reset", "RST_STREAM " .. code
    end
end

return _M
