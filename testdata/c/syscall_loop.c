/* syscall_loop.c: benchmark tracee.
 *   syscall_loop [-v] N [NR]
 * performs N raw syscall(NR) calls with no arguments (default NR is
 * SYS_getppid) and exits 0.  Prints nothing unless -v is given, then
 * "syscall_loop: N calls of syscall NR".  Exit status 2 on bad usage. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int verbose = 0, i = 1;
	if (i < argc && strcmp(argv[i], "-v") == 0) {
		verbose = 1;
		i++;
	}
	if (argc - i < 1 || argc - i > 2) {
		fprintf(stderr, "usage: syscall_loop [-v] N [NR]\n");
		return 2;
	}
	char *end;
	long long n = strtoll(argv[i], &end, 10);
	if (*end || n < 0) {
		fprintf(stderr, "syscall_loop: bad count %s\n", argv[i]);
		return 2;
	}
	long nr = SYS_getppid;
	if (argc - i == 2) {
		nr = strtol(argv[i + 1], &end, 10);
		if (*end || nr < 0) {
			fprintf(stderr, "syscall_loop: bad syscall number %s\n", argv[i + 1]);
			return 2;
		}
	}
	for (long long k = 0; k < n; k++)
		syscall(nr);
	if (verbose)
		printf("syscall_loop: %lld calls of syscall %ld\n", n, nr);
	return 0;
}
