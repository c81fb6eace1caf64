/* Runs the instructions a tracer can trap (rdtsc, rdtscp, cpuid) and prints
 * what they returned, the AT_RANDOM bytes of its image, then (after a
 * getppid, or with an argument a read of one byte from stdin: where tests
 * detach it) runs rdtsc and cpuid again: a process let go with the traps
 * still armed would die there (SIGSEGV). */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <unistd.h>
#include <x86intrin.h>

int main(int argc, char **argv) {
	unsigned a, b, c, d, aux = 0;
	uint64_t t1 = __rdtsc();
	uint64_t t2 = __rdtscp(&aux);
	printf("rdtsc %llu\nrdtscp %llu aux %u\n", (unsigned long long)t1, (unsigned long long)t2, aux);
	/* A leaf no CPU has (natively zeros or the highest leaf's values):
	 * tests make it say something recognizable. */
	__cpuid_count(0x53595354, 0, a, b, c, d);
	printf("cpuidS %.4s%.4s%.4s\n", (char *)&b, (char *)&d, (char *)&c);
	__cpuid_count(1, 0, a, b, c, d);
	printf("rdrand %u\n", (c >> 30) & 1);
	__cpuid_count(7, 0, a, b, c, d);
	printf("rdseed %u\n", (b >> 18) & 1);
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	printf("at_random ");
	for (int i = 0; i < 16; i++)
		printf("%02x", r[i]);
	printf("\n");
	fflush(stdout);
	if (argc > 1) { /* "read": block in a read of stdin instead */
		char ch;
		if (read(0, &ch, 1) != 1)
			return 3;
	} else {
		getppid();
	}
	uint64_t t3 = __rdtsc();
	__cpuid_count(0, 0, a, b, c, d);
	printf("after %s\n", t3 != t1 ? "ok" : "same");
	return 0;
}
