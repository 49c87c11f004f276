#!/usr/bin/env bash
# Starts the release build for the browser tests: a fresh SQLite file with one user per role, a
# fixed sandbox port the tests reach as "the app's backend" (creating tasks, injecting faults), a
# fast sandbox clock, and budgets that let a test see a new task within seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
port=${PUSHDECK_E2E_PORT:-3400}
dir=target/e2e
mkdir -p "$dir"
rm -f "$dir"/pushdeck.db*
export PUSHDECK__SERVER__LISTEN="127.0.0.1:$port"
export PUSHDECK__DATABASE__URL="sqlite://$dir/pushdeck.db"
export PUSHDECK__SANDBOX__LISTEN="127.0.0.1:$((port + 1))"
export PUSHDECK__SANDBOX__ADMIN_API=true
export PUSHDECK__SANDBOX__SEED=7
export PUSHDECK__SANDBOX__SPEEDUP=120
export PUSHDECK__SANDBOX__BACKGROUND_EVERY_SECS=0
export PUSHDECK__SANDBOX__STATS_CALLS_PER_HOUR=100000
export PUSHDECK__SANDBOX__PUSHES_PER_SECOND=50
export PUSHDECK__SYNC__CALLS_PER_HOUR=100000
export PUSHDECK__LOG__FILTER=${PUSHDECK__LOG__FILTER:-warn,pushdeck=info}
# PUSHDECK_BIN runs the suite against another build (a debug one while working on a spec).
bin=${PUSHDECK_BIN:-target/release/pushdeck}
# One user per role (and an operator who may only Terminate); their passwords are test fixtures
# known to end2end/tests/support.ts.
"$bin" migrate
add() { printf '%s' "$3" | "$bin" user add --username "$1" --role "$2" ${4:+--permissions "$4"} >/dev/null; }
add e2e-admin admin "admin-password-e2e"
add e2e-operator operator "operator-password-e2e"
add e2e-viewer viewer "viewer-password-e2e"
add e2e-terminator operator "terminator-password-e2e" terminate
# Chooses languages with the header's switch (stored with the user), so no other spec's user does.
add e2e-switcher operator "switcher-password-e2e"
exec "$bin" serve
