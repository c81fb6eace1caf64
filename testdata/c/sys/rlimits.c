/* rlimits: getrlimit, setrlimit lowering RLIMIT_NOFILE (then open fails
 * with EMFILE above it), prlimit64 on itself and on a child, raising the
 * hard limit (EPERM unless root), an invalid resource. */
#include "sys.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	struct rlimit r;
	MUST(getrlimit(RLIMIT_NOFILE, &r));
	out("NOFILE soft %llu hard %llu\n", (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
	MUST(getrlimit(RLIMIT_STACK, &r));
	out("STACK soft %llu\n", (unsigned long long)r.rlim_cur);
	struct rlimit low = {8, r.rlim_max};
	MUST(getrlimit(RLIMIT_NOFILE, &r));
	low.rlim_max = r.rlim_max;
	SHOW("setrlimit NOFILE 8", setrlimit(RLIMIT_NOFILE, &low));
	int last = -1, n = 0;
	for (;;) {
		int fd = open(".", O_RDONLY);
		if (fd < 0) {
			out("open failed after %d opens (last fd %d): %s\n", n, last, errname(errno));
			break;
		}
		last = fd;
		n++;
	}
	struct rlimit old;
	struct rlimit core = {0, 0};
	SHOW("prlimit CORE self", prlimit(0, RLIMIT_CORE, &core, &old));
	out("old core soft %llu\n", (unsigned long long)old.rlim_cur);
	int pid = MUST(fork());
	if (pid == 0) {
		struct rlimit c;
		getrlimit(RLIMIT_NOFILE, &c);
		out("child inherits NOFILE %llu\n", (unsigned long long)c.rlim_cur);
		_exit(0);
	}
	reap("child", pid);
	struct rlimit big = {RLIM_INFINITY, RLIM_INFINITY};
	int rr = setrlimit(RLIMIT_CORE, &big);
	out("raise hard CORE = %d %s (root %d)\n", rr, rr ? errname(errno) : "", geteuid() == 0);
	SHOW("getrlimit bad resource", getrlimit(99, &r));
	return 0;
}
