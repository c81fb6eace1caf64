/* open_mode: open and openat without O_CREAT pass whatever is in the mode
 * register (here a stack address, which differs from run to run); only
 * with O_CREAT does the mode matter. */
#include "sys.h"
#include <stdint.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("f", "file contents\n");
	int local;
	long junk = (long)(uintptr_t)&local;
	int fd = SHOW("openat O_RDONLY, junk mode", syscall(SYS_openat, AT_FDCWD, "f", O_RDONLY, junk));
	char buf[32] = {0};
	MUST(read(fd, buf, sizeof buf - 1));
	out("read %s", buf);
	SHOW("open O_RDONLY|O_CLOEXEC, junk mode", syscall(SYS_open, "f", O_RDONLY | O_CLOEXEC, junk ^ 0x1234));
	SHOW("openat O_DIRECTORY, junk mode", syscall(SYS_openat, AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, junk >> 4));
	umask(022);
	int c = SHOW("openat O_CREAT 0640", syscall(SYS_openat, AT_FDCWD, "new", O_WRONLY | O_CREAT | O_EXCL, 0640));
	struct stat st;
	MUST(fstat(c, &st));
	out("mode %o\n", st.st_mode & 0777);
	SHOW("open missing, junk mode", syscall(SYS_open, "missing", O_RDONLY, junk));
	return 0;
}
