/* uname_sysinfo: uname's fields, sysinfo (uptime, load, memory,
 * processes), gethostname, getdomainname, the page size. */
#include "sys.h"
#include <sys/sysinfo.h>
#include <sys/utsname.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	struct utsname u;
	MUST(uname(&u));
	out("sysname %s\nnodename %s\nrelease %s\nversion %s\nmachine %s\n", u.sysname, u.nodename, u.release, u.version, u.machine);
	struct sysinfo si;
	MUST(sysinfo(&si));
	out("uptime %ld loads %lu %lu %lu totalram %lu freeram %lu procs %u mem_unit %u\n", si.uptime, si.loads[0], si.loads[1],
	    si.loads[2], si.totalram, si.freeram, si.procs, si.mem_unit);
	char h[256];
	MUST(gethostname(h, sizeof h));
	out("hostname %s\n", h);
	SHOW("gethostname too small", gethostname(h, 1));
	MUST(getdomainname(h, sizeof h));
	out("domainname %s\n", h);
	out("page size %ld, nprocs %ld\n", sysconf(_SC_PAGESIZE), sysconf(_SC_NPROCESSORS_ONLN));
	return 0;
}
