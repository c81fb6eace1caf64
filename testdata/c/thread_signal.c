/* thread_signal.c: a thread sends SIGUSR1 to another thread of its
 * process (tgkill) three times while that one prints lines; the handler
 * prints where it came ("signal after line N").  Both threads print to
 * stdout with write.  Exit status 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int line;
static volatile pid_t target;

static void say(const char *s) { write(1, s, strlen(s)); }

static void handler(int sig)
{
	char b[64];
	int n = snprintf(b, sizeof b, "signal %d after line %d\n", sig, line);
	write(1, b, n);
}

static void *printer(void *arg)
{
	(void)arg;
	target = (pid_t)syscall(SYS_gettid);
	for (int i = 0; i < 30; i++) {
		char b[32];
		int n = snprintf(b, sizeof b, "line %d\n", i);
		write(1, b, n);
		line = i;
	}
	return NULL;
}

static void *sender(void *arg)
{
	(void)arg;
	while (!target)
		sched_yield();
	for (int i = 0; i < 3; i++) {
		say("sending\n");
		syscall(SYS_tgkill, getpid(), target, SIGUSR1);
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t a, b;
	pthread_create(&a, NULL, printer, NULL);
	pthread_create(&b, NULL, sender, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	say("done\n");
	return 0;
}
