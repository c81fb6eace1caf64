/* group_leader_gone.c: a process group outlives its leader. The parent
 * forks A and makes it the leader of a new group, forks B and C into A's
 * group (C after A is gone: a group with no leader can still be joined),
 * kills and reaps A, then kills the group (-A: B and C are in it) and
 * reaps its members with waitpid(-A). Once they are reaped too the group
 * is gone: kill(-A) fails with ESRCH. At replay the leader's recorded pid
 * must still name the live group while a member lives. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static int child(int leader)
{
	int pid = fork();
	if (pid == 0) {
		if (leader)
			setpgid(0, 0);
		for (;;)
			pause();
	}
	return pid;
}

static void status(const char *who, int r, int st)
{
	out("%s: reaped %d, signaled %d sig %d\n", who, r > 0, WIFSIGNALED(st), WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int main(void)
{
	int st = 0;
	int a = child(1);
	int r = setpgid(a, a);
	out("setpgid(A, A) = %d\n", r);
	int b = child(0);
	r = setpgid(b, a);
	out("setpgid(B, A) = %d\n", r);
	kill(a, SIGKILL);
	r = waitpid(a, &st, 0);
	status("A", r == a, st);
	int c = child(0);
	r = setpgid(c, a);
	out("setpgid(C, A) after A reaped = %d %s\n", r, r < 0 ? strerror(errno) : "");
	r = kill(-a, SIGTERM);
	out("kill(-A) = %d %s\n", r, r < 0 ? strerror(errno) : "");
	int seen = 0;
	for (int i = 0; i < 2; i++) {
		r = waitpid(-a, &st, 0);
		seen |= r == b ? 1 : r == c ? 2 : 4;
		status("member", r > 0, st);
	}
	out("members reaped: %s\n", seen == 3 ? "B and C" : "not B and C");
	r = kill(-a, SIGTERM);
	out("kill(-A) once empty = %d %s\n", r, r < 0 ? strerror(errno) : "");
	return 0;
}
