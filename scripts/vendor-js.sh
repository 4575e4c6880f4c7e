#!/usr/bin/env bash
# Refresh the vendored front-end libraries from the npm registry: Leaflet (BSD-2-Clause) into the
# app's static files, axe-core (MPL-2.0) into the test suite. Nothing is fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp package.json "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund)
leaflet=callingtime/evidence/static/vendor/leaflet-1.9.4
axe=tests/vendor/axe-core-4.14.1
mkdir -p "$leaflet" "$axe"
cp -r "$work"/node_modules/leaflet/dist/{leaflet.js,leaflet.css,images} "$leaflet/"
cp "$work"/node_modules/leaflet/LICENSE "$leaflet/LICENSE"
cp "$work"/node_modules/axe-core/{axe.min.js,LICENSE} "$axe/"
