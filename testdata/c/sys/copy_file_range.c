/* copy_file_range: a range copied between files with offsets, with the
 * file positions, overlapping within one file (EINVAL), past the end;
 * the result read back. */
#include "sys.h"
#include <fcntl.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("a", "abcdefghijklmnopqrstuvwxyz");
	put("b", "0000000000");
	int a = MUST(open("a", O_RDONLY));
	int b = MUST(open("b", O_RDWR));
	loff_t in = 3, o = 5;
	SHOW("copy with offsets", copy_file_range(a, &in, b, &o, 8, 0));
	out("in %lld out %lld\n", (long long)in, (long long)o);
	MUST(lseek(a, 20, SEEK_SET));
	SHOW("copy from positions", copy_file_range(a, NULL, b, NULL, 4, 0));
	out("a at %ld, b at %ld\n", (long)lseek(a, 0, SEEK_CUR), (long)lseek(b, 0, SEEK_CUR));
	char buf[64] = {0};
	SHOW("pread b", pread(b, buf, sizeof buf - 1, 0));
	out("b: %s\n", buf);
	in = 100;
	SHOW("copy past end", copy_file_range(a, &in, b, NULL, 4, 0));
	loff_t x = 0, y = 2;
	SHOW("copy overlapping", copy_file_range(b, &x, b, &y, 5, 0));
	SHOW("copy bad flags", copy_file_range(a, NULL, b, NULL, 4, 1));
	return 0;
}
