#!/usr/bin/env bash
# Installs everything the build and the tests need on a Debian machine, skipping each step that is
# already satisfied, so a second run takes seconds. Nothing here downloads from GitHub: only the
# crates.io, npm and Debian registries are reachable on our machines (see server/scripts/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

CARGO_LEPTOS_VERSION=0.3.11
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Chromium for the browser tests (Debian's; Playwright never downloads its own browser here).
if ! command -v chromium >/dev/null 2>&1; then
  log "installing Debian chromium"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
fi

# 1b. A font with Chinese glyphs, so that the Chinese pages render (and screenshot) as readers
#     see them rather than as empty boxes.
if ! fc-list 2>/dev/null | grep -qi 'wqy\|noto sans cjk'; then
  log "installing a Chinese font (fonts-wqy-microhei)"
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei \
    || { sudo_ apt-get update -qq && sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei; }
fi

# 2. The WebAssembly target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 3. cargo-leptos. Its shipped Cargo.lock pins cargo-util-schemas 0.14.2, which needs a newer rustc
#    than ours (1.95); install from its source with that one pin moved back.
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION from crates.io (about 16 minutes on 2 cores)"
  tmp=$(mktemp -d)
  cargo info "cargo-leptos@$CARGO_LEPTOS_VERSION" >/dev/null
  cp -r "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"cargo-leptos-$CARGO_LEPTOS_VERSION" "$tmp/"
  (cd "$tmp/cargo-leptos-$CARGO_LEPTOS_VERSION" \
    && cargo update -q -p cargo-util-schemas --precise 0.14.1 \
    && CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
       cargo install -q --path . --locked)
  rm -rf "$tmp"
fi

# 4. wasm-bindgen CLI at exactly the version of the wasm-bindgen crate in Cargo.lock (a mismatch
#    stops the build on a schema-version error). Not --locked: its lockfile pins a yanked crate.
wb_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock 2>/dev/null || true)
wb_version=${wb_version:-0.2.130}
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  log "installing wasm-bindgen-cli $wb_version"
  cargo install -q wasm-bindgen-cli --version "$wb_version" --force
fi

# 5. npm: the Tailwind v4 CLI and wasm-opt (binaryen from npm; Debian's wasm-opt 108 silently
#    breaks hydration) in style/, Playwright (driving Debian's chromium) in end2end/.
for dir in style end2end; do
  stamp=$dir/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
    log "npm ci in $dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# 6. PostgreSQL for the store tests: start the local cluster if it is installed but stopped.
if command -v pg_lsclusters >/dev/null 2>&1; then
  if ! pg_lsclusters --no-header | grep -q online; then
    log "starting the local PostgreSQL cluster"
    v=$(ls /etc/postgresql | head -n1)
    sudo_ pg_ctlcluster --skip-systemctl-redirect "$v" main start
  fi
else
  log "installing PostgreSQL"
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
  v=$(ls /etc/postgresql | head -n1)
  sudo_ pg_ctlcluster --skip-systemctl-redirect "$v" main start
fi
log "tools ready"
