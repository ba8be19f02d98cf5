#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer (swiftc -sanitize=fuzzer): URL
# normalization and the cache key, cache headers and HTTP dates, Retry-After, the JSON body
# normalizer, job settings, host spellings and the address policy, stored timestamps.
#
#   scripts/fuzz.sh [SECONDS-PER-TARGET] [TARGET...]     (default: 60 s, every target)
#
# The corpus grows in .build-fuzz/corpus/TARGET, seeded from Tests/FuzzCorpus/TARGET. A crash
# (a trap, a broken round trip, or an input slower than 5 s) stops with the input saved in
# .build-fuzz/crashes/: copy it into Tests/FuzzCorpus/TARGET/ and it runs in every `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
scratch=.build-fuzz
swift build --scratch-path "$scratch" --product cachewarm-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING >&2
bin=$(swift build --scratch-path "$scratch" --product cachewarm-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING --show-bin-path)/cachewarm-fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(ls Tests/FuzzCorpus)
mkdir -p "$scratch/crashes"
status=0 passed=0 failed=0
for target in "${targets[@]}"; do
  corpus="$scratch/corpus/$target"
  mkdir -p "$corpus"
  cp -n Tests/FuzzCorpus/"$target"/* "$corpus"/ 2>/dev/null || true
  log="$scratch/$target.log"
  if CACHEWARM_FUZZ_TARGET=$target "$bin" -max_total_time="$seconds" -timeout=5 -max_len=8192 -rss_limit_mb=2048 \
      -artifact_prefix="$scratch/crashes/$target-" "$corpus" >"$log" 2>&1; then
    printf 'fuzz %-14s ok: %s\n' "$target" "$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)"
    passed=$((passed + 1))
  else
    status=1 failed=$((failed + 1))
    printf 'fuzz %-14s FOUND A CRASH (log %s):\n' "$target" "$log"
    grep -E 'ERROR|Fatal error|deadly|Test unit written' "$log" | head -5
  fi
done
echo "fuzz: $passed passed, $failed failed"
exit $status
