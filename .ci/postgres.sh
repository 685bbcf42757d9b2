#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and prints its URL; `.ci/run` sources
# the URL and stops the cluster at exit. Installs the distribution's server when missing.
# The server also speaks TLS, with a certificate for 127.0.0.1 from a throwaway CA whose
# certificate is left in DIR/tls/ca.pem (for the tests of `sslmode=require`).
# Usage: .ci/postgres.sh start DIR   |   .ci/postgres.sh stop DIR
set -euo pipefail
action=$1 dir=$2

bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

case $action in
start)
    if ! bin=$(bindir); then
        echo "== installing PostgreSQL from the distribution's packages" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
        bin=$(bindir)
    fi
    # The server refuses to run as root: the cluster belongs to the `postgres` user (made by
    # the package), or to whoever runs this.
    run=()
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        run=(runuser -u postgres --)
    fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    # A CA and a server certificate for 127.0.0.1, valid two days.
    tls="$dir/tls"
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=callnudge test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$tls/ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
        -days 2 -extfile "$tls/ext" -out "$tls/server.pem" 2>/dev/null
    chmod 600 "$tls/server.key"
    [ "$(id -u)" = 0 ] && chown -R postgres "$tls"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${run[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
    "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c ssl=on \
            -c ssl_cert_file=$tls/server.pem -c ssl_key_file=$tls/server.key" start >&2
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    bin=$(bindir) || exit 0
    run=()
    [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    [ -f "$dir/data/postmaster.pid" ] && "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >&2 || true
    rm -rf "$dir"
    ;;
esac
