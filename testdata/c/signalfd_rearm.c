/* signalfd_rearm.c: a signalfd created for SIGUSR1, then re-armed
 * (signalfd on the same fd) for SIGUSR2 too: the second call returns the
 * same fd and creates none. Reads both signals through it and prints what
 * it read (signal numbers, sender pid relative to the own pid). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "common.h"

int main(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, NULL);
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	int fd = signalfd(-1, &one, SFD_CLOEXEC);
	int again = signalfd(fd, &m, 0);
	int other = dup(fd);
	out("signalfd %d, re-armed %d, dup %d\n", fd, again, other);
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGUSR1);
	for (int i = 0; i < 2; i++) {
		struct signalfd_siginfo si;
		ssize_t n = read(fd, &si, sizeof si);
		out("read %zd: signal %u from %s, code %d\n", n, si.ssi_signo,
		    (pid_t)si.ssi_pid == getpid() ? "self" : "another", si.ssi_code);
	}
	return 0;
}
