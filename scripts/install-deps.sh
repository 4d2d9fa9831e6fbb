#!/usr/bin/env bash
# Installs what building, running and testing SSE Dashboard needs on Debian 12.
# Idempotent: installs only the packages that are missing, so a warm machine pays nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format clang libfuzzer-14-dev
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
  libqt6sql6-sqlite libgl-dev libqrencode-dev qt6-qpa-plugins libhttp-parser-dev
  libhiredis-dev redis-server liburing-dev
  libssl-dev openssl libnss3-tools libnghttp2-dev nghttp2-client
  xvfb xauth
  chromium
  nginx libnginx-mod-nchan curl
  help2man lintian appstream desktop-file-utils devscripts
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# Node.js may come from another packaging than Debian's (it bundles npm then): check commands.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  # The nginx package starts a system service on port 80; the benchmark starts its own instance.
  if [[ " ${missing[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null; then
    "${sudo_cmd[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
  # Likewise redis-server's service on 6379: the tests start their own on free ports.
  if [[ " ${missing[*]} " == *" redis-server "* ]] && command -v systemctl >/dev/null; then
    "${sudo_cmd[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
fi
