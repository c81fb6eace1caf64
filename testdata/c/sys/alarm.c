/* alarm: alarm returns the time left of the previous one; an alarm of 1 s
 * interrupts pause, the handler runs; alarm(0) cancels. */
#include "sys.h"
#include <signal.h>

static volatile int rang;
static void on(int sig) { rang = sig; }

int main(int argc, char **argv)
{
	enter(argc, argv);
	signal(SIGALRM, on);
	SHOW("alarm(30)", alarm(30));
	SHOW("alarm(5)", alarm(5));
	SHOW("alarm(0)", alarm(0));
	SHOW("alarm(1)", alarm(1));
	int r = pause();
	out("pause = %d %s, rang %d\n", r, errname(errno), rang);
	SHOW("alarm(0) after", alarm(0));
	return 0;
}
