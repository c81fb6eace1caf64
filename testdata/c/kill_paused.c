/* kill_paused.c: a child tells its parent it is ready and pauses; the
 * parent SIGKILLs it and exits without waiting for it. Prints one line.
 * (Replayed with the kill made to fail, the child waits for ever for the
 * signal that ended it when recorded: the replay must still end.) */
#include <signal.h>
#include <unistd.h>
#include "common.h"

int main(void)
{
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	char c;
	if (read(p[0], &c, 1) != 1)
		return 1;
	kill(child, SIGKILL);
	out("killed the child\n");
	return 0;
}
