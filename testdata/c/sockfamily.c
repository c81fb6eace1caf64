/* sockfamily: for each argument ("unix", "inet", "inet6"), creates a
 * socket of that address family and closes it, printing "FAMILY ok" or
 * "FAMILY: ERROR"; then forks a child that exits 3 and reaps it (a clone
 * call). Exit status 0 if every socket was made, 1 otherwise. The seccomp
 * tests record it with some families and run it under the profile with
 * others. */
#include "common.h"
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		int fam = AF_UNIX;
		if (strcmp(argv[i], "inet") == 0)
			fam = AF_INET;
		else if (strcmp(argv[i], "inet6") == 0)
			fam = AF_INET6;
		int fd = socket(fam, SOCK_STREAM, 0);
		if (fd < 0) {
			out("%s: %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		close(fd);
		out("%s ok\n", argv[i]);
	}
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 3) {
		out("fork: %s\n", pid < 0 ? strerror(errno) : "child did not exit 3");
		return 1;
	}
	out("child exited 3\n");
	return bad;
}
