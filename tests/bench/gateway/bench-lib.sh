# bench-lib.sh - what bench-gateway.sh and bench-ab.sh share; sourced.
# Copyright 2026 The Sluice authors
# SPDX-License-Identifier: GPL-3.0-or-later

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_nginx_mock DIR PORT SHARED: an nginx on CPU 0 answering
# POST /v1/chat/completions with the peer harness's fast answer (the line
# after its location in SHARED/mock-upstream.nginx.conf.in, verbatim).
# Prints nginx's pid.
start_nginx_mock() {
  local dir=$1 port=$2 shared=$3 answer
  mkdir -p "$dir"
  answer=$(sed -n '/location = \/v1\/chat\/completions/{n;p;q}' "$shared/mock-upstream.nginx.conf.in")
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
  server {
    listen 127.0.0.1:$port;
    default_type application/json;
    location = /v1/chat/completions {
$answer
    }
  }
}
CONF
  taskset -c 0 nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" > /dev/null 2>&1 &
  echo $!
}
