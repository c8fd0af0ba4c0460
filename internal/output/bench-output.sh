#!/bin/sh
# The build-output hash beside sha256sum on the same generated folder, in
# the same run: `make bench-output` runs it with the test binary it built.
# Usage: bench-output.sh TESTBIN DIR (DIR/tree is the generated output,
# written once: CCU_BENCH_OUTPUT_FILES files, CCU_BENCH_OUTPUT_BYTES bytes).
set -eu
bin=$1
export CCU_BENCH_OUTPUT_DIR="$2"
export CCU_BENCH_OUTPUT_FILES="${CCU_BENCH_OUTPUT_FILES:-100000}"
export CCU_BENCH_OUTPUT_BYTES="${CCU_BENCH_OUTPUT_BYTES:-2147483648}"
tree="$2/tree"
run_hash() { "$bin" -test.run '^$' -test.bench '^BenchmarkHash$' -test.benchtime 1x | grep '^BenchmarkHash'; }
run_shasum() { find "$tree" -type f -print0 | xargs -0 -P2 sha256sum >/dev/null; }

# Timed with the peak RSS when GNU time is there; the benchmark's own
# sys-MB (runtime.MemStats.Sys) is printed either way.
timed() {
	label=$1
	shift
	if [ -x /usr/bin/time ] && /usr/bin/time -f '' true 2>/dev/null; then
		/usr/bin/time -f "$label: %e s wall, peak RSS %M KiB" "$@"
	else
		start=$(date +%s.%N)
		"$@"
		echo "$label: $(echo "$(date +%s.%N) - $start" | bc) s wall (no /usr/bin/time: peak RSS not measured)"
	fi
}

echo "generating (once) and warming the page cache: $CCU_BENCH_OUTPUT_FILES files, $CCU_BENCH_OUTPUT_BYTES bytes in $tree"
run_hash >/dev/null
run_shasum
for run in 1 2 3; do
	echo "--- run $run"
	timed "find | xargs -0 -P2 sha256sum" sh -c "$(command -v find) \"\$0\" -type f -print0 | xargs -0 -P2 sha256sum >/dev/null" "$tree"
	timed "output.Hash (test binary)" "$bin" -test.run '^$' -test.bench '^BenchmarkHash$' -test.benchtime 1x
done
