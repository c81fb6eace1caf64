#!/usr/bin/env bash
# fleet.sh: the fleet example of README.md's "Fleet analysis". It records
# RUNS runs of a small shell workload under three "hosts" (directories
# traces/host=a, b, c; host b also reads /etc/group, host c's workload
# reads a pipe whose writer sleeps 200 ms first), exports every trace into
# one directory (out/host=H/trace=runN/*.parquet), and asks DuckDB (duckq)
# the README's two fleet questions: which runs opened a file the others did
# not, and the p99 latency of read by host. It checks the answers: only
# host b's runs opened a file the others did not (/etc/group, each of its
# runs), and host c's p99 read latency is the highest and at least 20 ms
# (its reader's read waits for the writer's 200 ms sleep, less the time
# the reader took to start: cat's exec, its loader).
#
#   examples/fleet/fleet.sh [-n RUNS] [DIR]
#
# DIR (default: a new directory under /tmp) must not exist or be empty;
# it keeps the traces, the export and the answers (*.csv). The tools are
# bin/systr-record, bin/systr-analyze and bin/duckq of this checkout
# (make build duckq), or $SYSTR_RECORD, $SYSTR_ANALYZE and $DUCKQ. It
# runs from any directory. Exit status: 0 the answers are as expected; 1 a
# step failed or an answer is not; 2 usage.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
record=${SYSTR_RECORD:-$root/bin/systr-record}
analyze=${SYSTR_ANALYZE:-$root/bin/systr-analyze}
duckq=${DUCKQ:-$root/bin/duckq}
runs=3

usage() {
	echo "usage: $0 [-n RUNS] [DIR]" >&2
	exit 2
}
while getopts n: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
if ! [[ $runs =~ ^[1-9][0-9]{0,2}$ ]] || [ "$runs" -gt 100 ]; then
	echo "fleet.sh: -n $runs: want a number of runs from 1 to 100" >&2
	exit 2
fi
if [ $# -eq 1 ] && [ -e "$1" ] && [ -n "$(ls -A "$1")" ]; then
	echo "fleet.sh: $1 is not empty: give a new or empty directory" >&2
	exit 2
fi
for tool in "$record" "$analyze" "$duckq"; do
	if [ ! -x "$tool" ]; then
		echo "fleet.sh: $tool is not there (make build duckq builds it)" >&2
		exit 1
	fi
done
if [ $# -eq 1 ]; then
	work=$1
	mkdir -p "$work"
else
	work=$(mktemp -d /tmp/systr-fleet.XXXXXX)
fi
cd "$work"

# The workload: the same on every host but for host b's extra file and
# host c's slow pipe.
for host in a b c; do
	files=/etc/passwd
	nap=0
	case $host in
	b) files="/etc/passwd /etc/group" ;;
	c) nap=0.2 ;;
	esac
	mkdir -p "traces/host=$host"
	for i in $(seq 1 "$runs"); do
		"$record" -q -o "traces/host=$host/run$i.sctr" -- sh -c "cat $files >/dev/null; sleep $nap | cat >/dev/null"
	done
	"$analyze" export -o out --host "$host" "traces/host=$host"/run*.sctr
done
echo "fleet.sh: $((3 * runs)) runs recorded and exported into $work/out"

ask() { # ask QUERY.sql: print the answer as a table, keep it as QUERY.csv
	"$duckq" -f "$here/tables.sql" -f "$here/$1.sql"
	"$duckq" -csv -f "$here/tables.sql" -f "$here/$1.sql" >"$1.csv"
}
ask opened
ask read-p99

fail=0
# Only host b's runs opened a file the others did not: /etc/group, once each.
want=$(for i in $(seq 1 "$runs"); do echo "b,run$i,/etc/group"; done | sort)
got=$(tail -n +2 opened.csv | sort)
if [ "$got" != "$want" ]; then
	echo "fleet.sh: runs that opened a file the others did not: got" >&2
	echo "$got" >&2
	echo "want:" >&2
	echo "$want" >&2
	fail=1
fi
# Host c's p99 read latency is the highest, and at least 20 ms: its pipe's
# writer sleeps 200 ms, and its reader starts (exec, loader) in much less
# than 180 ms.
if ! awk -F, 'NR > 1 { p99[$1] = $3 + 0 }
	END {
		if (!("a" in p99) || !("b" in p99) || !("c" in p99)) { print "fleet.sh: p99 of read: not every host has reads"; exit 1 }
		if (p99["c"] < 20000000) { printf "fleet.sh: p99 of read on host c: %d ns, want >= 20 ms\n", p99["c"]; exit 1 }
		if (p99["a"] >= p99["c"] || p99["b"] >= p99["c"]) { print "fleet.sh: p99 of read: host c is not the slowest"; exit 1 }
	}' read-p99.csv >&2; then
	fail=1
fi
if [ $fail -ne 0 ]; then
	exit 1
fi
echo "fleet.sh: ok: only host b's runs opened a file the others did not (/etc/group); host c has the slowest p99 read"
