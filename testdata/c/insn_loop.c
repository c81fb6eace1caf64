/* insn_loop N [rdtsc|cpuid]: runs the instruction N times (default rdtsc),
 * for the benchmarks of trapped instructions. */
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 0;
	int cpuid = argc > 2 && strcmp(argv[2], "cpuid") == 0;
	unsigned long long sum = 0;
	unsigned a, b, c, d;
	for (long i = 0; i < n; i++) {
		if (cpuid) {
			__cpuid_count(0, 0, a, b, c, d);
			sum += a + b;
		} else {
			sum += __rdtsc();
		}
	}
	return sum == 1; /* keeps the loop */
}
