/* getdents: getdents64 of a directory with files, a subdirectory and a
 * symlink, read in small chunks (several calls); entries printed in the
 * order the kernel returned them with their types and offsets. */
#include "sys.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

struct d64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

int main(int argc, char **argv)
{
	enter(argc, argv);
	MUST(mkdir("d", 0755));
	const char *names[] = {"d/alpha", "d/beta", "d/gamma", "d/delta", "d/epsilon", "d/a-rather-longer-name-for-a-file"};
	for (int i = 0; i < 6; i++)
		put(names[i], names[i]);
	MUST(mkdir("d/sub", 0755));
	MUST(symlink("alpha", "d/link"));
	int fd = MUST(open("d", O_RDONLY | O_DIRECTORY));
	char buf[128];
	int calls = 0, entries = 0;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
		calls++;
		if (n < 0) {
			out("getdents64 = -1 %s\n", errname(errno));
			return 1;
		}
		out("getdents64 = %ld\n", n);
		if (n == 0)
			break;
		for (long o = 0; o < n;) {
			struct d64 *d = (struct d64 *)(buf + o);
			out("  %s type %d reclen %d ino %llu off %lld\n", d->name, d->type, d->reclen,
			    (unsigned long long)d->ino, (long long)d->off);
			entries++;
			o += d->reclen;
		}
	}
	out("%d entries in %d calls\n", entries, calls);
	MUST(lseek(fd, 0, SEEK_SET));
	SHOW("getdents64 buffer too small", syscall(SYS_getdents64, fd, buf, 8));
	int f = MUST(open("d/alpha", O_RDONLY));
	SHOW("getdents64 on a file", syscall(SYS_getdents64, f, buf, sizeof buf));
	return 0;
}
