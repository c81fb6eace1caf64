/* pgrp_session: process groups and sessions: getpgid/getsid, setpgid of
 * a child, setsid in a child (a new session), setsid of a group leader
 * (EPERM), tcgetpgrp without a terminal. */
#include "sys.h"
#include <sys/wait.h>
#include <termios.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	int me = getpid();
	out("pid %d pgid-is-mine %d\n", me, getpgid(0) == getpgrp());
	int ready[2], go[2];
	MUST(pipe(ready));
	MUST(pipe(go));
	int pid = MUST(fork());
	if (pid == 0) {
		char c;
		close(go[1]);
		read(go[0], &c, 1);
		out("child: pgid is own pid %d\n", getpgrp() == getpid());
		SHOW("child: setsid as a group leader", setsid());
		int g = fork();
		if (g == 0) {
			int s = setsid();
			out("grandchild: setsid = own pid %d, sid %d, pgid %d\n", s == getpid(), getsid(0) == getpid(),
			    getpgrp() == getpid());
			SHOW("grandchild: setpgid into the old group", setpgid(0, getpgid(getppid())));
			_exit(0);
		}
		reap("grandchild", g);
		_exit(0);
	}
	SHOW("setpgid(child, child)", setpgid(pid, pid));
	out("getpgid(child) is child %d\n", getpgid(pid) == pid);
	close(go[1]);
	reap("child", pid);
	SHOW("getpgid(reaped)", getpgid(pid));
	SHOW("getsid(1) ok", getsid(1) >= 0 ? 0 : -1);
	int pid2 = MUST(fork());
	if (pid2 == 0) {
		setpgid(0, 0);
		SHOW("child2: setsid as group leader", setsid());
		_exit(0);
	}
	reap("child2", pid2);
	int fd = MUST(open("/dev/null", 0));
	SHOW("tcgetpgrp(/dev/null)", tcgetpgrp(fd));
	SHOW("setpgid(bad)", setpgid(0, -1));
	return 0;
}
