#!/bin/sh
# threads-bar.sh [N] - issue 16's bar, run as a user would: for each
# multi-threaded program of the bar present on this machine (the others
# are skipped with the reason printed) and for each schedule (free,
# serial), it records the program once
#   systr-record -q --seed 1 -s 1M --schedule S -o rec.sctr -- PROG
# replays that recording N times (default 10) from another directory
# (systr-replay -q rec.sctr: a replay counts when its stdout equals the
# recording's byte for byte and its exit status is the same; for java
# -version and the small class (java-class, when javac is present),
# stderr too, without systr-replay's own warnings), and records N pairs
# of recordings, counting the pairs that systr-analyze diff finds the
# same (exit 0). The HTTP server of go-httpclient (python3 -m
# http.server) is up while recording and stopped before the replays. Every command runs under timeout 120: a timeout counts as a
# failure and the notes say so. One table is printed at the end:
#   program | schedule | replays identical k/N | pairs same k/N | notes
# (notes: the first line of the first failing replay's divergence, then
# that of the first failing diff).
# OUT=DIR keeps the built tools and programs there; KEEP=DIR keeps the
# recordings, outputs and diffs; PROGS="name ..." runs only those
# programs; SCHEDULES="free serial" the schedules.
# Exits 0 when every row is N/N and N/N, 1 otherwise.
set -u

n=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/threads-bar.XXXXXX)
out=${OUT:-$tmp/bin}
server=""
cleanup() {
	stop_server
	if [ -n "${KEEP:-}" ]; then
		mkdir -p "$KEEP" && cp -r "$tmp"/. "$KEEP"/
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$out"
T="timeout 120"

(cd "$root" && go build -o "$out/" ./cmd/...) || { echo "threads-bar: go build of the tools failed" >&2; exit 2; }
for g in goreaders printtime httpclient; do
	(cd "$root/testdata/go/$g" && go build -o "$out/$g" .) || { echo "threads-bar: go build of $g failed" >&2; exit 2; }
done
for c in lock_order sched_lock exec_thread sched_spin; do
	gcc -O2 -pthread -I "$root/testdata/c" -o "$out/$c" "$root/testdata/c/$c.c" || { echo "threads-bar: gcc $c.c failed" >&2; exit 2; }
done
PATH=$out:$PATH
export PATH

# The real python3 (not a pyenv shim, a shell script that would be
# recorded too).
python=""
if command -v python3 >/dev/null; then
	python=$(python3 -c 'import sys; print(sys.executable)')
fi

# The HTTP server of httpclient: up while recording, gone at replay.
port=""
start_server() {
	mkdir -p "$tmp/www"
	echo "hello from the local server" >"$tmp/www/index.html"
	port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$python" -m http.server --bind 127.0.0.1 --directory "$tmp/www" "$port" >"$tmp/server.log" 2>&1 &
	server=$!
	i=0
	while [ $i -lt 100 ]; do
		"$python" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && return 0
		i=$((i + 1))
		sleep 0.1
	done
	echo "threads-bar: the http server on port $port did not start" >&2
	return 1
}
stop_server() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null
		wait "$server" 2>/dev/null
		server=""
	fi
}

# make -j2: several C files generated in a directory at one path
# (recreated before each recording, so that each build does the same).
make_src() {
	d=$tmp/mk
	rm -rf "$d" && mkdir -p "$d"
	for k in 1 2 3 4 5 6; do
		printf 'int f%d(int x) { return x * %d + %d; }\n' $k $k $k >"$d/f$k.c"
	done
	cat >"$d/main.c" <<'C'
#include <stdio.h>
int f1(int), f2(int), f3(int), f4(int), f5(int), f6(int);
int main(void) { printf("%d\n", f1(1) + f2(2) + f3(3) + f4(4) + f5(5) + f6(6)); return 0; }
C
	printf 'OBJS = main.o f1.o f2.o f3.o f4.o f5.o f6.o\nprog: $(OBJS)\n\tcc -o prog $(OBJS)\n%%.o: %%.c\n\tcc -O1 -c -o $@ $<\n' >"$d/Makefile"
}

# prog NAME: sets cmd (the command line), setup (run before each
# recording), errcmp (1: compare stderr too), or skip (the reason).
prog() {
	cmd="" setup=true errcmp=0 skip=""
	case $1 in
	go-goreaders)
		mkdir -p "$tmp/readers"
		for i in 0 1 2 3 4 5 6 7; do echo "file $i" >"$tmp/readers/file$i"; done
		cmd="goreaders $tmp/readers" ;;
	go-httpclient)
		[ -n "$python" ] || skip="no python3 for the server"
		cmd="httpclient http://127.0.0.1:PORT/" ;;
	go-printtime) cmd="printtime" ;;
	py-threads)
		[ -n "$python" ] || skip="no python3"
		cmd="$python $root/testdata/threads/pywrite.py" ;;
	node-fs)
		command -v node >/dev/null || skip="no node"
		cmd="$(command -v node) $root/testdata/threads/nodefs.js" ;;
	make-j2)
		command -v make >/dev/null && command -v cc >/dev/null || skip="no make or cc"
		setup=make_src
		cmd="$(command -v make) -s -j2 -C $tmp/mk" ;;
	c-lock_order) cmd="lock_order" ;;
	c-sched_lock) cmd="sched_lock" ;;
	c-exec_thread) cmd="exec_thread" ;;
	c-sched_spin) cmd="sched_spin" ;;
	java-version)
		command -v java >/dev/null || skip="no java"
		cmd="$(command -v java) -version"
		errcmp=1 ;;
	java-class)
		if ! command -v javac >/dev/null; then
			skip="no javac"
		elif ! { mkdir -p "$tmp/jc" && javac -d "$tmp/jc" "$root/testdata/threads/Hello.java"; }; then
			skip="javac Hello.java failed"
		fi
		cmd="$(command -v java) -cp $tmp/jc Hello" ;;
	esac
}

# note TEXT / dnote TEXT: the row's replay and diff notes are the first
# ones given.
note() { [ -n "$notes" ] || notes=$(printf '%s' "$1" | head -n 1 | cut -c 1-230); }
dnote() { [ -n "$dnotes" ] || dnotes=$(printf '%s' "$1" | head -n 1 | cut -c 1-230); }

# errsame REPLAYERR RECORDERR: the replay's stderr, without
# systr-replay's own warnings, is the recording's.
errsame() { grep -v '^systr-replay: ' "$1" | cmp -s - "$2"; }

rec() { # rec FILE OUTPREFIX
	$setup
	c=$cmd
	[ -z "$port" ] || c=$(echo "$cmd" | sed "s/PORT/$port/")
	# shellcheck disable=SC2086
	$T systr-record -q --seed 1 -s 1M --schedule "$sched" -o "$1" -- $c >"$2.out" 2>"$2.err"
}

progs=${PROGS:-"go-goreaders go-httpclient go-printtime py-threads node-fs make-j2 c-lock_order c-sched_lock c-exec_thread c-sched_spin java-version java-class"}
schedules=${SCHEDULES:-"free serial"}
table=$tmp/table
status=0
printf '%s|%s|%s|%s|%s\n' program schedule "replays identical" "pairs same" notes >"$table"
for p in $progs; do
	prog "$p"
	if [ -n "$skip" ]; then
		echo "threads-bar: $p skipped: $skip" >&2
		printf '%s|%s|%s|%s|%s\n' "$p" - - - "skipped: $skip" >>"$table"
		continue
	fi
	for sched in $schedules; do
		echo "threads-bar: $p $sched ($(date -u +%T))" >&2
		w=$tmp/$p-$sched
		mkdir -p "$w/rec" "$w/replay" "$w/pairs"
		notes="" dnotes=""
		[ "$p" != go-httpclient ] || start_server || { note "http server did not start"; }
		cd "$w/rec"
		rec rec.sctr rec
		rc=$?
		[ $rc -ne 124 ] || note "recording: timeout (120 s)"
		[ $rc -ne 0 ] && [ -s rec.err ] && note "recording exit $rc: $(head -n 1 rec.err)"
		# The pairs, while the server (if any) is up.
		same=0
		i=1
		while [ $i -le "$n" ]; do
			cd "$w/pairs"
			rec a$i.sctr a$i && rec b$i.sctr b$i
			$T systr-analyze diff a$i.sctr b$i.sctr >diff$i.out 2>&1
			drc=$?
			if [ $drc -eq 0 ]; then
				same=$((same + 1))
			elif [ $drc -eq 124 ]; then
				dnote "pair $i: diff timeout (120 s)"
			else
				dnote "pair $i: $(grep -v '^$' diff$i.out | head -n 1)"
			fi
			rm -f a$i.sctr b$i.sctr
			i=$((i + 1))
		done
		stop_server
		# The replays, from another directory.
		ok=0
		i=1
		while [ $i -le "$n" ]; do
			cd "$w/replay"
			$T systr-replay -q ../rec/rec.sctr >out$i 2>err$i
			prc=$?
			if [ $prc -eq $rc ] && cmp -s out$i ../rec/rec.out && { [ $errcmp -eq 0 ] || errsame err$i ../rec/rec.err; }; then
				ok=$((ok + 1))
			elif [ $prc -eq 124 ]; then
				note "replay $i: timeout (120 s)"
			elif grep -q '^systr-replay: replay:' err$i; then
				note "replay $i (exit $prc, recorded $rc): $(grep '^systr-replay: replay:' err$i | head -n 1)"
			elif [ $errcmp -eq 0 ] && [ -s err$i ]; then
				note "replay $i (exit $prc, recorded $rc): $(head -n 1 err$i)"
			elif ! cmp -s out$i ../rec/rec.out; then
				note "replay $i: stdout differs: $(diff ../rec/rec.out out$i | grep '^[<>]' | head -n 2 | tr '\n' ' ')"
			elif [ $errcmp -eq 1 ] && ! errsame err$i ../rec/rec.err; then
				note "replay $i: stderr differs: $(grep -v '^systr-replay: ' err$i | diff ../rec/rec.err - | grep '^[<>]' | head -n 2 | tr '\n' ' ')"
			else
				note "replay $i: exit $prc, recorded $rc"
			fi
			i=$((i + 1))
		done
		[ $ok -eq "$n" ] && [ $same -eq "$n" ] || status=1
		[ $rc -eq 124 ] && status=1
		printf '%s|%s|%s|%s|%s\n' "$p" "$sched" "$ok/$n" "$same/$n" "$notes${notes:+${dnotes:+; }}$dnotes" >>"$table"
		cd "$tmp"
	done
done
echo
echo "threads-bar: N=$n, $(date -u '+%F %T UTC'), load$(uptime | sed 's/.*load/ load/;s/^ load//')"
column -t -s '|' "$table" 2>/dev/null || tr '|' '\t' <"$table"
exit $status
