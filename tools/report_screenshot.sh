#!/bin/sh
# Look at the HTML report as a reader does: a headless Chromium renders it and saves a PNG.
#
#   tools/report_screenshot.sh [REPORT] [PNG] [HEIGHT]
#
# REPORT defaults to results/synthetic/report.html, PNG to report.png, HEIGHT (pixels of the
# 1280-pixel-wide window; the screenshot shows that much of the page) to 4000. Needs Chromium
# (Debian: apt-get install chromium). The report loads nothing from the network, so the
# screenshot shows exactly what a reader sees.
set -eu
report=${1:-results/synthetic/report.html}
png=${2:-report.png}
height=${3:-4000}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "Chromium is not installed (Debian: apt-get install chromium)." >&2
    exit 1
fi
if [ ! -f "$report" ]; then
    echo "$report does not exist; build it with: make report" >&2
    exit 1
fi
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1280,"$height" --screenshot="$png" "$url" 2>/dev/null
echo "$png: the first $height pixels of $report at 1280 pixels wide"
