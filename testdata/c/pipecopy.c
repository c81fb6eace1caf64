/* pipecopy: bytes copied out of pipes inside the kernel: tee (the bytes
 * stay in the source pipe), splice (consumed), a splice of 200000 bytes
 * from a pipe enlarged with F_SETPIPE_SZ. The recorder must keep the
 * bytes each call copied. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char big[200000];

int main(void) {
	int a[2], b[2], c[2], d[2];
	if (pipe(a) || pipe(b) || pipe(c) || pipe(d))
		return 1;
	int null = open("/dev/null", O_WRONLY);
	if (null < 0 || write(a[1], "hello tee and splice", 20) != 20)
		return 2;
	printf("tee %zd\n", tee(a[0], b[1], 100, 0));
	printf("splice 5 %zd\n", splice(a[0], NULL, c[1], NULL, 5, 0));
	printf("splice rest %zd\n", splice(a[0], NULL, null, NULL, 100, 0));
	if (fcntl(d[1], F_SETPIPE_SZ, 1 << 18) < 0)
		return 3;
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = 'a' + i % 23;
	if (write(d[1], big, sizeof big) != sizeof big)
		return 4;
	printf("splice big %zd\n", splice(d[0], NULL, null, NULL, sizeof big, 0));
	return 0;
}
