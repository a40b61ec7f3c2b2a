#!/usr/bin/env bash
# Refreshes the vendored axe-core (MPL-2.0) used by the browser tests to check accessibility.
set -euo pipefail
version="${1:-4.14.1}"
dest="$(cd "$(dirname "$0")/../.." && pwd)/crates/tremplin/tests/assets"
tmp=$(mktemp -d)
(cd "$tmp" && npm pack "axe-core@$version" --silent >/dev/null && tar xzf axe-core-*.tgz)
cp "$tmp/package/axe.min.js" "$dest/axe.min.js"
cp "$tmp/package/LICENSE" "$dest/axe-core-LICENSE.txt"
echo "axe-core $version -> $dest"
