/* sleeper.c: sleeps N times MS milliseconds (nanosleep), for replay's
 * sleep benchmark: a replay does not wait.
 * Output: `slept N x MS ms`; exit status 0 (2 on bad usage). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>
#include "common.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		out("usage: sleeper N MS\n");
		return 2;
	}
	int n = atoi(argv[1]), ms = atoi(argv[2]);
	for (int i = 0; i < n; i++) {
		struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	out("slept %d x %d ms\n", n, ms);
	return 0;
}
