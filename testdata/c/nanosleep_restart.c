/* nanosleep_restart.c: nanosleep is interrupted first by a SIGCHLD the
 * program does not handle (under a tracer it stops the sleep, which the
 * kernel resumes as restart_syscall), then by SIGALRM, which has a
 * handler: nanosleep fails with EINTR and prints the time left, which the
 * restarted sleep wrote. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	pid_t child = fork();
	if (child == 0) {
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
		_exit(0);
	}
	struct itimerval it = {{0, 0}, {0, 60000}};
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec req = {5, 0}, rem = {-1, -1};
	int r = nanosleep(&req, &rem);
	out("nanosleep: %d %s, rem %ld.%09ld\n", r, r ? strerror(errno) : "", (long)rem.tv_sec, rem.tv_nsec);
	waitpid(child, NULL, 0);
	return 0;
}
