"""script.py is the Python program of the golden-trace tests (issue 15),
the counterpart of testdata/go/gocli and script.sh: it reads a config file
(config.txt in its working directory, or the file named by argv[1]),
writes it upper-cased (by scriptmod, a module beside it) to out.txt, looks
for three files in the order of a set, runs `sh -c 'echo hi'`, goes to /
and back with os.chdir and os.getcwd, and exits with 3 when the config
says FAIL, 0 otherwise."""

import os
import subprocess
import sys

import scriptmod


def main():
    conf = sys.argv[1] if len(sys.argv) > 1 else "config.txt"
    try:
        with open(conf, "rb") as f:
            data = f.read()
    except OSError as e:
        print("script.py:", e, file=sys.stderr)
        return 2
    with open("out.txt", "wb") as f:
        f.write(scriptmod.shout(data))
    # A set iterates in the order of its strings' hashes, which Python
    # salts with random bytes (getrandom) at start-up: these stats come in
    # another order in every run unless the recording seeds them
    # (record.Options.SeededRandom).
    found = [n for n in {"config.txt", "other.txt", "missing.txt"} if os.path.exists(n)]
    print(len(found), "of 3 files found")
    out = subprocess.run(["sh", "-c", "echo hi"], stdout=subprocess.PIPE, check=True).stdout
    sys.stdout.buffer.write(out)
    here = os.getcwd()
    os.chdir("/")
    os.chdir(here)
    print(os.getcwd(), flush=True)
    return 3 if b"FAIL" in data else 0


if __name__ == "__main__":
    sys.exit(main())
