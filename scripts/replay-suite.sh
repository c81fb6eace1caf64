#!/usr/bin/env bash
# replay-suite.sh: the syscall test programs of testdata/c/sys recorded and
# replayed through the commands, as a user would run them (systr-record's
# defaults, not the test helpers'): each program is recorded in a fresh
# directory with `systr-record -o T PROG DIR`, then replayed REPLAYS times
# with `systr-replay T` from another directory; the exit status and stdout
# must be the recorded ones. Prints one line per program (identical, or the
# first difference: systr-replay's divergence message) and a summary.
#
#   ./scripts/replay-suite.sh [NAME...]      (default: every program)
#
# Environment:
#   REPLAYS   replays per program (default 3)
#   TIMEOUT   seconds one replay may take (default 30)
#   OUT       directory for traces and outputs (default: a new temporary one)
#
# Needs Go, cc and coreutils' timeout.
set -uo pipefail

cd "$(dirname "$0")/.."
REPLAYS=${REPLAYS:-3}
TIMEOUT=${TIMEOUT:-30}
OUT=${OUT:-$(mktemp -d -t systr-replay-suite.XXXXXX)}
mkdir -p "$OUT/bin" "$OUT/progs"

go build -o "$OUT/bin/" ./cmd/systr-record ./cmd/systr-replay || exit 1

if [ $# -gt 0 ]; then
	names=("$@")
else
	names=()
	for f in testdata/c/sys/*.c; do
		n=${f##*/}
		names+=("${n%.c}")
	done
fi

ok=0
total=0
for n in "${names[@]}"; do
	total=$((total + 1))
	prog="$OUT/progs/$n"
	if ! cc -O2 -pthread -o "$prog" "testdata/c/sys/$n.c" 2>"$OUT/$n.cc"; then
		printf '%-22s does not build: %s\n' "$n" "$(head -1 "$OUT/$n.cc")"
		continue
	fi
	rec="$OUT/$n.rec"
	other="$OUT/$n.elsewhere"
	rm -rf "$rec" "$other"
	mkdir -p "$rec" "$other"
	(cd "$rec" && timeout "$TIMEOUT" "$OUT/bin/systr-record" -o "$OUT/$n.sctr" "$prog" "$rec" >"$OUT/$n.out" 2>"$OUT/$n.record-err")
	want=$?
	result="identical $REPLAYS/$REPLAYS"
	for i in $(seq "$REPLAYS"); do
		(cd "$other" && timeout "$TIMEOUT" "$OUT/bin/systr-replay" "$OUT/$n.sctr" >"$OUT/$n.replay-out" 2>"$OUT/$n.replay-err")
		got=$?
		if [ "$got" = 124 ]; then
			result="replay $i/$REPLAYS: still running after ${TIMEOUT}s"
			break
		fi
		if grep -q "divergence in\|cannot be replayed\|systr-replay: replay:" "$OUT/$n.replay-err"; then
			result="replay $i/$REPLAYS: $(grep -m1 -A2 "divergence in\|cannot be replayed\|systr-replay: replay:" "$OUT/$n.replay-err" | tr -s ' \n' ' ' | cut -c1-300)"
			break
		fi
		if [ "$got" != "$want" ]; then
			result="replay $i/$REPLAYS: exit status $got, recorded $want"
			break
		fi
		if ! cmp -s "$OUT/$n.out" "$OUT/$n.replay-out"; then
			result="replay $i/$REPLAYS: stdout differs: $(diff "$OUT/$n.out" "$OUT/$n.replay-out" | grep -m2 '^[<>]' | tr '\n' ' ' | cut -c1-200)"
			break
		fi
	done
	case $result in identical*) ok=$((ok + 1)) ;; esac
	printf '%-22s %s\n' "$n" "$result"
done
echo "syscall suite (commands): $ok/$total programs replay identically $REPLAYS/$REPLAYS (traces and outputs in $OUT)"
