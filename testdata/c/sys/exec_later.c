/* exec_later: an execve that fails (ENOENT) because its program does not
 * exist yet; the program then creates it (a shell script) and runs it.
 * When replayed, the first execve must fail as recorded even though the
 * file exists by then (the recording created it). */
#include "sys.h"
#include <sys/stat.h>

extern char **environ;

int main(int argc, char **argv)
{
	enter(argc, argv);
	char *av[] = {"./made-later", NULL};
	int pid = MUST(fork());
	if (pid == 0) {
		int r = execve("./made-later", av, environ);
		out("child: execve before it exists = %d %s\n", r, errname(errno));
		_exit(3);
	}
	reap("first child", pid);
	put("made-later", "#!/bin/sh\necho made later ran\nexit 4\n");
	MUST(chmod("made-later", 0755));
	pid = MUST(fork());
	if (pid == 0) {
		execve("./made-later", av, environ);
		out("child: execve = %s\n", errname(errno));
		_exit(127);
	}
	reap("second child", pid);
	return 0;
}
