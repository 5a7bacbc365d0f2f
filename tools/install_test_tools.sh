#!/usr/bin/env bash
# What the tests that skip without it need, on a Debian-like host (root, apt-get), for
# `make test-tools` and .ci/run; installs only what is missing:
#   pdflatex with booktabs, array and longtable (texlive-latex-recommended) and pdftoppm
#   (poppler-utils): the tests that compile the LaTeX tables;
#   a headless Chromium at /usr/bin/chromium (chromium, chromium-driver): the browser tests
#   (tests/support/browser.py, Playwright's Python API on this browser).
set -euo pipefail

packages=()
command -v pdflatex >/dev/null || packages+=(texlive-latex-recommended)
command -v pdftoppm >/dev/null || packages+=(poppler-utils)
[[ -x /usr/bin/chromium ]] || packages+=(chromium chromium-driver fonts-dejavu-core)

if [[ ${#packages[@]} -eq 0 ]]; then
    echo "test tools present: pdflatex, pdftoppm, /usr/bin/chromium"
    exit 0
fi
if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "missing ${packages[*]}: install them as root with apt-get (Debian-like hosts);" \
        "the tests that need them skip without" >&2
    exit 1
fi
echo "installing ${packages[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"
