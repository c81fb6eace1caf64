/* flock: an exclusive flock held by the parent makes a child's
 * non-blocking attempt fail; shared locks coexist; unlock lets the child
 * take it. */
#include "sys.h"
#include <fcntl.h>
#include <sys/file.h>

static int try_in_child(int op)
{
	int pid = MUST(fork());
	if (pid == 0) {
		int fd = open("lockfile", O_RDONLY);
		int r = flock(fd, op | LOCK_NB);
		out("  child flock(%s) = %d %s\n", op == LOCK_EX ? "EX" : "SH", r, r ? errname(errno) : "");
		_exit(r == 0 ? 0 : 1);
	}
	return reap("  child", pid);
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("lockfile", "");
	int fd = MUST(open("lockfile", O_RDONLY));
	SHOW("flock EX", flock(fd, LOCK_EX));
	try_in_child(LOCK_EX);
	try_in_child(LOCK_SH);
	SHOW("flock SH (convert)", flock(fd, LOCK_SH));
	try_in_child(LOCK_SH);
	try_in_child(LOCK_EX);
	SHOW("flock UN", flock(fd, LOCK_UN));
	try_in_child(LOCK_EX);
	SHOW("flock bad op", flock(fd, 0));
	SHOW("flock bad fd", flock(77, LOCK_EX));
	return 0;
}
