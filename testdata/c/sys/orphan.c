/* orphan: the parent exits while its child is still blocked (reading a
 * pipe the parent holds open): the child sees EOF when the parent is
 * gone, reports its new parent, and exits. */
#include "sys.h"

int main(int argc, char **argv)
{
	enter(argc, argv);
	int p[2];
	MUST(pipe(p));
	int parent = getpid();
	int pid = MUST(fork());
	if (pid == 0) {
		close(p[1]);
		char c;
		ssize_t n = read(p[0], &c, 1);
		int pp = getppid();
		out("child: read = %zd, reparented %d\n", n, pp != parent);
		_exit(0);
	}
	out("parent: child %d, exiting first\n", pid);
	return 0;
}
