/* Creates and joins threads in a loop until a line (or EOF) arrives on
 * stdin, then prints the outcome. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_int stop;

static void *nothing(void *arg) { return arg; }

static void *waiter(void *arg) {
	char buf[64];
	(void)arg;
	if (read(0, buf, sizeof buf) < 0)
		perror("read");
	atomic_store(&stop, 1);
	return NULL;
}

int main(void) {
	pthread_t w, t;
	long failures = 0;
	printf("ready\n");
	fflush(stdout);
	if (pthread_create(&w, NULL, waiter, NULL) != 0)
		return 1;
	while (!atomic_load(&stop)) {
		if (pthread_create(&t, NULL, nothing, NULL) != 0 || pthread_join(t, NULL) != 0)
			failures++;
	}
	pthread_join(w, NULL);
	printf("thread_churn: %s\n", failures ? "failures" : "ok");
	return 0;
}
