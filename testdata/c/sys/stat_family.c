/* stat_family: stat, fstat, lstat, newfstatat (AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH), statx (with a mask) on a file, a directory and a
 * symlink; what each reports (size, mode, links, inode, times). */
#include "sys.h"
#include <fcntl.h>
#include <sys/stat.h>

static void show(const char *what, int r, struct stat *st)
{
	if (r < 0) {
		out("%s = -1 %s\n", what, errname(errno));
		return;
	}
	out("%s: size %lld mode %o nlink %lu ino %llu uid %u mtime %lld.%09ld blksize %ld\n", what, (long long)st->st_size,
	    st->st_mode, (unsigned long)st->st_nlink, (unsigned long long)st->st_ino, st->st_uid, (long long)st->st_mtim.tv_sec,
	    st->st_mtim.tv_nsec, (long)st->st_blksize);
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("file", "twelve bytes");
	MUST(mkdir("dir", 0750));
	MUST(symlink("file", "link"));
	struct stat st;
	show("stat file", stat("file", &st), &st);
	show("stat dir", stat("dir", &st), &st);
	show("stat link", stat("link", &st), &st);
	show("lstat link", lstat("link", &st), &st);
	int fd = MUST(open("file", O_RDONLY));
	show("fstat", fstat(fd, &st), &st);
	int dfd = MUST(open("dir", O_RDONLY | O_DIRECTORY));
	show("fstatat(dir, ..)", fstatat(dfd, "..", &st, 0), &st);
	show("fstatat nofollow", fstatat(AT_FDCWD, "link", &st, AT_SYMLINK_NOFOLLOW), &st);
	show("fstatat empty path", fstatat(fd, "", &st, AT_EMPTY_PATH), &st);
	show("stat missing", stat("missing", &st), &st);
	show("stat through a file", stat("file/x", &st), &st);
	struct statx sx;
	int r = statx(AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &sx);
	if (r < 0)
		out("statx = -1 %s\n", errname(errno));
	else
		out("statx: mask %#x size %llu mode %o btime %lld ino %llu\n", sx.stx_mask, (unsigned long long)sx.stx_size,
		    sx.stx_mode, (long long)sx.stx_btime.tv_sec, (unsigned long long)sx.stx_ino);
	r = statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx);
	out("statx fd = %d size %llu\n", r, (unsigned long long)sx.stx_size);
	SHOW("statx bad mask", statx(AT_FDCWD, "file", 0, 0x80000000u, &sx));
	return 0;
}
