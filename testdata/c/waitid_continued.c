/* waitid_continued.c: a child stops itself; the parent sees the stop
 * (waitid WSTOPPED), continues it, makes a few calls, and sees it
 * continued (waitid WCONTINUED), then its exit. The child sleeps 200 ms
 * after it is continued before it exits, so that when recorded the parent
 * always sees it continued, not exited; at replay the sleep is not waited
 * for and the child has exited by then (a waitid for WCONTINUED alone on
 * a zombie fails ECHILD). */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

static void show(const char *what, int r, siginfo_t *si, int pid)
{
	if (r < 0)
		out("%s: -1 %s\n", what, strerror(errno));
	else
		out("%s: %d code %d pid-is-child %d status %d\n", what, r, si->si_code, si->si_pid == pid, si->si_status);
}

int main(void)
{
	int pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		struct timespec ts = {0, 200 * 1000 * 1000};
		nanosleep(&ts, NULL);
		_exit(3);
	}
	siginfo_t si;
	memset(&si, 0, sizeof si);
	show("stopped", waitid(P_PID, pid, &si, WSTOPPED), &si, pid);
	kill(pid, SIGCONT);
	int n = 0;
	for (int i = 0; i < 100; i++)
		n += getppid() > 0;
	memset(&si, 0, sizeof si);
	show("continued", waitid(P_PID, pid, &si, WCONTINUED), &si, pid);
	memset(&si, 0, sizeof si);
	show("exited", waitid(P_PID, pid, &si, WEXITED), &si, pid);
	out("%d calls between\n", n);
	return 0;
}
