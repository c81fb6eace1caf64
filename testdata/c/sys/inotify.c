/* inotify: a watch on a directory sees a file created, written, closed,
 * renamed and deleted; events printed with their masks, cookies shared by
 * the two halves of a rename, and names. */
#include "sys.h"
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	MUST(mkdir("w", 0755));
	int in = MUST(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
	int wd = MUST(inotify_add_watch(in, "w", IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE));
	out("watch %d\n", wd);
	char buf[4096] __attribute__((aligned(8)));
	SHOW("read nothing yet", read(in, buf, sizeof buf));
	put("w/new", "data");
	MUST(rename("w/new", "w/renamed"));
	MUST(unlink("w/renamed"));
	ssize_t n = MUST(read(in, buf, sizeof buf));
	out("read %zd bytes\n", n);
	uint32_t cookie = 0;
	for (char *p = buf; p < buf + n;) {
		struct inotify_event *e = (struct inotify_event *)p;
		int same = 0;
		if (e->cookie) {
			same = cookie == e->cookie;
			cookie = e->cookie;
		}
		out("  wd %d mask %#x cookie-set %d same-as-before %d len %u name %s\n", e->wd, e->mask, e->cookie != 0, same, e->len,
		    e->len ? e->name : "");
		p += sizeof *e + e->len;
	}
	SHOW("rm_watch", inotify_rm_watch(in, wd));
	n = MUST(read(in, buf, sizeof buf));
	out("after rm_watch: %zd bytes, mask %#x\n", n, ((struct inotify_event *)buf)->mask);
	SHOW("rm_watch again", inotify_rm_watch(in, wd));
	SHOW("add_watch missing", inotify_add_watch(in, "missing", IN_CREATE));
	return 0;
}
