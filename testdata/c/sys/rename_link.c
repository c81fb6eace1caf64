/* rename_link: rename over an existing file, renameat2 with NOREPLACE
 * and EXCHANGE, link/linkat (link counts), symlink, unlink/unlinkat, and
 * the errors (EEXIST, ENOENT, EISDIR, ENOTDIR). */
#include "sys.h"
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

static void show(const char *path)
{
	struct stat st;
	char buf[32] = {0};
	int fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		out("  %s: %s\n", path, errname(errno));
		return;
	}
	read(fd, buf, sizeof buf - 1);
	close(fd);
	out("  %s: \"%s\" nlink %lu\n", path, buf, (unsigned long)st.st_nlink);
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("a", "A");
	put("b", "B");
	put("c", "C");
	SHOW("rename a b", rename("a", "b"));
	show("a");
	show("b");
	SHOW("renameat2 NOREPLACE c b", renameat2(AT_FDCWD, "c", AT_FDCWD, "b", RENAME_NOREPLACE));
	SHOW("renameat2 EXCHANGE c b", renameat2(AT_FDCWD, "c", AT_FDCWD, "b", RENAME_EXCHANGE));
	show("b");
	show("c");
	SHOW("link b h", link("b", "h"));
	SHOW("linkat b h2", linkat(AT_FDCWD, "b", AT_FDCWD, "h2", 0));
	show("b");
	SHOW("link b h (exists)", link("b", "h"));
	SHOW("symlink b s", symlink("b", "s"));
	show("s");
	SHOW("unlink h", unlink("h"));
	show("b");
	MUST(mkdir("dir", 0755));
	SHOW("unlink dir", unlink("dir"));
	SHOW("unlinkat dir REMOVEDIR", unlinkat(AT_FDCWD, "dir", AT_REMOVEDIR));
	SHOW("rename missing", rename("missing", "x"));
	SHOW("rename b c/x", rename("b", "c/x"));
	SHOW("unlink missing", unlink("missing"));
	return 0;
}
