/* Prints what depends on the address space: a stack variable's address, a
 * malloc'd block's, an anonymous mmap's, a function's and a shared
 * library's, and a temporary name from mktemp (whose randomness glibc
 * takes from the clock and getrandom). Natively two runs print different
 * lines (with address-space randomization on); a replay prints the
 * recorded ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int f(void) { return 1; }

int main(void) {
	int local = 0;
	char *heap = malloc(100);
	char *big = malloc(1 << 20); /* an mmap inside malloc */
	void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char tmpl[] = "/tmp/addrsXXXXXX";
	if (heap == NULL || big == NULL || m == MAP_FAILED)
		return 1;
	printf("stack %p\nheap %p\nbig %p\nmmap %p\nfunc %p\nlibc %p\n", (void *)&local, (void *)heap, (void *)big, m,
	       (void *)f, (void *)printf);
	printf("mktemp %s\n", mktemp(tmpl));
	return f() - 1;
}
