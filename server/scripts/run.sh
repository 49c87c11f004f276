#!/usr/bin/env bash
# `make run`: install what is missing, build the release console, and serve it at
# http://127.0.0.1:3000 with an SQLite file under ./data and the bundled TPNS sandbox as upstream.
set -euo pipefail
cd "$(dirname "$0")/../.."
server/scripts/setup.sh
source server/scripts/env.sh
cargo leptos build --release
exec target/release/pushdeck serve "$@"
