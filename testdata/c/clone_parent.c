/* At a line on stdin, clone(CLONE_PARENT|SIGCHLD): the child is a sibling,
 * a child of this program's parent. The child waits for a line (or EOF) on
 * fd 3 and exits 7 (on stdin: "no fd 3" and exit 8 if fd 3 is not open);
 * the parent prints "cloned" and exits 0 at EOF on stdin. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
	char buf[64];
	printf("ready\n");
	fflush(stdout);
	if (read(0, buf, sizeof buf) <= 0)
		return 0;
	long r = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
	if (r < 0) {
		perror("clone");
		return 1;
	}
	if (r == 0) {
		if (read(3, buf, sizeof buf) < 0)
			_exit(8);
		_exit(7);
	}
	printf("cloned\n");
	fflush(stdout);
	while (read(0, buf, sizeof buf) > 0)
		;
	return 0;
}
