#!/bin/sh
# golden-loop.sh [N] - runs the golden tests of issue 15's bar N times
# (default 20) in each of three conditions, and prints how many runs of
# each test passed:
#   plain   as go test runs them,
#   pinned  the test binary, the tracer and the programs on CPU 0
#           (taskset -c 0),
#   busy    beside one busy loop per CPU (sha256sum of /dev/zero, a bounded
#           number of rounds; stopped when the runs are done).
# TESTS (a -test.run pattern) chooses other tests of package golden;
# KEEP=DIR keeps the runs' verbose output there (plain.out, pinned.out,
# busy.out: the failures' messages).
# Exits 0 when every run of every test passed, 1 otherwise.
set -eu

n=${1:-20}
tests=${TESTS:-'^(TestGoCLIGolden|TestShellGolden|TestPythonGolden)$'}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
busy=""
cleanup() {
	for p in $busy; do kill -- "-$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

go test -c -o "$tmp/golden.test" "$root/golden"
cd "$root/golden"

# run MODE [PREFIX...]: one test binary running every test N times. Its
# output goes through a pipe, as under go test: the traced programs
# inherit the test's stderr, which would otherwise be a file growing
# with the output.
run() {
	mode=$1
	shift
	{ "$@" "$tmp/golden.test" -test.run "$tests" -test.count "$n" -test.v 2>&1 || true; } | cat >"$tmp/$mode.out"
}

run plain
if command -v taskset >/dev/null; then
	run pinned taskset -c 0
else
	echo "golden-loop: no taskset, the pinned runs are skipped" >&2
fi
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
i=0
while [ "$i" -lt "$cpus" ]; do
	# Each busy loop is its own process group (setsid), so that cleanup
	# stops it and the round running in it.
	setsid sh -c 'i=0; while [ $i -lt 2000 ]; do head -c 100000000 /dev/zero | sha256sum >/dev/null; i=$((i+1)); done' &
	busy="$busy $!"
	i=$((i + 1))
done
run busy
for p in $busy; do kill -- "-$p" 2>/dev/null || true; done
busy=""

if [ -n "${KEEP:-}" ]; then
	mkdir -p "$KEEP"
	cp "$tmp"/*.out "$KEEP"/
fi
status=0
printf '%-8s' mode
names=$(grep -ho -- '--- [A-Z]*: Test[A-Za-z0-9_/.-]*' "$tmp"/*.out | awk '{print $3}' | sort -u)
for t in $names; do printf ' %s' "$t"; done
echo
for mode in plain pinned busy; do
	[ -f "$tmp/$mode.out" ] || continue
	printf '%-8s' "$mode"
	for t in $names; do
		pass=$(grep -c -- "^ *--- PASS: $t " "$tmp/$mode.out" || true)
		fail=$(grep -c -- "^ *--- FAIL: $t " "$tmp/$mode.out" || true)
		skip=$(grep -c -- "^ *--- SKIP: $t " "$tmp/$mode.out" || true)
		cell="$pass/$((pass + fail + skip))"
		[ "$skip" -eq 0 ] || cell="$cell ($skip skipped)"
		[ "$fail" -eq 0 ] || status=1
		printf ' %*s' "${#t}" "$cell"
	done
	echo
done
if [ -z "$names" ]; then
	echo "golden-loop: no test ran; the output was:" >&2
	cat "$tmp/plain.out" >&2
	status=1
fi
exit $status
