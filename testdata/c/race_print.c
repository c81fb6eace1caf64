/* race_print.c: 8 pthreads each write 20 lines "thread T line I\n" to
 * stdout and to a file (argv[1], default race_print.out, opened once by the
 * main thread, O_APPEND), with no lock: the order of the lines across
 * threads is the order in which the threads' writes happened.  After the
 * threads are joined the main thread reads the file back and prints its
 * first line (the first write that won the race) and a count.
 * Exit status 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NTHREADS 8
#define LINES 20

static int filefd;

static void *worker(void *arg)
{
	int t = (int)(long)arg;
	char buf[64];
	for (int i = 0; i < LINES; i++) {
		int n = snprintf(buf, sizeof buf, "thread %d line %d\n", t, i);
		if (write(1, buf, n) != n || write(filefd, buf, n) != n)
			return (void *)1;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "race_print.out";
	filefd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (filefd < 0) {
		perror("open");
		return 1;
	}
	pthread_t th[NTHREADS];
	for (long t = 0; t < NTHREADS; t++)
		if (pthread_create(&th[t], NULL, worker, (void *)t) != 0)
			return 1;
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	close(filefd);
	char buf[NTHREADS * LINES * 32];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (n < 0) {
		perror("read back");
		return 1;
	}
	buf[n] = 0;
	int lines = 0;
	for (ssize_t i = 0; i < n; i++)
		lines += buf[i] == '\n';
	char *nl = strchr(buf, '\n');
	printf("file: %d lines, first: %.*s\n", lines, nl ? (int)(nl - buf) : 0, buf);
	return 0;
}
