# pywrite.py: 4 Python threads each write 20 lines straight to fd 1 with
# os.write (no buffering), so the output is the order in which the writes
# arrived; each thread does a small amount of work between its writes
# (the GIL is passed between them at arbitrary points). Exit status 0.
import os
import threading


def worker(t):
    acc = 0
    for i in range(20):
        for j in range(2000):
            acc += j * t
        os.write(1, b"thread %d line %d\n" % (t, i))


threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
for th in threads:
    th.start()
for th in threads:
    th.join()
os.write(1, b"done\n")
