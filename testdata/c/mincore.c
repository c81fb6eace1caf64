/* mincore: the residency vector of one page and of 40 pages (3 touched),
 * a byte per page. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

int main(void) {
	char *p = mmap(0, 40 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	memset(p, 1, 3 * 4096);
	unsigned char v[40];
	if (mincore(p, 4096, v) || mincore(p, 40 * 4096, v))
		return 2;
	return v[0] != 1;
}
