/* fork_many: 1500 children forked and reaped one after another, each
 * exiting with its index modulo 256; the parent checks the status and the
 * pid wait4 returned against fork's, and prints a summary. Recorded pids
 * and the replay's live pids overlap. */
#include "sys.h"
#include <sys/wait.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	int bad = 0, lo = 1 << 30, hi = 0;
	long sum = 0;
	for (int i = 0; i < 1500; i++) {
		int pid = fork();
		if (pid < 0) {
			out("fork %d: %s\n", i, errname(errno));
			return 1;
		}
		if (pid == 0)
			_exit(i & 255);
		int st;
		int r = waitpid(pid, &st, 0);
		if (r != pid || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 255))
			bad++;
		if (pid < lo)
			lo = pid;
		if (pid > hi)
			hi = pid;
		sum += pid;
	}
	out("1500 children, %d bad, pids %d..%d, sum %ld\n", bad, lo, hi, sum);
	return bad != 0;
}
