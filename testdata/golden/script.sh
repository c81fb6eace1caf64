#!/bin/sh
# script.sh is the shell program of the golden-trace tests (issue 15), the
# counterpart of testdata/go/gocli: it reads a config file (config.txt in
# its working directory, or the file named by $1), writes its first line
# to out.txt, runs `sh -c 'echo hi'`, goes to / and back with cd and pwd,
# and exits with 3 when the config says FAIL, 0 otherwise.
conf=${1:-config.txt}
if ! IFS= read -r line <"$conf"; then
	echo "script.sh: cannot read $conf" >&2
	exit 2
fi
printf '%s\n' "$line" >out.txt
sh -c 'echo hi'
here=$(pwd)
cd / || exit 2
cd "$here" || exit 2
pwd
case $line in
*FAIL*) exit 3 ;;
esac
exit 0
