#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every Wardline test on a fresh Debian 12 machine:
#   1. installs what is missing (apt-get),
#   2. builds with warnings as errors and runs the whole ctest suite (unit, integration
#      against a private PostgreSQL the run starts itself, real server processes over TLS),
#   3. builds with AddressSanitizer + UndefinedBehaviorSanitizer and runs the suite again,
#   4. builds the libFuzzer targets with clang and runs a short fuzz smoke test.
# Exits non-zero on any failure. Options: --quick (step 2 only), --no-fuzz, --no-sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/packages.sh

quick=0 fuzz=1 sanitizers=1
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        --no-fuzz) fuzz=0 ;;
        --no-sanitizers) sanitizers=0 ;;
        *) echo "usage: tests/run.sh [--quick] [--no-fuzz] [--no-sanitizers]" >&2; exit 2 ;;
    esac
done
[ $quick -eq 1 ] && { fuzz=0; sanitizers=0; }

packages=("${WARDLINE_BUILD_PACKAGES[@]}" "${WARDLINE_CLIENT_PACKAGES[@]}" "${WARDLINE_RUN_PACKAGES[@]}")
[ $fuzz -eq 1 ] && packages+=(clang-14 libclang-rt-14-dev)
ensure_packages "${packages[@]}"

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/wardline-ccache}"
export CCACHE_MAXSIZE=5G
# Tests start PostgreSQL as the postgres user; its files live under /tmp.
export TMPDIR=/tmp

stage() { echo; echo "==> $* ($(date -u +%H:%M:%S))"; }
started=$SECONDS

run_suite() {
    local preset=$1
    stage "configure + build: $preset"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
    stage "test: $preset"
    ctest --preset "$preset" --timeout 300
}

run_suite ci

if [ $sanitizers -eq 1 ]; then
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    run_suite asan-ubsan
fi

if [ $fuzz -eq 1 ]; then
    stage "configure + build: fuzz"
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz --target wardline_fuzz_targets
    stage "test: fuzz smoke"
    ctest --preset fuzz --timeout 300
fi

stage "all tests passed in $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
