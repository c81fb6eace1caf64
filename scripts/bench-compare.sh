#!/usr/bin/env bash
# bench-compare.sh: the cost of recording at this commit against an earlier
# one, side by side in one run. It builds systr-record from BASE (a git
# revision; default: the one given by $BASE or HEAD~1) and from the work
# tree, then runs each workload natively, under the old recorder, under the
# new one with its defaults and under the new one with each addition turned
# off (so the table says where the time goes), in COUNT interleaved rounds,
# and prints medians (ms) and ratios.
#
#   ./scripts/bench-compare.sh [BASE]
#
# Environment: COUNT (default 5), OUT (raw outputs; default a temp dir),
# PIN=1 to run everything under taskset -c 0.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-${BASE:-HEAD~1}}
COUNT=${COUNT:-5}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/systr-bench-compare.XXXXXX")}
mkdir -p "$OUT/old" "$OUT/new" "$OUT/src"
git archive "$BASE" | tar -x -C "$OUT/src"
(cd "$OUT/src" && go build -o "$OUT/old/" ./cmd/systr-record)
go build -o "$OUT/new/" ./cmd/systr-record
# A small Go program (its runtime's start-up: threads, cpuid, rdtsc).
mkdir -p "$OUT/hello"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(map[string]int{"a": 1, "b": 2}) }\n' >"$OUT/hello/main.go"
(cd "$OUT/hello" && printf 'module hello\n' >go.mod && go build -o hello .)
pin=()
if [ "${PIN:-}" = 1 ]; then pin=(taskset -c 0); fi

# Variants of the new recorder: name and extra flags. The additions of
# issue 14, one at a time.
variants=(
	"new|"
	"new-aslr|--aslr"
	"new-tsc|--tsc-trap"
	"new-no-mapped|--max-mapped 0"
	"new-cpuid|--cpuid-trap"
)
workloads=(
	"find|find /usr/include -type f"
	"tar|sh -c 'tar cf - /usr/include/linux 2>/dev/null | wc -c'"
	"forkexec|sh -c 'for i in \$(seq 200); do /bin/true; done'"
	"python|python3 -c pass"
	"gohello|$OUT/hello/hello"
)

# ms of one run of a command line (stdout and stderr discarded).
ms() {
	local t0 t1
	t0=$(date +%s%N)
	eval "${pin[*]:-} $1" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
}

for i in $(seq "$COUNT"); do
	echo "round $i/$COUNT" >&2
	for w in "${workloads[@]}"; do
		name=${w%%|*}
		cmd=${w#*|}
		echo "$name native $(ms "$cmd")" >>"$OUT/times.txt"
		echo "$name old $(ms "$OUT/old/systr-record -q -o $OUT/t.sctr -- $cmd")" >>"$OUT/times.txt"
		for v in "${variants[@]}"; do
			vn=${v%%|*}
			flags=${v#*|}
			echo "$name $vn $(ms "$OUT/new/systr-record -q $flags -o $OUT/t.sctr -- $cmd")" >>"$OUT/times.txt"
		done
	done
done

awk '
function median(s,   a, k, i, j, t) {
	k = split(s, a, " ")
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
{ v[$1 " " $2] = v[$1 " " $2] " " $3 / 1000; if (!($1 in seenw)) { seenw[$1] = 1; ws[++nw] = $1 } if (!($2 in seenv)) { seenv[$2] = 1; vs[++nv] = $2 } }
END {
	printf "%-10s", "ms"
	for (j = 1; j <= nv; j++) printf " %13s", vs[j]
	printf " | %9s\n", "new/old"
	for (i = 1; i <= nw; i++) {
		printf "%-10s", ws[i]
		for (j = 1; j <= nv; j++) printf " %13.1f", median(v[ws[i] " " vs[j]])
		printf " | %8.2fx\n", median(v[ws[i] " new"]) / median(v[ws[i] " old"])
	}
}' "$OUT/times.txt"
echo "raw outputs: $OUT (base $(git rev-parse --short "$BASE"))"
