/* xattr: user extended attributes on a temporary file: set (create,
 * replace), get (with size 0 for the length, too small a buffer), list,
 * remove, through the path and the fd. Prints "unsupported" and exits 0
 * where the file system has no user xattrs. */
#include "sys.h"
#include <fcntl.h>
#include <sys/xattr.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("f", "x");
	if (setxattr("f", "user.first", "one", 3, 0) != 0) {
		if (errno == ENOTSUP || errno == EOPNOTSUPP) {
			out("xattr unsupported here\n");
			return 0;
		}
		out("FAIL setxattr: %s\n", errname(errno));
		return 1;
	}
	SHOW("setxattr create existing", setxattr("f", "user.first", "uno", 3, XATTR_CREATE));
	SHOW("setxattr replace missing", setxattr("f", "user.second", "dos", 3, XATTR_REPLACE));
	int fd = MUST(open("f", O_RDONLY));
	MUST(fsetxattr(fd, "user.second", "two!", 4, 0));
	char buf[64] = {0};
	SHOW("getxattr size", getxattr("f", "user.first", NULL, 0));
	SHOW("getxattr", getxattr("f", "user.first", buf, sizeof buf));
	out("value %s\n", buf);
	SHOW("getxattr too small", getxattr("f", "user.second", buf, 2));
	SHOW("fgetxattr missing", fgetxattr(fd, "user.none", buf, sizeof buf));
	memset(buf, 0, sizeof buf);
	ssize_t n = SHOW("listxattr", listxattr("f", buf, sizeof buf));
	/* names in the order the file system keeps them */
	for (ssize_t i = 0; i < n; i += strlen(buf + i) + 1)
		out("  name %s\n", buf + i);
	SHOW("removexattr", removexattr("f", "user.first"));
	SHOW("fremovexattr missing", fremovexattr(fd, "user.first"));
	SHOW("flistxattr size", flistxattr(fd, NULL, 0));
	SHOW("lgetxattr on missing file", lgetxattr("nothere", "user.x", buf, sizeof buf));
	return 0;
}
