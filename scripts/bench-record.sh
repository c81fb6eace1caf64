#!/usr/bin/env bash
# bench-record.sh: the recorder's workloads (record/bench_test.go,
# BenchmarkRecord) natively, under the bare C ptrace loop, under
# `strace -f -o FILE -s 65536 -xx` and under systr's recorder (everything;
# a filtered set, beside strace --seccomp-bpf with the same set), in COUNT
# interleaved rounds, unpinned and pinned to CPU 0 (taskset -c 0), then
# medians and the issue's ratios.
#
#   ./scripts/bench-record.sh     (make bench runs it)
#
# Environment: COUNT (default 5), OUT (raw outputs; default a temp dir),
# NO_PIN=1 to skip the pinned rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-5}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/systr-bench-record.XXXXXX")}
mkdir -p "$OUT"
if ! command -v strace >/dev/null 2>&1; then
	echo "strace is missing; installing it (apt-get install strace)"
	(apt-get update -qq && apt-get install -y -qq strace) >/dev/null 2>&1 || echo "could not install strace: its rows are skipped"
fi
go test -c -o "$OUT/record.test" ./record/
modes=(unpinned)
if [ "${NO_PIN:-}" != 1 ] && command -v taskset >/dev/null 2>&1; then modes+=(pinned); fi
for i in $(seq "$COUNT"); do
	echo "round $i/$COUNT"
	(cd record && "$OUT/record.test" -test.run '^$' -test.bench 'Record' -test.benchtime 1x) >>"$OUT/unpinned.txt"
	if [ "${#modes[@]}" = 2 ]; then
		(cd record && taskset -c 0 "$OUT/record.test" -test.run '^$' -test.bench 'Record' -test.benchtime 1x) >>"$OUT/pinned.txt"
	fi
done
echo
echo "## medians (ms per run) and ratios"
for m in "${modes[@]}"; do
	awk -v mode="$m" '
	/^BenchmarkRecord\// {
		name = $1; sub(/^BenchmarkRecord\//, "", name); sub(/-[0-9]+$/, "", name)
		v[name] = v[name] " " $3 / 1e6; n[name]++
	}
	function median(s,   a, k, i, j, t) {
		k = split(s, a, " ")
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	END {
		printf "%s:\n", mode
		printf "  %-10s %9s %9s %9s %9s %9s %11s %11s | %13s %12s %16s %17s %16s\n", "workload", "native", "cloop", "strace", "systr", "systr-any", "strace-filt", "systr-filt", "systr/strace", "systr/cloop", "filtered/native", "filt/strace-filt", "systr-any/strace"
		split("find tar reads forkexec", ws, " ")
		for (i = 1; i <= 4; i++) {
			w = ws[i]
			if (!((w "/native") in v)) continue
			nat = median(v[w "/native"]); cl = median(v[w "/cloop"]); st = median(v[w "/strace"])
			sy = median(v[w "/systr"]); sa = median(v[w "/systr-any"]); sf = median(v[w "/systr-filtered"]); stf = median(v[w "/strace-filtered"])
			printf "  %-10s %9.1f %9.1f %9.1f %9.1f %9.1f %11.1f %11.1f | %12.2fx %11.2fx %15.2fx %16.2fx %15.2fx\n", w, nat, cl, st, sy, sa, stf, sf, sy / st, sy / cl, sf / nat, sf / stf, sa / st
		}
		print "  goals: systr/strace <= 0.8, systr/cloop <= 1.3, filtered/native <= 1.15 (strace-filt: strace --seccomp-bpf, same set)"
		print "  systr: the default (--cpu auto: tracer and program on one CPU); systr-any: --cpu any"
	}' "$OUT/$m.txt"
done
echo "raw outputs: $OUT"
