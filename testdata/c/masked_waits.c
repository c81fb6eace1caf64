/* masked_waits.c: waits with a signal mask of their own let a blocked
 * signal in (EINTR, the handler runs inside the call, with the thread's
 * own mask back afterwards): epoll_pwait with a signal the program raised
 * itself; pselect6 with SIGCHLD of a child that exited (the kernel's
 * signal: the handler prints its siginfo); ppoll without fds (a
 * sigsuspend with a timeout) woken by a timer's SIGALRM, then by a
 * SIGUSR1 a child sends 50 ms after it started. Each line says
 * whether the handler ran, so that a replay where it does not prints
 * something else. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

static volatile int got_usr1, got_alrm, got_chld, chld_pid, chld_status, chld_code;

static void on_usr1(int sig) { (void)sig; got_usr1++; }
static void on_alrm(int sig) { (void)sig; got_alrm++; }
static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	got_chld++;
	chld_pid = si->si_pid;
	chld_status = si->si_status;
	chld_code = si->si_code;
}

/* blocked says whether sig is in the thread's mask now. */
static int blocked(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, sig);
}

int main(void)
{
	sigset_t block, none;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGALRM);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &block, NULL);
	signal(SIGUSR1, on_usr1);
	signal(SIGALRM, on_alrm);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);

	/* epoll_pwait: a pending SIGUSR1 the program raised itself. */
	int ep = epoll_create1(0);
	int p[2];
	pipe(p);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]};
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	raise(SIGUSR1);
	int r = epoll_pwait(ep, &ev, 1, 5000, &none);
	out("epoll_pwait: %d %s, handler ran %d, still blocked %d\n", r, r < 0 ? strerror(errno) : "", got_usr1, blocked(SIGUSR1));

	/* pselect: SIGCHLD of a child that has exited (not reaped yet). */
	int pid = fork();
	if (pid == 0)
		_exit(7);
	siginfo_t si;
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timespec ts = {5, 0};
	r = pselect(p[0] + 1, &rd, NULL, NULL, &ts, &none);
	out("pselect: %d %s, handler ran %d, pid-is-child %d, status %d, code %d, still blocked %d\n", r, r < 0 ? strerror(errno) : "",
	    got_chld, chld_pid == pid, chld_status, chld_code, blocked(SIGCHLD));
	waitpid(pid, NULL, 0);

	/* ppoll without fds: a sigsuspend with a timeout, woken by a timer. */
	struct itimerval it = {{0, 0}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	ts = (struct timespec){5, 0};
	r = ppoll(NULL, 0, &ts, &none);
	out("ppoll: %d %s, handler ran %d, still blocked %d\n", r, r < 0 ? strerror(errno) : "", got_alrm, blocked(SIGALRM));

	/* ppoll woken by a signal from another process (which exits only
	 * once the parent has told what it saw, so that its SIGCHLD does not
	 * come in the handler). */
	int done[2];
	pipe(done);
	pid = fork();
	if (pid == 0) {
		struct timespec d = {0, 50 * 1000 * 1000};
		nanosleep(&d, NULL);
		kill(getppid(), SIGUSR1);
		read(done[0], &d, 1);
		_exit(0);
	}
	ts = (struct timespec){5, 0};
	r = ppoll(NULL, 0, &ts, &none);
	out("ppoll from child: %d %s, handler ran %d, still blocked %d\n", r, r < 0 ? strerror(errno) : "", got_usr1, blocked(SIGUSR1));
	write(done[1], "x", 1);
	waitpid(pid, NULL, 0);
	return 0;
}
