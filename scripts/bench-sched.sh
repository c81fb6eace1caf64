#!/usr/bin/env bash
# bench-sched.sh: the cost of systr-record's schedules (--schedule free,
# serial, chaos) on two multi-threaded programs - testdata/c/threads (8
# pthreads doing getpid, gettid, a write and a read on a pipe, close) and
# testdata/go/gothreads (goroutines on 8 OS threads) - natively and under
# each schedule, unpinned and pinned to CPU 0 (taskset -c 0), in COUNT
# interleaved rounds, and the replay (systr-replay -q) of each recording;
# then the median wall time of each and its ratio to the free schedule. systr-record runs with its defaults otherwise (one
# CPU for tracer and program: --cpu auto).
#
#   ./scripts/bench-sched.sh
#
# Environment: COUNT (default 7), OUT (raw outputs; default a temp dir),
# NO_PIN=1 to skip the pinned rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-7}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/systr-bench-sched.XXXXXX")}
mkdir -p "$OUT"
go build -o "$OUT/" ./cmd/systr-record ./cmd/systr-replay
cc -O2 -pthread -o "$OUT/threads" testdata/c/threads.c
go build -o "$OUT/gothreads" ./testdata/go/gothreads
pins=(unpinned)
if [ "${NO_PIN:-}" != 1 ] && command -v taskset >/dev/null 2>&1; then pins+=(pinned); fi
ms() { # ms CMD...: wall time of CMD in ms
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || echo "failed: $*" >&2
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
}
for i in $(seq "$COUNT"); do
	echo "round $i/$COUNT" >&2
	for pin in "${pins[@]}"; do
		pre=()
		[ "$pin" = pinned ] && pre=(taskset -c 0)
		for prog in threads gothreads; do
			echo "$pin $prog native $(ms "${pre[@]}" "$OUT/$prog")" >>"$OUT/times.txt"
			for s in free serial chaos; do
				echo "$pin $prog $s $(ms "${pre[@]}" "$OUT/systr-record" -q --schedule "$s" $([ "$s" = chaos ] && echo --chaos-seed 1) -o "$OUT/t.sctr" -- "$OUT/$prog")" >>"$OUT/times.txt"
				echo "$pin $prog replay-$s $(ms "${pre[@]}" "$OUT/systr-replay" -q "$OUT/t.sctr")" >>"$OUT/times.txt"
			done
		done
	done
done
echo
echo "## median wall time (ms) of $COUNT runs, and ratio to --schedule free"
awk '
{ k = $1 " " $2 " " $3; v[k] = v[k] " " $4 / 1000 }
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	printf "%-9s %-10s %9s %9s %9s %9s %8s %8s\n", "cpus", "program", "native", "free", "serial", "chaos", "ser/free", "cha/free"
	split("unpinned pinned", pins, " "); split("threads gothreads", progs, " ")
	for (p = 1; p <= 2; p++) for (q = 1; q <= 2; q++) {
		k = pins[p] " " progs[q]
		if (!((k " free") in v)) continue
		f = median(v[k " free"]); s = median(v[k " serial"]); c = median(v[k " chaos"])
		printf "%-9s %-10s %9.1f %9.1f %9.1f %9.1f %8.2f %8.2f\n", pins[p], progs[q], median(v[k " native"]), f, s, c, s / f, c / f
	}
	printf "\n## replay (systr-replay -q) of those recordings: median wall time (ms), ratio to the replay of the free recording\n"
	printf "%-9s %-10s %9s %9s %9s %8s %8s\n", "cpus", "program", "free", "serial", "chaos", "ser/free", "cha/free"
	for (p = 1; p <= 2; p++) for (q = 1; q <= 2; q++) {
		k = pins[p] " " progs[q]
		if (!((k " replay-free") in v)) continue
		f = median(v[k " replay-free"]); s = median(v[k " replay-serial"]); c = median(v[k " replay-chaos"])
		printf "%-9s %-10s %9.1f %9.1f %9.1f %8.2f %8.2f\n", pins[p], progs[q], f, s, c, s / f, c / f
	}
}' "$OUT/times.txt"
echo "raw: $OUT/times.txt"
