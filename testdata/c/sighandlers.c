/* sighandlers.c: a program with the signal handlers of a server, for the
 * commands' Ctrl-C tests (cmd/systr-record/signals_test.go...).  It prints
 * "ready", then reads lines from stdin:
 *   SIGINT   prints "got SIGINT" and exits 3 (from the handler: _exit)
 *   SIGTERM  prints "got SIGTERM N" (N counts them) and goes on
 *   SIGHUP   prints "got SIGHUP N" (N counts them) and goes on, as a
 *            server reloading its configuration
 *   quit     (a line on stdin) prints "terms N" and exits 0
 * At EOF on stdin it exits 0.  With the argument "pause" it does not read
 * stdin (under systr-trace it is the null device): it waits in pause(). */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

static volatile sig_atomic_t terms, hups;

static void on_int(int sig)
{
	(void)sig;
	out("got SIGINT\n");
	_exit(3);
}

static void on_term(int sig)
{
	(void)sig;
	terms++;
	out("got SIGTERM %d\n", (int)terms);
}

static void on_hup(int sig)
{
	(void)sig;
	hups++;
	out("got SIGHUP %d\n", (int)hups);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	out("ready\n");
	if (argc > 1 && strcmp(argv[1], "pause") == 0)
		for (;;)
			pause();
	char buf[256];
	size_t n = 0;
	for (;;) {
		ssize_t r = read(0, buf + n, sizeof buf - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		n += r;
		buf[n] = 0;
		if (strstr(buf, "quit\n")) {
			out("terms %d\n", (int)terms);
			return 0;
		}
		if (n >= sizeof buf - 1)
			n = 0;
	}
}
