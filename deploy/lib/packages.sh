# SPDX-License-Identifier: Apache-2.0
# Sourced by deploy/quickstart.sh and tests/run.sh: installs Debian packages that are missing.

# Packages to build the server and its tests (Debian 12).
WARDLINE_BUILD_PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config
    libboost1.81-dev libboost-program-options1.81-dev libssl-dev libpq-dev libsodium-dev
    nlohmann-json3-dev libspdlog-dev libgtest-dev libgmock-dev libicu-dev
)
# Packages to build the Qt desktop client (client-qt/, issue #6) and its headless tests.
WARDLINE_CLIENT_PACKAGES=(
    qt6-base-dev qt6-websockets-dev libqt6sql6-sqlite qtkeychain-qt6-dev libqrencode-dev
)
# Packages to run it: the private PostgreSQL cluster and tools the scripts use.
WARDLINE_RUN_PACKAGES=(postgresql-15 openssl curl util-linux)

# ensure_packages PKG...: installs those not yet installed, with one apt-get update.
ensure_packages() {
    local missing=()
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "==> installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# run_as_postgres CMD...: PostgreSQL refuses to run as root; as root, run through the
# `postgres` account that the Debian package creates. As another user, run directly.
run_as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

PG_BIN=/usr/lib/postgresql/15/bin
