#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Takes the screenshots in docs/screenshots (issue #6) from the real application under Xvfb:
# runs the desktop client's UI tests (tests/client/app_ui_test.cpp) against a real server and
# a private PostgreSQL, on an X server (Xvfb, Qt platform xcb) instead of the offscreen
# platform, and saves what the window shows at the points the tests mark with snapshot().
# The tests never compare pictures; this only makes them. Usage: tools/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/packages.sh
ensure_packages "${WARDLINE_BUILD_PACKAGES[@]}" "${WARDLINE_CLIENT_PACKAGES[@]}" \
    "${WARDLINE_RUN_PACKAGES[@]}" xvfb xauth fonts-dejavu-core

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/wardline-ccache}"
export TMPDIR=/tmp
cmake --preset ci >/dev/null
cmake --build --preset ci --target client_app_ui_test wardline-server wardlinectl wardline-test-pg

out="$PWD/docs/screenshots"
shots=$(mktemp -d)
trap 'rm -rf "$shots"' EXIT
# The tests that pass the screens of the README: sign-in, the first sign-in's MFA enrollment,
# the chat (list and conversation, both sides), the lock screen, the users view, the audit view,
# the retention view with a dry-run report, the legal holds view, and the chat on a dark palette.
tests='ClientAppUi\.(AnAdministratorSignsInWithTotp|TheFirstSignInChangesThePassword|AnIdleWindowLocks|AComplianceOfficerFiltersPages|AMessageTypedAndSentWithEnter|ANurseSeesNoAdminView)'
tests+='|ClientAppRetention\.(AnAdminProposesAShorterPolicy|AComplianceOfficerPlacesAndReleases)'
tests+='|ClientAppPalette\.TheChatAndDirectoryOnADarkPalette'
WARDLINE_TEST_SCREENSHOTS="$shots" WARDLINE_TEST_QPA=xcb \
    xvfb-run -a -s "-screen 0 1600x1000x24 -dpi 96" \
    ctest --test-dir build/ci -R "$tests" --output-on-failure --timeout 300

mkdir -p "$out"
count=0
for f in "$shots"/*.png; do
    [ -e "$f" ] || continue
    cp "$f" "$out/"
    count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "no screenshots were taken" >&2; exit 1; }
echo "==> $count screenshots in docs/screenshots:"
ls -1 "$out"
