/* pthread_files.c: 8 pthreads, started together, each open, read and
 * close their own file DIR/file0 ... DIR/file7 (DIR is argv[1], default
 * "."; main writes the files first if they are missing).  With
 * $READERS_CHANGE set to 1, thread 3 reads file4 instead of file3 (a
 * behaviour change for golden tests that the command line does not show).  The main thread joins them and prints one line per
 * thread, in order: "thread N: B bytes".  Exit status 0, or 1 if a file
 * cannot be read or written. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NTHREADS 8

static const char *dir = ".";
static int change;
static pthread_barrier_t barrier;

struct result {
	int index;
	long bytes;
};

static void *worker(void *arg)
{
	struct result *r = arg;
	char path[4096], buf[256];
	int n = r->index;
	if (change && n == 3)
		n = 4;
	snprintf(path, sizeof path, "%s/file%d", dir, n);
	pthread_barrier_wait(&barrier);
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		r->bytes = -1;
		return NULL;
	}
	ssize_t k;
	while ((k = read(fd, buf, sizeof buf)) > 0)
		r->bytes += k;
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		dir = argv[1];
	const char *c = getenv("READERS_CHANGE");
	change = c != NULL && strcmp(c, "1") == 0;
	for (int i = 0; i < NTHREADS; i++) {
		char path[4096], data[256];
		snprintf(path, sizeof path, "%s/file%d", dir, i);
		if (access(path, F_OK) == 0)
			continue;
		int len = snprintf(data, sizeof data, "file %d\n", i);
		for (int j = 0; j < i; j++)
			len += snprintf(data + len, sizeof data - len, "line\n");
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, data, len) != len) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	pthread_t th[NTHREADS];
	struct result res[NTHREADS] = {0};
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++) {
		res[i].index = i;
		if (pthread_create(&th[i], NULL, worker, &res[i]) != 0) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	int code = 0;
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		if (res[i].bytes < 0)
			code = 1;
		printf("thread %d: %ld bytes\n", i, res[i].bytes);
	}
	return code;
}
