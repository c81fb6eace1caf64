#!/usr/bin/env bash
# bench.sh: the tracer's benchmarks side by side with their anchors (native
# runs, a bare C ptrace loop, strace), once with tracer and tracee free to
# run on every CPU and once with the whole benchmark process pinned to CPU 0
# (taskset -c 0: tracer, tracee and anchors share one CPU), then a table of
# medians and the issue's two ratios.
#
#   ./scripts/bench.sh            (or: make bench)
#
# Environment:
#   COUNT      samples per benchmark and mode (default 5)
#   BENCHTIME  go test -benchtime (default 1x: one run of the workload per
#              sample; 1s or 3x etc. for more runs per sample)
#   BENCH      go test -bench regexp (default .)
#   OUT        directory for the raw outputs (default: a new temporary one)
#   NO_PIN=1   skip the pinned run; NO_BENCHSTAT=1 skip benchstat
#   INTERLEAVE=0  one go test -count COUNT per mode instead of COUNT
#              alternating rounds of -count 1 (see below)
#
# Needs Go and cc (the benchmarks build their tracee programs themselves,
# through internal/testprog); strace is optional (its rows are skipped) and
# so is taskset (util-linux; without it the pinned run is skipped). If
# benchstat can be run through the Go module proxy (or is in the module
# cache already) its summary is printed too; the table below never needs it.
set -euo pipefail

cd "$(dirname "$0")/.."

COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-1x}
BENCH=${BENCH:-.}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/systr-bench.XXXXXX")}
mkdir -p "$OUT"
GO=${GO:-go}
BENCHSTAT_PKG=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

echo "# systr benchmarks"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "kernel:  $(uname -sr) $(uname -m)"
echo "cpus:    $(nproc) ($(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'))"
echo "go:      $($GO version)"
if command -v strace >/dev/null 2>&1; then
	echo "strace:  $(strace -V 2>/dev/null | head -1)"
else
	echo "strace:  not installed (strace rows skipped)"
fi
PIN=1
if [ "${NO_PIN:-}" = 1 ]; then
	PIN=0
	echo "pinned:  skipped (NO_PIN=1)"
elif ! command -v taskset >/dev/null 2>&1; then
	PIN=0
	echo "pinned:  skipped (no taskset)"
fi
GOTEST=(go test -run '^$' -bench "$BENCH" -benchtime "$BENCHTIME" -timeout 60m ./tracer/)
if [ "${INTERLEAVE:-1}" = 1 ]; then
	echo "command: $COUNT rounds of: go test -run '^\$' -bench '$BENCH' -benchtime $BENCHTIME -count 1 ./tracer/,"
	echo "         then the same under taskset -c 0"
else
	echo "command: go test -run '^\$' -bench '$BENCH' -benchtime $BENCHTIME -count $COUNT ./tracer/,"
	echo "         then the same under taskset -c 0"
fi
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; anything else running skews the numbers)"
echo "raw output: $OUT"
echo
GOTEST[0]=$GO

# Compile first, so that no sample pays for it (and a build error shows up
# before minutes of benchmarks).
"${GOTEST[@]}" -bench XXX_none -count 1 >/dev/null

run() { # run MODE COUNT [PREFIX...]: append COUNT samples to $OUT/MODE.txt
	local mode=$1 count=$2
	shift 2
	if ! "$@" "${GOTEST[@]}" -count "$count" >>"$OUT/$mode.txt" 2>&1; then
		cat "$OUT/$mode.txt"
		echo "bench.sh: go test failed ($mode)" >&2
		exit 1
	fi
}

# By default the two modes and the rounds alternate, one sample of every
# benchmark per round, so that a slow spell of the machine (other load, host
# noise) spreads over all benchmarks instead of skewing the ones that
# happened to run then. INTERLEAVE=0 runs the plain go test -count COUNT
# once per mode instead.
: >"$OUT/unpinned.txt"
if [ "$PIN" = 1 ]; then : >"$OUT/pinned.txt"; fi
if [ "${INTERLEAVE:-1}" = 1 ]; then
	for i in $(seq "$COUNT"); do
		echo "round $i/$COUNT (load $(cut -d' ' -f1 /proc/loadavg))"
		run unpinned 1
		if [ "$PIN" = 1 ]; then run pinned 1 taskset -c 0; fi
	done
else
	run unpinned "$COUNT"
	if [ "$PIN" = 1 ]; then run pinned "$COUNT" taskset -c 0; fi
fi
echo
for mode in unpinned pinned; do
	[ -f "$OUT/$mode.txt" ] || continue
	echo "## $mode"
	grep -E '^(Benchmark|--- SKIP|    bench_test)' "$OUT/$mode.txt" | sed 's/^/  /' || true
	echo
done

# Medians and ratios. Per benchmark (name without the -GOMAXPROCS suffix)
# and unit: the median of the samples. The metric is ns/syscall where a
# benchmark reports it, else ns/op.
summarize() {
	awk '
	function median(list,   a, n, i, j, t) {
		n = split(list, a, " ")
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++)
				if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		if (n == 0) return ""
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	FNR == 1 { mode = FILENAME; sub(/.*\//, "", mode); sub(/\.txt$/, "", mode); modes[++nm] = mode }
	/^Benchmark/ {
		name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
		if (!(name in seen)) { seen[name] = 1; names[++nn] = name }
		for (i = 3; i < NF; i += 2) vals[mode, name, $(i + 1)] = vals[mode, name, $(i + 1)] " " $i
		n[mode, name]++
	}
	END {
		for (k = 1; k <= nn; k++) {
			name = names[k]
			for (m = 1; m <= nm; m++) {
				mode = modes[m]
				unit = ((mode, name, "ns/syscall") in vals) ? "ns/syscall" : "ns/op"
				med[mode, name] = median(vals[mode, name, unit])
				allocs[mode, name] = median(vals[mode, name, "allocs/syscall"])
				units[name] = unit
			}
		}
		printf "%-32s %-11s", "benchmark (median)", "unit"
		for (m = 1; m <= nm; m++) printf " %14s", modes[m]
		printf "   allocs/syscall\n"
		for (k = 1; k <= nn; k++) {
			name = names[k]
			printf "%-32s %-11s", name, units[name]
			for (m = 1; m <= nm; m++) {
				v = med[modes[m], name]
				if (v == "") printf " %14s", "-"
				else if (v + 0 >= 1000) printf " %14.0f", v
				else printf " %14.1f", v
			}
			a = allocs[modes[1], name]
			printf "   %s\n", (a == "" ? "-" : sprintf("%.2g", a))
		}
		print ""
		printf "%-46s", "ratio of medians (goal)"
		for (m = 1; m <= nm; m++) printf " %14s", modes[m]
		printf "\n"
		nr = split("TracedSyscall/systr TracedSyscall/cloop <=1.15|" \
			"TracedSyscall/systr TracedSyscall/cloop-args -|" \
			"TracedSyscall/systr-2p TracedSyscall/cloop -|" \
			"TracedSyscall/systr-noyieldpoll TracedSyscall/cloop -|" \
			"TracedSyscall/systr-colocate TracedSyscall/cloop -|" \
			"TracedSyscall/systr-noseccomp TracedSyscall/cloop -|" \
			"TracedSyscall/strace TracedSyscall/cloop -|" \
			"Untraced1M/systr Untraced1M/native <=1.10|" \
			"Untraced1M/native-seccomp Untraced1M/native -|" \
			"Untraced1M/native-seccomp-trivial Untraced1M/native -|" \
			"Untraced1M/systr Untraced1M/native-seccomp -|" \
			"Untraced1M/strace-seccomp Untraced1M/native -|" \
			"UntracedFind/systr UntracedFind/native -|" \
			"UntracedFind/native-seccomp UntracedFind/native -|" \
			"Start/systr Start/native -", ratios, "|")
		for (r = 1; r <= nr; r++) {
			split(ratios[r], p, " ")
			n1 = p[1]; n2 = p[2]
			sub(/^[A-Za-z0-9]+\//, "", n1); sub(/^[A-Za-z0-9]+\//, "", n2)
			label = n1 " / " n2
			printf "%-46s", sprintf("%s: %s%s", p[1] ~ /^Traced/ ? "traced" : (p[1] ~ /^Start/ ? "start" : (p[1] ~ /^UntracedFind/ ? "find" : "untraced")), \
				label, p[3] == "-" ? "" : " (" p[3] ")")
			for (m = 1; m <= nm; m++) {
				a = med[modes[m], p[1]]; b = med[modes[m], p[2]]
				if (a == "" || b == "" || b + 0 == 0) printf " %14s", "-"
				else printf " %13.2fx", a / b
			}
			printf "\n"
		}
	}' "$@"
}

files=("$OUT/unpinned.txt")
if [ -f "$OUT/pinned.txt" ]; then files+=("$OUT/pinned.txt"); fi
echo "## summary"
summarize "${files[@]}" | tee "$OUT/summary.txt"
echo
echo "ns/syscall: time of one whole run (startup included) / calls made;"
echo "TracedSyscall: 20000 getppid calls, each traced at entry and exit (2 stops);"
echo "Untraced1M: 1000000 getppid calls, none traced; Start: one run of a program"
echo "making no calls (ns/op). allocs/syscall: heap allocations of the whole benchmark"
echo "process per run / calls, unpinned (a per-stop allocation would show as >= 2)."

if [ "${NO_BENCHSTAT:-}" != 1 ]; then
	echo
	echo "## benchstat"
	if timeout 180 $GO run "$BENCHSTAT_PKG" -h >/dev/null 2>&1; then
		# Same names in both modes (drop the -GOMAXPROCS suffix) and only
		# the time metrics, so that benchstat puts the modes side by side.
		bs=()
		for f in "${files[@]}"; do
			m=$(basename "$f" .txt)
			awk '/^Benchmark/ {
				sub(/-[0-9]+$/, "", $1); line = $1 " " $2
				for (i = 3; i < NF; i += 2) if ($(i + 1) == "ns/op" || $(i + 1) == "ns/syscall") line = line " " $i " " $(i + 1)
				print line; next } { print }' "$f" >"$OUT/$m"
			bs+=("$m")
		done
		(cd "$OUT" && timeout 120 $GO run "$BENCHSTAT_PKG" "${bs[@]}") || echo "(benchstat failed)"
	else
		echo "(benchstat not available: no module proxy or cache; the table above does not need it)"
	fi
fi
