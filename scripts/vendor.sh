#!/usr/bin/env bash
# Refreshes the vendored front-end files from the npm registry (never a CDN at run time).
# Usage: scripts/vendor.sh   (needs npm; writes crm/static/vendor/ and tests/vendor/)
set -euo pipefail
BOOTSTRAP=5.3.9
HTMX=2.0.11
CHARTJS=4.6.1
AXE=4.14.1

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" "chart.js@$CHARTJS" "axe-core@$AXE" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}" && tar -xzf "$f" -C "${f%.tgz}"; done

out="$root/crm/static/vendor"
mkdir -p "$out/bootstrap" "$out/htmx" "$out/chartjs" "$root/tests/vendor"
cp "bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css" \
   "bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.rtl.min.css" \
   "bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js" \
   "bootstrap-$BOOTSTRAP/package/LICENSE" "$out/bootstrap/"
cp "htmx.org-$HTMX/package/dist/htmx.min.js" "htmx.org-$HTMX/package/LICENSE" "$out/htmx/"
cp "chart.js-$CHARTJS/package/dist/chart.umd.min.js" "chart.js-$CHARTJS/package/LICENSE.md" \
   "$out/chartjs/"
cp "axe-core-$AXE/package/axe.min.js" "$root/tests/vendor/axe.min.js"
cp "axe-core-$AXE/package/LICENSE" "$root/tests/vendor/axe-LICENSE"
# Source maps are not shipped: drop the trailing reference so browsers do not request them.
sed -i '/sourceMappingURL/d' "$out"/bootstrap/*.css "$out"/bootstrap/*.js "$out"/chartjs/*.js
cat > "$out/VERSIONS.txt" <<TXT
Vendored by scripts/vendor.sh from the npm registry.
bootstrap $BOOTSTRAP (MIT): bootstrap.min.css, bootstrap.rtl.min.css, bootstrap.bundle.min.js
htmx.org $HTMX (0BSD): htmx.min.js
chart.js $CHARTJS (MIT): chart.umd.min.js
axe-core $AXE (MPL-2.0, tests only): tests/vendor/axe.min.js
TXT
echo "vendored into $out"
