#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into BUILD_DIR and fuzzes one: the request parsers
# (fuzz_requestparsers, seeds in corpus/) or, with FUZZ_TARGET=fuzz_http2, the HTTP/2 front
# (seeds in corpus-http2/).
#   [FUZZ_TARGET=NAME] tests/fuzz/run.sh BUILD_DIR [SECONDS | -runs=N] [more libFuzzer flags]
# The committed seed corpus is copied first, so the fuzzer never writes into the repository.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [SECONDS] [libFuzzer flags]}
limit=${2:-30}
shift $(($# < 2 ? $# : 2))

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" >/dev/null

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
target=${FUZZ_TARGET:-fuzz_requestparsers}
case $target in
    fuzz_requestparsers) seeds=corpus ;;
    fuzz_http2) seeds=corpus-http2 ;;
    *) echo "unknown FUZZ_TARGET $target" >&2; exit 2 ;;
esac
cp "$here"/$seeds/* "$corpus"/
if [[ $limit == -runs=* ]]; then
    time_flag=$limit
else
    time_flag=-max_total_time=$limit
fi
# ASan's leak check stays on: nothing the parsers allocate may outlive a call.
# A crashing input is written into the build directory, never into the working directory.
set +e
"$build"/"$target" "$time_flag" -seed=1 -max_len=8192 -timeout=5 -print_final_stats=1 \
    -artifact_prefix="$build/" "$@" "$corpus" 2>&1 |
    grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|Done|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)'
status=${PIPESTATUS[0]}
exit "$status"
