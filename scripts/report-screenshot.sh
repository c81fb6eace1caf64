#!/bin/sh
# report-screenshot.sh REPORT.html [OUT.png [WIDTHxHEIGHT]]
#
# Renders a systr HTML report (analysis.Report) in headless Chromium and
# prints the path of the PNG screenshot (default: REPORT.png, 1280x2400).
# Installs Debian's chromium with apt-get if no Chromium or Chrome is on
# PATH. Runs as root too (--no-sandbox).
set -eu

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
	echo "usage: $0 REPORT.html [OUT.png [WIDTHxHEIGHT]]" >&2
	exit 2
fi
html=$(realpath "$1")
out=${2:-${html%.html}.png}
size=${3:-1280x2400}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

browser=
for b in chromium chromium-browser google-chrome google-chrome-stable; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [ -z "$browser" ]; then
	echo "report-screenshot: no chromium on PATH, installing Debian's" >&2
	if [ "$(id -u)" -ne 0 ]; then
		echo "report-screenshot: installing chromium needs root" >&2
		exit 1
	fi
	apt-get update >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2
	browser=chromium
fi

# A private profile: no first-run state, no lock shared with a running
# browser.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$out"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--user-data-dir="$profile" --no-first-run --disable-extensions \
	--window-size="$(echo "$size" | tr x ,)" \
	--screenshot="$out" "file://$html" >&2 2>/dev/null || true
if [ ! -s "$out" ]; then
	echo "report-screenshot: $browser made no screenshot of $html" >&2
	exit 1
fi
echo "$out"
