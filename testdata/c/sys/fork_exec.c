/* fork_exec: fork and execve /bin/true and /bin/false, an execve that
 * fails (ENOENT, EACCES on a directory), posix_spawn of /bin/echo. */
#include "sys.h"
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
	enter(argc, argv);
	const char *progs[] = {"/bin/true", "/bin/false"};
	for (int i = 0; i < 2; i++) {
		int pid = MUST(fork());
		if (pid == 0) {
			execl(progs[i], progs[i], (char *)NULL);
			_exit(127);
		}
		reap(progs[i], pid);
	}
	int pid = MUST(fork());
	if (pid == 0) {
		char *av[] = {"nothing", NULL};
		int r = execve("./does-not-exist", av, environ);
		out("child: execve missing = %d %s\n", r, errname(errno));
		r = execve("/", av, environ);
		out("child: execve dir = %d %s\n", r, errname(errno));
		_exit(2);
	}
	reap("failing execs", pid);
	char *av[] = {"echo", "spawned", "echo", NULL};
	pid_t sp;
	int r = posix_spawn(&sp, "/bin/echo", NULL, NULL, av, environ);
	out("posix_spawn = %d\n", r);
	if (r == 0)
		reap("echo", sp);
	return 0;
}
