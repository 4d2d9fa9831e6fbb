#!/usr/bin/env bash
# Refreshes the screenshots in docs/ from the current build: the dashboard with six browsers
# connected and a little traffic, at 1024x640, 1280x720, 1366x768 and 1920x1080, in English
# and Chinese (1280x720 only).
# docs/screenshot.png (the README's) is the 1366x768 one.
set -euo pipefail
cd "$(dirname "$0")/.."
# The Chinese screenshot needs a CJK font, or every character is drawn as a box.
if ! fc-list :lang=zh | grep -q .; then
    echo "screenshots.sh: no Chinese font; install one first: sudo apt-get install fonts-wqy-microhei" >&2
    exit 1
fi
cmake --build --preset ci --target dashboard_screenshots >/dev/null
for locale in en zh_CN; do
    QT_QPA_PLATFORM=offscreen ./build/tests/ui/dashboard_screenshots docs "$locale"
done
mv docs/screenshot-1366x768.png docs/screenshot.png
rm -f docs/screenshot-1366x768-zh_CN.png docs/screenshot-1920x1080-zh_CN.png docs/screenshot-1024x640-zh_CN.png
ls -1 docs/*.png
