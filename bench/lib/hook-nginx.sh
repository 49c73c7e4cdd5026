# Shared by the benchmarks that drive redirects through the real nginx + Lua hook (source it).
#   free_port                       a free loopback TCP port
#   start_hook_nginx CONF PORT REPLICA TREE TIMEOUT_MS
#       renders nginx/ into CONF and starts nginx on 127.0.0.1:PORT: /debian/ is TREE with the
#       mirrorgate hook (replica REPLICA: "host:port" or "unix:/path"), /static/ a 1 KiB file of
#       TREE, /r302/ nginx's own `return 302`; X-Forwarded-For trusted from loopback, so load
#       generators can send many client addresses; waits until it answers.

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_hook_nginx() {
    local conf=$1 port=$2 replica=$3 tree=$4 timeout_ms=$5
    MG_ROOT="$tree" MG_URL_PREFIX=/debian/ MG_REPLICAS="$replica" MG_HTTP_LISTEN="" \
        MG_TIMEOUT_MS="$timeout_ms" MG_WORKERS=2 MG_LOG_LEVEL=warn nginx/render.sh "$conf" > /dev/null
    cat > "$conf/mirrorgate-server.conf" <<CONF
server {
    listen 127.0.0.1:$port backlog=4096 reuseport;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    location /static/ {
        root $tree;
        try_files /static/1k.bin =404;
    }
    location /r302/ {
        return 302 http://m1.example.org/debian\$uri;
    }
    location /debian/ {
        alias $tree/;
        access_by_lua_block { require("mirrorgate.access").run() }
    }
    include $conf/mirrorgate-status.conf;
}
CONF
    nginx -p "$conf" -c "$conf/nginx.conf" -e "$conf/error.log"
    until [ -s "$conf/nginx.pid" ] && curl -s -o /dev/null "http://127.0.0.1:$port/static/x"; do sleep 0.2; done
}
