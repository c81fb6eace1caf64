/* waitid: a child that stops itself, is continued and exits (once the
 * parent closes a pipe it reads): WSTOPPED, WCONTINUED, WEXITED with
 * WNOWAIT then for real; P_PGID and P_ALL. */
#include "sys.h"
#include <signal.h>
#include <sys/wait.h>

static void show(const char *what, int r, siginfo_t *si, int pid)
{
	if (r < 0)
		out("%s = -1 %s\n", what, errname(errno));
	else
		out("%s = %d: signo %d code %d pid-matches %d status %d\n", what, r, si->si_signo, si->si_code, si->si_pid == pid,
		    si->si_status);
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	int sync[2];
	MUST(pipe(sync));
	int pid = MUST(fork());
	if (pid == 0) {
		close(sync[1]);
		raise(SIGSTOP);
		/* exit only once the parent has seen the continue */
		char c;
		read(sync[0], &c, 1);
		_exit(17);
	}
	close(sync[0]);
	siginfo_t si = {0};
	show("waitid WSTOPPED", waitid(P_PID, pid, &si, WSTOPPED), &si, pid);
	MUST(kill(pid, SIGCONT));
	memset(&si, 0, sizeof si);
	show("waitid WCONTINUED", waitid(P_PID, pid, &si, WCONTINUED), &si, pid);
	close(sync[1]);
	memset(&si, 0, sizeof si);
	show("waitid WEXITED|WNOWAIT", waitid(P_PID, pid, &si, WEXITED | WNOWAIT), &si, pid);
	memset(&si, 0, sizeof si);
	show("waitid WEXITED", waitid(P_PID, pid, &si, WEXITED), &si, pid);
	int pid2 = MUST(fork());
	if (pid2 == 0)
		_exit(0);
	memset(&si, 0, sizeof si);
	show("waitid P_PGID", waitid(P_PGID, getpgrp(), &si, WEXITED), &si, pid2);
	int pid3 = MUST(fork());
	if (pid3 == 0) {
		raise(SIGKILL);
		_exit(1);
	}
	memset(&si, 0, sizeof si);
	show("waitid P_ALL", waitid(P_ALL, 0, &si, WEXITED), &si, pid3);
	memset(&si, 0, sizeof si);
	show("waitid none", waitid(P_ALL, 0, &si, WEXITED | WNOHANG), &si, 0);
	show("waitid bad options", waitid(P_ALL, 0, &si, 0), &si, 0);
	return 0;
}
