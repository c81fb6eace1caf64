/* The main thread calls pthread_exit (the leader stays a zombie); the other
 * thread waits for a line on stdin (or EOF), then execs /bin/true. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *run(void *arg) {
	char buf[64];
	(void)arg;
	if (read(0, buf, sizeof buf) < 0)
		perror("read");
	char *argv[] = {"/bin/true", NULL};
	execv(argv[0], argv);
	perror("execv");
	_exit(127);
}

int main(void) {
	pthread_t t;
	printf("ready\n");
	fflush(stdout);
	if (pthread_create(&t, NULL, run, NULL) != 0)
		return 1;
	pthread_exit(NULL);
}
