/* A page holding "secret" made PROT_NONE, passed to write(100, page, 6):
 * EBADF (fd 100 is not open), so the call only hands a tracer the
 * address. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memcpy(p, "secret", 6);
	if (mprotect(p, 4096, PROT_NONE) != 0) {
		perror("mprotect");
		return 1;
	}
	ssize_t n = write(100, p, 6);
	printf("write from PROT_NONE page: %s\n", n < 0 && errno == EBADF ? "EBADF" : "unexpected");
	return 0;
}
