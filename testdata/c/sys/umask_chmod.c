/* umask_chmod: umask applied to creat and mkdir, the previous mask
 * returned, chmod, fchmod, fchmodat, and the modes stat reports. */
#include "sys.h"
#include <fcntl.h>
#include <sys/stat.h>

static void mode(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		out("%s: %s\n", path, errname(errno));
	else
		out("%s: mode %o\n", path, st.st_mode & 07777);
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	out("umask was %o\n", umask(027));
	out("umask now %o\n", umask(027));
	int fd = MUST(creat("created", 0666));
	mode("created");
	MUST(mkdir("dir", 0777));
	mode("dir");
	umask(0);
	MUST(close(MUST(open("open0", O_CREAT | O_WRONLY, 0741))));
	mode("open0");
	SHOW("chmod 4755", chmod("created", 04755));
	mode("created");
	SHOW("fchmod 600", fchmod(fd, 0600));
	mode("created");
	SHOW("fchmodat 711", fchmodat(AT_FDCWD, "dir", 0711, 0));
	mode("dir");
	SHOW("chmod missing", chmod("missing", 0644));
	SHOW("fchmodat bad flags", fchmodat(AT_FDCWD, "dir", 0711, 0x4000));
	out("umask finally %o\n", umask(022));
	return 0;
}
