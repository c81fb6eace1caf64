/* fork_many.c: forks N children (argv[1], default 3000) one after the
 * other, each exiting with i % 256, waits for each and sums the
 * statuses; every other child is killed by its parent instead (kill with
 * the pid fork returned). Enough forks that the pids of a replay overlap
 * those of the recording. Prints the sum and the number killed. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3000;
	long sum = 0;
	int killed = 0;
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0)
			return 1;
		if (p == 0) {
			if (i % 2 == 0)
				pause();
			_exit(i % 256);
		}
		if (i % 2 == 0)
			kill(p, SIGTERM);
		int st;
		if (waitpid(p, &st, 0) != p)
			return 2;
		if (WIFEXITED(st))
			sum += WEXITSTATUS(st);
		else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM)
			killed++;
	}
	out("forked %d, sum %ld, killed %d\n", n, sum, killed);
	return 0;
}
