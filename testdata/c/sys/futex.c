/* futex: FUTEX_WAIT with the wrong value (EAGAIN), with a timeout
 * (ETIMEDOUT), FUTEX_WAKE with no waiters, and a parent waiting on a
 * shared futex woken by its child. */
#include "sys.h"
#include <linux/futex.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	uint32_t word = 5;
	SHOW("wait wrong value", futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL));
	struct timespec ts = {0, 2000000};
	SHOW("wait timeout", futex(&word, FUTEX_WAIT_PRIVATE, 5, &ts));
	SHOW("wake nobody", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL));
	SHOW("bad op", futex(&word, 99, 0, NULL));
	uint32_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 1;
	*shared = 0;
	int pid = MUST(fork());
	if (pid == 0) {
		__atomic_store_n(shared, 1, __ATOMIC_SEQ_CST);
		futex(shared, FUTEX_WAKE, 1, NULL);
		_exit(0);
	}
	while (__atomic_load_n(shared, __ATOMIC_SEQ_CST) == 0)
		futex(shared, FUTEX_WAIT, 0, NULL);
	out("woken: word %u\n", *shared);
	reap("waker", pid);
	return 0;
}
