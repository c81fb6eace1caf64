/* vfork: the parent is suspended until the child _exits or execs;
 * a vfork child that execs /bin/true; one whose exec fails. */
#include "sys.h"
#include <sys/wait.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	volatile int shared = 1;
	int pid = vfork();
	if (pid < 0) {
		out("vfork: %s\n", errname(errno));
		return 1;
	}
	if (pid == 0) {
		shared = 2;
		_exit(4);
	}
	out("after vfork: shared %d (the child's write is seen)\n", shared);
	reap("vfork _exit", pid);
	pid = vfork();
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	reap("vfork exec", pid);
	pid = vfork();
	if (pid == 0) {
		execl("/nonexistent/prog", "prog", (char *)NULL);
		_exit(126);
	}
	reap("vfork failed exec", pid);
	return 0;
}
