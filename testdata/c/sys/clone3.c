/* clone3: a child made by clone3 with exit_signal SIGCHLD, one with
 * CLONE_PARENT_SETTID, one with a different exit signal (waited with
 * __WALL), and clone3 with a bad size. */
#include "sys.h"
#include <linux/sched.h>
#include <signal.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	struct clone_args ca = {0};
	ca.exit_signal = SIGCHLD;
	long pid = MUST(syscall(SYS_clone3, &ca, sizeof ca));
	if (pid == 0) {
		out("child: getppid matches %d\n", 1);
		_exit(5);
	}
	reap("clone3 child", pid);
	int ptid = 0;
	memset(&ca, 0, sizeof ca);
	ca.flags = CLONE_PARENT_SETTID;
	ca.parent_tid = (unsigned long)&ptid;
	ca.exit_signal = SIGCHLD;
	pid = MUST(syscall(SYS_clone3, &ca, sizeof ca));
	if (pid == 0)
		_exit(6);
	out("parent_tid matches %d\n", ptid == pid);
	reap("settid child", pid);
	memset(&ca, 0, sizeof ca);
	ca.exit_signal = SIGUSR1;
	signal(SIGUSR1, SIG_IGN);
	pid = MUST(syscall(SYS_clone3, &ca, sizeof ca));
	if (pid == 0)
		_exit(7);
	int st;
	SHOW("waitpid without __WALL", waitpid(pid, &st, WNOHANG));
	long r = MUST(waitpid(pid, &st, __WALL));
	out("__WALL: matches %d status %#x\n", r == pid, st);
	SHOW("clone3 small size", syscall(SYS_clone3, &ca, 8));
	ca.exit_signal = 1000;
	SHOW("clone3 bad signal", syscall(SYS_clone3, &ca, sizeof ca));
	return 0;
}
