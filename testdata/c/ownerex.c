/* ownerex: fcntl F_SETOWN_EX and F_GETOWN_EX (struct f_owner_ex) on a
 * pipe: the owner set is the one read back. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

int main(void) {
	int p[2];
	if (pipe(p))
		return 1;
	struct f_owner_ex o = {F_OWNER_TID, gettid()}, q = {0};
	if (fcntl(p[0], F_SETOWN_EX, &o) || fcntl(p[0], F_GETOWN_EX, &q))
		return 2;
	return q.type != o.type || q.pid != o.pid;
}
