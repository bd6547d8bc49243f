#!/usr/bin/env bash
# Builds the libFuzzer harnesses of Fuzz/ (libFuzzer and AddressSanitizer; SwiftPM instruments
# the C target CKernels the same way) and runs each for FUZZ_SECONDS (default 60) on a scratch
# copy of its seed corpus, then prints one line per harness: executions and crashes. Exits 1
# when any harness crashed, leaked, timed out or ran out of memory.
#
#   FUZZ_SECONDS=10 Scripts/fuzz.sh                 # what CI runs
#   FUZZ_HARNESSES="FuzzIDX FuzzGzip" Scripts/fuzz.sh
#
# Nothing is written into Fuzz/Corpus: the corpus grows in .build/fuzz-corpus/<harness> (kept
# between runs), inputs that fail land in .build/fuzz-artifacts/<harness> (emptied at the start
# of each run) and libFuzzer's output in .build/fuzz-logs/<harness>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_CONFIG=${FUZZ_CONFIG:-release}
read -r -a HARNESSES <<< "${FUZZ_HARNESSES:-FuzzSafeTensors FuzzIDX FuzzGzip FuzzStateDict FuzzONNX FuzzArguments}"
# --sanitize=fuzzer makes SwiftPM link libFuzzer's main (instead of the target's) and
# instruments the C target; the Swift driver keeps only the last -sanitize= it is given, so
# SwiftPM's two separate flags leave Swift code without coverage, hence -Xswiftc.
BUILD=("$SWIFT" build --package-path Fuzz -c "$FUZZ_CONFIG" --sanitize=fuzzer --sanitize=address
    -Xswiftc -sanitize=fuzzer,address)

echo "${BUILD[*]}"
# ld.gold warns once per ASan check routine that it cannot export a local symbol; harmless.
"${BUILD[@]}" 2>&1 | { grep -v "Cannot export local symbol '__asan" || true; }
BIN=$("${BUILD[@]}" --show-bin-path)

# Swift's own crash backtracer reads memory that ASan then reports; libFuzzer's and ASan's
# reports of a trap are the ones wanted here.
export SWIFT_BACKTRACE=enable=no
# The harnesses that read paths write each input to a file under TMPDIR.
export TMPDIR="$PWD/.build/fuzz-tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR" .build/fuzz-logs

failed=0
for harness in "${HARNESSES[@]}"; do
    corpus=.build/fuzz-corpus/$harness
    artifacts=.build/fuzz-artifacts/$harness
    log=.build/fuzz-logs/$harness.log
    mkdir -p "$corpus"
    cp Fuzz/Corpus/"$harness"/* "$corpus"/
    if [ "$harness" = FuzzStateDict ]; then
        # A complete LeNet-5 state dict (PyTorch's, 247 KB), too big for the seed folder.
        cp Tests/Fixtures/lenet5-weights.safetensors "$corpus"/
    fi
    rm -rf "$artifacts"
    mkdir -p "$artifacts"
    status=0
    "$BIN/$harness" "$corpus" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" > "$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    crashes=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
        -o -name 'oom-*' \) | wc -l)
    printf '%-16s %12s executions in %ss, %d crash(es)\n' "$harness" "${executions:-?}" "$FUZZ_SECONDS" "$crashes"
    if [ "$crashes" -gt 0 ] || [ "$status" -ne 0 ]; then
        failed=1
        echo "--- $harness exited with status $status; the end of $log:"
        tail -n 40 "$log"
        find "$artifacts" -type f -exec echo "input that failed: {}" \;
    fi
done
if [ "$failed" -ne 0 ]; then
    echo "fuzzing found crashes: Fuzz/README.md says how to turn each into a regression test"
fi
exit "$failed"
