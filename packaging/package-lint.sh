#!/usr/bin/env bash
# Builds the Debian package from a build tree, in a scratch directory, and runs Debian's
# checkers on what it contains: lintian, appstreamcli, desktop-file-validate, hardening-check
# (and systemd-analyze, when systemd is installed). Fails on any error or warning.
# usage: package-lint.sh CPACK CPACK_CONFIG SCRATCH_DIR   (ctest's package_lint runs it)
set -euo pipefail

cpack=$1 config=$2 scratch=$3

missing=()
for tool in lintian appstreamcli desktop-file-validate hardening-check dpkg-deb; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "package-lint: ${missing[*]} not found; scripts/install-deps.sh installs them" >&2
    exit 1
fi

rm -rf "$scratch"
mkdir -p "$scratch"
if ! "$cpack" -G DEB --config "$config" -B "$scratch" >"$scratch/cpack.log" 2>&1; then
    cat "$scratch/cpack.log" >&2
    exit 1
fi
shopt -s nullglob
debs=("$scratch"/*.deb)
if ((${#debs[@]} != 1)); then
    echo "package-lint: expected one .deb in $scratch, found ${#debs[@]}" >&2
    exit 1
fi
deb=${debs[0]}
echo "== ${deb##*/}"
dpkg-deb --info "$deb" control

failed=()

echo "== lintian"
# Errors and warnings fail; info and pedantic notes are shown, not counted.
lintian --info --display-info --pedantic --fail-on error,warning "$deb" || failed+=(lintian)

root=$scratch/root
dpkg-deb -x "$deb" "$root"

echo "== appstreamcli validate"
# --strict: warnings and infos fail too; pedantic notes are shown, not counted.
appstreamcli validate --pedantic --no-net --strict \
    "$root"/usr/share/metainfo/*.metainfo.xml || failed+=(appstreamcli)

echo "== desktop-file-validate"
# It exits non-zero on errors only: warnings and hints count too.
report=$(desktop-file-validate "$root"/usr/share/applications/*.desktop 2>&1) || true
if [[ -n $report ]]; then
    echo "$report"
    failed+=(desktop-file-validate)
fi

echo "== hardening-check"
# Not fortify: it looks for calls to *_chk functions, which the compiler emits only where it
# knows a buffer's size but cannot prove the call safe; our code has none, although it is
# built with -D_FORTIFY_SOURCE=2.
# Not control flow protection: Debian 12's crt1.o lacks the note, so no bookworm binary has it.
hardening-check --nofortify --nocfprotection "$root"/usr/bin/sse-dashboard ||
    failed+=(hardening-check)

if command -v systemd-analyze >/dev/null; then
    echo "== systemd-analyze security"
    # Syntax (an unknown key is only a message on stderr) and the sandbox: exposure at most
    # 2.0 of 10 (it is 1.4).
    unit=$root/usr/lib/systemd/system/sse-dashboard.service
    status=0
    report=$(systemd-analyze security --offline=yes --threshold=20 "$unit" 2>&1 \
        >"$scratch/security.txt") || status=$?
    tail -n 1 "$scratch/security.txt"
    if ((status)) || [[ -n $report ]]; then
        echo "$report"
        failed+=(systemd-analyze)
    fi
fi

if ((${#failed[@]})); then
    echo "package-lint: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "package-lint: ${deb##*/} is clean"
