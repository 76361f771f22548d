# bench-lib.sh - what bench-gateway.sh and bench-ab.sh share; sourced.
# Copyright 2026 The Sluice authors
# SPDX-License-Identifier: GPL-3.0-or-later

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# nginx_conf DIR BODY: writes DIR/nginx.conf for one foreground nginx
# worker with keep-alive connections that never end and every file under
# DIR; BODY goes inside its http block.
nginx_conf() {
  local dir=$1 body=$2
  mkdir -p "$dir"
  cat > "$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  client_body_temp_path $dir;
  proxy_temp_path $dir;
  fastcgi_temp_path $dir;
  uwsgi_temp_path $dir;
  scgi_temp_path $dir;
$body
}
CONF
}

# start_nginx DIR CPU: runs DIR/nginx.conf on CPU. Prints nginx's pid.
start_nginx() {
  taskset -c "$2" nginx -p "$1" -c "$1/nginx.conf" -e "$1/error.log" > /dev/null 2>&1 &
  echo $!
}

# start_nginx_mock DIR PORT SHARED: an nginx on CPU 0 answering
# POST /v1/chat/completions with the peer harness's fast answer (the line
# after its location in SHARED/mock-upstream.nginx.conf.in, verbatim).
# Prints nginx's pid.
start_nginx_mock() {
  local dir=$1 port=$2 shared=$3 answer
  answer=$(sed -n '/location = \/v1\/chat\/completions/{n;p;q}' "$shared/mock-upstream.nginx.conf.in")
  nginx_conf "$dir" "  server {
    listen 127.0.0.1:$port;
    default_type application/json;
    location = /v1/chat/completions {
$answer
    }
  }"
  start_nginx "$dir" 0
}

# nginx_proxy_conf DIR LISTEN UPSTREAM: writes DIR/nginx.conf for an nginx
# that only passes requests on to UPSTREAM (host:port) over keep-alive
# connections: what one proxy hop costs at the least on this machine.
nginx_proxy_conf() {
  nginx_conf "$1" "  upstream mock { server $3; keepalive 64; }
  server {
    listen $2;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_buffering off;
    }
  }"
}

# start_nginx_proxy DIR PORT UPSTREAM_PORT: that nginx on CPU 1, where the
# gateways run. Prints its pid.
start_nginx_proxy() {
  nginx_proxy_conf "$1" "127.0.0.1:$2" "127.0.0.1:$3"
  start_nginx "$1" 1
}
