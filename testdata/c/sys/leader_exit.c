/* leader_exit: the main thread ends with pthread_exit while a second
 * thread goes on: it opens and reads a file by path, stats it, writes to
 * stdout and exits the process. (Its memory must be read through its own
 * id: the thread-group leader is a zombie.) */
#include "sys.h"
#include <dlfcn.h>
#include <pthread.h>
#include <sys/stat.h>

static void *worker(void *arg)
{
	(void)arg;
	/* wait until the leader is gone: /proc/self/status is the leader's,
	 * its State turns to zombie */
	for (int i = 0; i < 1000000; i++) {
		char buf[4096] = {0};
		int fd = open("/proc/self/task/../status", O_RDONLY);
		if (fd < 0)
			break;
		read(fd, buf, sizeof buf - 1);
		close(fd);
		if (strstr(buf, "State:\tZ"))
			break;
		sched_yield();
	}
	int fd = MUST(open("data-file", O_RDONLY));
	char buf[64] = {0};
	ssize_t n = MUST(read(fd, buf, sizeof buf - 1));
	out("worker read %zd: %s", n, buf);
	struct stat st;
	MUST(stat("data-file", &st));
	out("worker stat size %lld\n", (long long)st.st_size);
	exit(0);
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("data-file", "read after the leader exited\n");
	/* pthread_exit loads libgcc_s to unwind (an open, fd 3) while the
	 * worker opens files: load it first, so that the fd numbers are the
	 * same in every run */
	dlopen("libgcc_s.so.1", RTLD_NOW);
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 1;
	out("main: exiting the thread\n");
	pthread_exit(NULL);
}
