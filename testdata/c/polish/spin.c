/* Computes for a while without a system call (argv[1] million rounds),
 * then prints the result: a replay stopped by its context meanwhile must
 * say where each thread was. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) * 1000000L : 1000000L;
	volatile unsigned long x = 1;
	for (long i = 0; i < n; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	printf("%lu\n", (unsigned long)x);
	return 0;
}
