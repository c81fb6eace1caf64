/* prctl: PR_SET_NAME/PR_GET_NAME (and /proc/self/comm), PR_SET_PDEATHSIG,
 * PR_GET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_GET_TIMERSLACK,
 * PR_SET_CHILD_SUBREAPER, an unknown option. */
#include "sys.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	char name[17] = {0};
	SHOW("PR_SET_NAME", prctl(PR_SET_NAME, "suite-prctl-name-too-long"));
	SHOW("PR_GET_NAME", prctl(PR_GET_NAME, name));
	out("name %s\n", name);
	int fd = MUST(open("/proc/self/comm", O_RDONLY));
	char comm[32] = {0};
	MUST(read(fd, comm, sizeof comm - 1));
	out("comm %s", comm);
	SHOW("PR_SET_PDEATHSIG", prctl(PR_SET_PDEATHSIG, SIGTERM));
	int sig = -1;
	SHOW("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &sig));
	out("pdeathsig %d\n", sig);
	SHOW("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
	SHOW("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	SHOW("PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	SHOW("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	SHOW("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK));
	SHOW("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1));
	int sub = -1;
	SHOW("PR_GET_CHILD_SUBREAPER", prctl(PR_GET_CHILD_SUBREAPER, &sub));
	out("subreaper %d\n", sub);
	SHOW("unknown option", prctl(0x7fff1234, 0, 0, 0, 0));
	return 0;
}
