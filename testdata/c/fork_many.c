/* fork_many.c: forks N children (argv[1], default 3000) one after the
 * other and waits for each; every child whose i % K (argv[2], default 1:
 * all) is 0 pauses and is killed by its parent (kill with the pid fork
 * returned), the others exit with i % 256. Prints the sum of the exit
 * statuses and how many were killed. Enough forks that the pids of a
 * replay overlap those of the recording. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3000;
	int k = argc > 2 ? atoi(argv[2]) : 1;
	long sum = 0;
	int killed = 0;
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0)
			return 1;
		if (p == 0) {
			if (i % k == 0)
				pause();
			_exit(i % 256);
		}
		if (i % k == 0)
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
