/* signals.c: signal delivery cases a tracer must pass through unchanged.
 * One line per case:
 *   SIGUSR1 handled: count 3
 *   SIGUSR2 ignored: still running
 *   SIGUSR1 blocked: pending yes, count still 3; after unblock: count 4
 *   child SIGTERM: killed by signal 15
 *   child SIGSTOP: stopped by signal 19, continued, exited 7
 *   child SIGTSTP: stopped by signal 20, continued, exited 7
 *   self SIGSTOP: continued by another process, exited 0
 *   SIGSEGV handled: recovered 2 times, fault address matches: yes
 * Exit status 0.  Stopped children run in their own process group so that
 * SIGTSTP is not discarded as it would be in an orphaned process group. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"


/* State letter and voluntary context switches from /proc/PID/status; the
 * letter is 0 when the process is gone. Every stop of a process is a
 * voluntary switch, so an unchanged count with the same stopped state across
 * a yield means the process stayed in one stop. */
static char proc_stop(pid_t pid, long *nvcsw)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *st = strstr(buf, "\nState:\t");
	char *sw = strstr(buf, "\nvoluntary_ctxt_switches:\t");
	if (!st || !sw)
		return 0;
	*nvcsw = strtol(sw + strlen("\nvoluntary_ctxt_switches:\t"), NULL, 10);
	return st[strlen("\nState:\t")];
}

static pid_t xwaitpid(pid_t pid, int *st, int flags)
{
	pid_t r;
	while ((r = waitpid(pid, st, flags)) < 0 && errno == EINTR)
		;
	return r;
}

static int failures;
static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void case_handled(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < 3; i++)
		raise(SIGUSR1);
	out("SIGUSR1 handled: count %d\n", (int)usr1_count);
	if (usr1_count != 3)
		failures++;
}

static void case_ignored(void)
{
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	kill(getpid(), SIGUSR2);
	out("SIGUSR2 ignored: still running\n");
}

static void case_blocked(void)
{
	sigset_t set, old, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	kill(getpid(), SIGUSR1);
	sigemptyset(&pend);
	sigpending(&pend);
	int pending = sigismember(&pend, SIGUSR1);
	int before = usr1_count;
	sigprocmask(SIG_SETMASK, &old, NULL);
	int after = usr1_count;
	out("SIGUSR1 blocked: pending %s, count still %d; after unblock: count %d\n",
	    pending ? "yes" : "no", before, after);
	if (!pending || before != 3 || after != 4)
		failures++;
}

static void case_sigterm(void)
{
	int p[2];
	if (pipe(p) < 0)
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		char c;
		while (read(p[0], &c, 1) != 0)
			;
		_exit(0);
	}
	close(p[0]);
	kill(pid, SIGTERM);
	close(p[1]);
	int st = 0;
	xwaitpid(pid, &st, 0);
	if (WIFSIGNALED(st)) {
		out("child SIGTERM: killed by signal %d\n", WTERMSIG(st));
		if (WTERMSIG(st) != SIGTERM)
			failures++;
	} else {
		out("child SIGTERM: status 0x%x\n", st);
		failures++;
	}
}

static void case_stop(const char *name, int sig)
{
	int p[2];
	if (pipe(p) < 0)
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		setpgid(0, 0);
		raise(sig);
		/* continued: wait until the parent has seen WIFCONTINUED */
		char c;
		ssize_t r;
		while ((r = read(p[0], &c, 1)) < 0 && errno == EINTR)
			;
		_exit(7);
	}
	close(p[0]);
	setpgid(pid, pid);
	char line[256];
	int n = snprintf(line, sizeof line, "child %s:", name);
	int st = 0;
	pid_t w = xwaitpid(pid, &st, WUNTRACED);
	int ok = 0;
	if (w == pid && WIFSTOPPED(st)) {
		n += snprintf(line + n, sizeof line - n, " stopped by signal %d", WSTOPSIG(st));
		kill(pid, SIGCONT);
		w = xwaitpid(pid, &st, WCONTINUED);
		if (w == pid && WIFCONTINUED(st)) {
			n += snprintf(line + n, sizeof line - n, ", continued");
			ok = 1;
		} else {
			n += snprintf(line + n, sizeof line - n, ", not continued (0x%x)", st);
		}
	} else {
		n += snprintf(line + n, sizeof line - n, " not stopped (0x%x)", st);
		kill(pid, SIGCONT);
	}
	if (write(p[1], "g", 1) < 0)
		failures++;
	close(p[1]);
	w = xwaitpid(pid, &st, 0);
	if (w == pid && WIFEXITED(st))
		snprintf(line + n, sizeof line - n, ", exited %d", WEXITSTATUS(st));
	else
		snprintf(line + n, sizeof line - n, ", status 0x%x", st);
	out("%s\n", line);
	if (!ok || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		failures++;
}

/* A child stops itself with kill(getpid(), SIGSTOP); a sibling process
 * (not the parent) sees it stopped and continues it. */
static void case_self_stop(void)
{
	int p[2];
	if (pipe(p) < 0)
		exit(1);
	pid_t child = fork();
	if (child == 0) {
		close(p[0]);
		setpgid(0, 0);
		kill(getpid(), SIGSTOP);
		if (write(p[1], "c", 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	setpgid(child, child);
	pid_t helper = fork();
	if (helper == 0) {
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		/* Continue the child once it stays stopped: the same stop seen
		 * twice, a yield apart. Traced, a process also shows 't' in
		 * every ptrace stop, and a SIGCONT sent then makes one more
		 * (its delivery); sending on every sighting could keep the
		 * child stopping for ever. */
		long last = -1;
		for (long tries = 0; tries < 1000000; tries++) {
			char c;
			if (read(p[0], &c, 1) == 1)
				_exit(0);
			long nv = 0;
			char s = proc_stop(child, &nv);
			if ((s == 'T' || s == 't') && nv == last) {
				kill(child, SIGCONT);
				last = -1;
			} else {
				last = (s == 'T' || s == 't') ? nv : -1;
			}
			sched_yield();
		}
		kill(child, SIGKILL);
		_exit(1);
	}
	close(p[0]);
	int st = 0, hst = 0;
	xwaitpid(child, &st, 0);
	xwaitpid(helper, &hst, 0);
	int helped = WIFEXITED(hst) && WEXITSTATUS(hst) == 0;
	if (WIFEXITED(st))
		out("self SIGSTOP: %s, exited %d\n",
		    helped ? "continued by another process" : "helper failed", WEXITSTATUS(st));
	else
		out("self SIGSTOP: %s, status 0x%x\n",
		    helped ? "continued by another process" : "helper failed", st);
	if (!helped || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		failures++;
}

static sigjmp_buf segv_env;
static void *volatile fault_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = si->si_addr;
	siglongjmp(segv_env, 1);
}

static void case_segv(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	int *volatile bad = (int *)(uintptr_t)16;
	volatile int recovered = 0, match = 1;
	for (volatile int i = 0; i < 2; i++) {
		if (sigsetjmp(segv_env, 1) == 0) {
			*bad = 1;
			out("SIGSEGV: store did not fault\n");
			failures++;
		} else {
			recovered++;
			if (fault_addr != (void *)bad)
				match = 0;
		}
	}
	out("SIGSEGV handled: recovered %d times, fault address matches: %s\n", (int)recovered,
	    match ? "yes" : "no");
	if (recovered != 2 || !match)
		failures++;
}

int main(void)
{
	case_handled();
	case_ignored();
	case_blocked();
	case_sigterm();
	case_stop("SIGSTOP", SIGSTOP);
	case_stop("SIGTSTP", SIGTSTP);
	case_self_stop();
	case_segv();
	if (failures)
		out("signals: %d failures\n", failures);
	return failures ? 1 : 0;
}
