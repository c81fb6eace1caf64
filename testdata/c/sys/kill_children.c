/* kill_children: children blocked in pause are killed with SIGTERM,
 * SIGKILL and a handled SIGUSR1 (the child exits with a code from its
 * handler); kill of a process group; kill of a reaped pid (ESRCH). */
#include "sys.h"
#include <signal.h>
#include <sys/wait.h>

static void on(int sig) { _exit(100 + sig); }

int main(int argc, char **argv)
{
	enter(argc, argv);
	int ready[2];
	MUST(pipe(ready));
	int sigs[] = {SIGTERM, SIGKILL, SIGUSR1, SIGQUIT};
	int pids[4];
	for (int i = 0; i < 4; i++) {
		pids[i] = MUST(fork());
		if (pids[i] == 0) {
			signal(SIGUSR1, on);
			if (i == 3)
				setpgid(0, 0);
			write(ready[1], "x", 1);
			for (;;)
				pause();
		}
	}
	char c;
	for (int i = 0; i < 4; i++)
		MUST(read(ready[0], &c, 1));
	for (int i = 0; i < 3; i++) {
		out("kill child %d with %d = %d\n", i, sigs[i], kill(pids[i], sigs[i]));
		int st;
		MUST(waitpid(pids[i], &st, 0));
		if (WIFSIGNALED(st))
			out("child %d: killed by %d\n", i, WTERMSIG(st));
		else
			out("child %d: exited %d\n", i, WEXITSTATUS(st));
	}
	/* child 3 is in its own group: wait until it has set it, then kill
	 * the group. */
	while (getpgid(pids[3]) != pids[3])
		sched_yield();
	SHOW("kill(-pgrp, SIGQUIT)", kill(-pids[3], SIGQUIT));
	int st;
	MUST(waitpid(pids[3], &st, 0));
	out("child 3: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
	SHOW("kill reaped", kill(pids[0], SIGTERM));
	SHOW("waitpid none left", waitpid(-1, &st, 0));
	return 0;
}
