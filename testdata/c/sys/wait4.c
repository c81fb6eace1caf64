/* wait4: WNOHANG while the child runs, wait4 for a specific child and
 * for any, the status of exits and signals, rusage, ECHILD. */
#include "sys.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	int go[2];
	MUST(pipe(go));
	int a = MUST(fork());
	if (a == 0) {
		char c;
		close(go[1]);
		read(go[0], &c, 1);
		volatile unsigned long x = 0;
		for (unsigned long i = 0; i < 20000000; i++)
			x += i;
		_exit(3);
	}
	int st = -1;
	struct rusage ru;
	SHOW("wait4 WNOHANG running", wait4(a, &st, WNOHANG, &ru));
	close(go[1]);
	long r = MUST(wait4(a, &st, 0, &ru));
	out("wait4 = child a %d, exited %d code %d, utime %ld.%06ld maxrss %ld\n", r == a, WIFEXITED(st), WEXITSTATUS(st),
	    (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec, ru.ru_maxrss);
	int b = MUST(fork());
	if (b == 0) {
		raise(SIGABRT);
		_exit(0);
	}
	r = MUST(wait4(-1, &st, 0, NULL));
	out("wait4(-1) = child b %d, signaled %d sig %d\n", r == b, WIFSIGNALED(st), WTERMSIG(st));
	SHOW("wait4 no children", wait4(-1, &st, 0, NULL));
	SHOW("wait4 not a child", wait4(1, &st, WNOHANG, NULL));
	struct rusage self;
	MUST(getrusage(RUSAGE_CHILDREN, &self));
	out("children utime %ld.%06ld\n", (long)self.ru_utime.tv_sec, (long)self.ru_utime.tv_usec);
	return 0;
}
