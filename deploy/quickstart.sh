#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Wardline quick start on a fresh Debian 12 machine (as root or a sudoer):
#   installs what is missing, builds release binaries, creates a private PostgreSQL cluster
#   under ./var (Unix socket only, never the system service), applies migrations, makes a
#   self-signed TLS certificate, creates a demo organization with one admin and two
#   clinicians (printing their one-time passwords once), and runs wardline-server on
#   wss://localhost:8443/v1/ws in the foreground. Ctrl-C stops the server and PostgreSQL.
#   Running it again reuses ./var.
# Environment: WARDLINE_LISTEN (default 127.0.0.1:8443).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LISTEN="${WARDLINE_LISTEN:-127.0.0.1:8443}"
cd "$ROOT"
source deploy/lib/packages.sh

ensure_packages "${WARDLINE_BUILD_PACKAGES[@]}" "${WARDLINE_RUN_PACKAGES[@]}"

echo "==> building release binaries"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/wardline-ccache}"
mkdir -p var
if ! { cmake --preset release && cmake --build --preset release --target wardline-server wardlinectl; } \
        > var/build.log 2>&1; then
    tail -n 40 var/build.log
    echo "build failed; the whole log is in var/build.log" >&2
    exit 1
fi
BIN="$ROOT/build/release/server"
CTL="$BIN/ctl/wardlinectl"
SERVER="$BIN/app/wardline-server"

VAR="$ROOT/var"
SECRETS="$VAR/secrets"
mkdir -p "$VAR" "$SECRETS" "$VAR/tls"
chmod 700 "$SECRETS"

# PostgreSQL runs as the postgres account. If that account cannot reach ./var (a clone
# under /root, say), the cluster lives in /var/lib/wardline-quickstart and ./var/pg links to it.
PG="$VAR/pg"
if [ ! -e "$PG" ]; then
    mkdir -p "$PG"
    if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$PG"; then
        rmdir "$PG"
        alt="/var/lib/wardline-quickstart/$(echo -n "$ROOT" | sha256sum | cut -c1-12)"
        mkdir -p "$alt"
        ln -s "$alt" "$PG"
        echo "==> the postgres account cannot reach $VAR; cluster lives in $alt"
    fi
fi
PG="$(readlink -f "$PG")"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG"
chmod 700 "$PG"
DATA="$PG/data"
RUN="$PG/run"

secret() {  # secret NAME: a random password kept in var/secrets/NAME (created once)
    local f="$SECRETS/$1"
    [ -s "$f" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$f")
    cat "$f"
}
SU_PW="$(secret pg-superuser.pw)"
OWNER_PW="$(secret db-owner.pw)"
APP_PW="$(secret db-app.pw)"

if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "==> creating the private PostgreSQL cluster in $DATA"
    pwfile="$PG/.pwfile"
    (umask 077; echo "$SU_PW" > "$pwfile")
    [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
    run_as_postgres "$PG_BIN/initdb" -D "$DATA" -U postgres --auth-local=scram-sha-256 \
        --auth-host=scram-sha-256 --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
fi
run_as_postgres mkdir -p "$RUN"

pg_started=0
server_pid=""
cleanup() {
    trap - INT TERM EXIT
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ $pg_started -eq 1 ]; then
        echo "==> stopping PostgreSQL"
        run_as_postgres "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true
    fi
}
trap cleanup INT TERM EXIT

if ! run_as_postgres "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    echo "==> starting PostgreSQL (Unix socket in $RUN, no TCP)"
    run_as_postgres "$PG_BIN/pg_ctl" -D "$DATA" -w -l "$PG/postgresql.log" \
        -o "-c listen_addresses='' -k $RUN" start >/dev/null
    pg_started=1
fi

echo "==> database roles, database and migrations"
PGPASSWORD="$SU_PW" WARDLINE_DB_OWNER_PASSWORD="$OWNER_PW" WARDLINE_DB_PASSWORD="$APP_PW" \
    "$CTL" db-bootstrap --admin-url "host=$RUN user=postgres dbname=postgres" \
    --database wardline --owner wardline_owner --runtime wardline_app
OWNER_URL="host=$RUN dbname=wardline user=wardline_owner"
WARDLINE_DB_PASSWORD="$OWNER_PW" "$CTL" migrate --database-url "$OWNER_URL"

if [ ! -s "$VAR/tls/cert.pem" ]; then
    echo "==> self-signed TLS certificate for localhost"
    "$CTL" tls self-signed --cert "$VAR/tls/cert.pem" --key "$VAR/tls/key.pem" \
        --name localhost --name 127.0.0.1 --name ::1
fi

if [ ! -s "$SECRETS/sealing.keyring" ]; then
    echo "==> keyring that seals TOTP secrets at rest"
    "$CTL" keys create --out "$SECRETS/sealing.keyring"
fi

if [ ! -s "$SECRETS/blind-index.key" ]; then
    echo "==> key of the MRN blind index of patient threads (not the sealing key)"
    (umask 077 && head -c 32 /dev/urandom | base64 > "$SECRETS/blind-index.key")
fi

if [ ! -s "$SECRETS/audit.key" ]; then
    echo "==> audit signing key (verify the trail with: wardlinectl audit verify --public-key $SECRETS/audit.key.pub)"
    "$CTL" audit keygen --out "$SECRETS/audit.key"
fi

if [ ! -f "$VAR/demo-created" ]; then
    echo "==> demo organization and users (one-time passwords are shown only now)"
    export WARDLINE_DB_PASSWORD="$OWNER_PW"
    "$CTL" org create --name "Demo Hospital" --database-url "$OWNER_URL"
    "$CTL" user create --org "Demo Hospital" --username admin --display-name "Ada Admin" --role admin --database-url "$OWNER_URL"
    "$CTL" user create --org "Demo Hospital" --username dr.grey --display-name "Dr. Meredith Grey" --role physician --database-url "$OWNER_URL"
    "$CTL" user create --org "Demo Hospital" --username nurse.joy --display-name "Joy Nurse" --role nurse --database-url "$OWNER_URL"
    unset WARDLINE_DB_PASSWORD
    touch "$VAR/demo-created"
else
    echo "==> demo organization exists (its one-time passwords were printed on the first run)"
fi

cat > "$VAR/wardline.conf" <<CONF
# Generated by deploy/quickstart.sh. See deploy/wardline.conf.example for every key.
[server]
listen = $LISTEN
[tls]
certificate = $VAR/tls/cert.pem
private_key = $VAR/tls/key.pem
[database]
conninfo = host=$RUN dbname=wardline user=wardline_app
password_file = $SECRETS/db-app.pw
[identity]
sealing_keyring_file = $SECRETS/sealing.keyring
blind_index_key_file = $SECRETS/blind-index.key
[audit]
signing_key_file = $SECRETS/audit.key
[delivery]
external_sender_key_file = $SECRETS/external-sender.key
CONF

"$SERVER" --config "$VAR/wardline.conf" --check-config
cat <<HOW
==> the desktop client (Qt, needs a desktop session; build it once with the ci or dev preset,
    see docs/client.md), against this server and its self-signed certificate:
      build/ci/client-qt/app/wardline --server localhost:${LISTEN##*:} --ca-file $VAR/tls/cert.pem \\
          --organization "Demo Hospital" --username admin
    Sign in as admin, dr.grey or nurse.joy with the one-time password printed on the first run;
    the first sign-in asks for a new password and enrolls an authenticator app (QR code).
HOW
echo "==> wardline-server on wss://localhost:${LISTEN##*:}/v1/ws (health: https://localhost:${LISTEN##*:}/healthz). Ctrl-C stops."
"$SERVER" --config "$VAR/wardline.conf" &
server_pid=$!
wait "$server_pid" || true
