/* mkdir_rmdir: mkdir and mkdirat, nested, EEXIST, ENOENT for a missing
 * parent, rmdir of a non-empty directory (ENOTEMPTY), of ".", and
 * chdir into a new directory and back. */
#include "sys.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	SHOW("mkdir top", mkdir("top", 0755));
	SHOW("mkdir top again", mkdir("top", 0755));
	SHOW("mkdir missing/parent", mkdir("missing/sub", 0755));
	int dfd = MUST(open("top", O_RDONLY | O_DIRECTORY));
	SHOW("mkdirat top/inner", mkdirat(dfd, "inner", 0700));
	put("top/inner/file", "x");
	SHOW("rmdir top", rmdir("top"));
	SHOW("rmdir top/inner", rmdir("top/inner"));
	SHOW("rmdir a file", rmdir("top/inner/file"));
	SHOW("chdir top/inner", chdir("top/inner"));
	char cwd[512];
	const char *base = strrchr(getcwd(cwd, sizeof cwd), '/');
	out("cwd ends in %s\n", base);
	SHOW("rmdir .", rmdir("."));
	SHOW("chdir ../..", chdir("../.."));
	SHOW("unlink file", unlink("top/inner/file"));
	SHOW("rmdir top/inner", rmdir("top/inner"));
	SHOW("rmdir top", rmdir("top"));
	struct stat st;
	SHOW("stat top", stat("top", &st));
	return 0;
}
