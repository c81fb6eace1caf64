/* restart.c: syscall restart after signals.  A helper child waits (bounded
 * polling of /proc/PPID/stat) until the parent sleeps in a syscall and sends
 * SIGUSR1; the handler writes an acknowledgement into a pipe, and only then
 * does the helper write "data" into the pipe the parent reads.
 *   read, handler with SA_RESTART     -ERESTARTSYS: read restarts, gets data
 *   read, handler without SA_RESTART  read fails with EINTR
 *   nanosleep(10 s), SA_RESTART       EINTR: with a handler, nanosleep is
 *                                     never restarted (-ERESTART_RESTARTBLOCK)
 *   nanosleep(10 s), no SA_RESTART    EINTR
 *   nanosleep(150 ms) in a child that the parent stops with SIGSTOP and
 *                                     continues: no handler runs, so the
 *                                     kernel restarts it via restart_syscall
 *                                     and it sleeps the full time
 * Expected output:
 *   read with SA_RESTART: got "data", handler ran 1 time
 *   read without SA_RESTART: EINTR, handler ran 1 time, then got "data"
 *   nanosleep with SA_RESTART: EINTR, handler ran 1 time, time remaining: yes
 *   nanosleep without SA_RESTART: EINTR, handler ran 1 time, time remaining: yes
 *   nanosleep stopped and continued: stopped by signal 19, completed after the full time
 * Exit status 0.  Nothing waits 10 s unless a signal goes missing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"


static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Bounded wait until pid is in state want (or, for 'T', 't' too). */
static int wait_state(pid_t pid, char want)
{
	for (long tries = 0; tries < 1000000; tries++) {
		char s = proc_state(pid);
		if (s == want || (want == 'T' && s == 't'))
			return 1;
		sched_yield();
	}
	return 0;
}

static pid_t xwaitpid(pid_t pid, int *st, int flags)
{
	pid_t r;
	while ((r = waitpid(pid, st, flags)) < 0 && errno == EINTR)
		;
	return r;
}

static int failures;
static volatile sig_atomic_t handled;
static int ack_fd = -1;

static void on_usr1(int sig)
{
	(void)sig;
	int saved = errno;
	handled++;
	if (write(ack_fd, "a", 1) < 0)
		handled += 100;
	errno = saved;
}

static void set_handler(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	handled = 0;
}

struct helper {
	pid_t pid;
	int data_rfd; /* the parent reads "data" here */
};

/* Start a helper that interrupts this process once it sleeps in a syscall.
 * If send_data, the helper then writes "data" into the data pipe. */
static struct helper start_helper(int send_data)
{
	int data[2], ack[2];
	if (pipe(data) < 0 || pipe(ack) < 0)
		exit(1);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		exit(1);
	if (pid == 0) {
		close(data[0]);
		close(ack[1]);
		wait_state(parent, 'S');
		kill(parent, SIGUSR1);
		char c;
		ssize_t r;
		while ((r = read(ack[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (send_data && write(data[1], "data", 4) != 4)
			_exit(1);
		_exit(0);
	}
	close(data[1]);
	close(ack[0]);
	if (ack_fd >= 0)
		close(ack_fd);
	ack_fd = ack[1];
	struct helper h = {pid, data[0]};
	return h;
}

static void finish_helper(struct helper h)
{
	close(h.data_rfd);
	int st = 0;
	xwaitpid(h.pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		out("helper failed: status 0x%x\n", st);
		failures++;
	}
}

static void case_read(int restart)
{
	const char *name = restart ? "read with SA_RESTART" : "read without SA_RESTART";
	set_handler(restart ? SA_RESTART : 0);
	struct helper h = start_helper(1);
	char buf[16] = "";
	ssize_t r = read(h.data_rfd, buf, sizeof buf - 1);
	int err = errno;
	if (restart) {
		if (r > 0) {
			buf[r] = 0;
			out("%s: got \"%s\", handler ran %d time\n", name, buf, (int)handled);
		} else {
			out("%s: returned %zd (%s), handler ran %d time\n", name, r,
			    r < 0 ? strerror(err) : "EOF", (int)handled);
			failures++;
		}
	} else {
		if (r < 0 && err == EINTR) {
			int hn = handled;
			r = read(h.data_rfd, buf, sizeof buf - 1);
			buf[r > 0 ? r : 0] = 0;
			out("%s: EINTR, handler ran %d time, then got \"%s\"\n", name, hn, buf);
		} else {
			buf[r > 0 ? r : 0] = 0;
			out("%s: returned %zd \"%s\", handler ran %d time\n", name, r, buf, (int)handled);
			failures++;
		}
	}
	if (handled != 1)
		failures++;
	finish_helper(h);
}

static void case_nanosleep(int restart)
{
	const char *name = restart ? "nanosleep with SA_RESTART" : "nanosleep without SA_RESTART";
	set_handler(restart ? SA_RESTART : 0);
	struct helper h = start_helper(0);
	struct timespec req = {10, 0}, rem = {0, 0};
	int r = nanosleep(&req, &rem);
	int err = errno;
	int remaining = rem.tv_sec > 0 || rem.tv_nsec > 0;
	if (r < 0 && err == EINTR) {
		out("%s: EINTR, handler ran %d time, time remaining: %s\n", name, (int)handled,
		    remaining ? "yes" : "no");
		if (!remaining)
			failures++;
	} else {
		out("%s: returned %d, handler ran %d time\n", name, r, (int)handled);
		failures++;
	}
	if (handled != 1)
		failures++;
	finish_helper(h);
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void case_stop_restart(void)
{
	const long long dur = 150000000LL;
	pid_t pid = fork();
	if (pid < 0)
		exit(1);
	if (pid == 0) {
		long long start = now_ns();
		struct timespec req = {0, dur};
		int r = nanosleep(&req, NULL);
		if (r < 0)
			_exit(1);
		_exit(now_ns() - start >= dur ? 0 : 2);
	}
	wait_state(pid, 'S');
	kill(pid, SIGSTOP);
	int st = 0;
	char line[256];
	int n = snprintf(line, sizeof line, "nanosleep stopped and continued:");
	if (xwaitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st)) {
		n += snprintf(line + n, sizeof line - n, " stopped by signal %d", WSTOPSIG(st));
	} else {
		n += snprintf(line + n, sizeof line - n, " not stopped (0x%x)", st);
		failures++;
	}
	kill(pid, SIGCONT);
	st = 0;
	while (xwaitpid(pid, &st, 0) == pid && WIFSTOPPED(st))
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		snprintf(line + n, sizeof line - n, ", completed after the full time");
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 1) {
		snprintf(line + n, sizeof line - n, ", EINTR");
		failures++;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 2) {
		snprintf(line + n, sizeof line - n, ", returned early");
		failures++;
	} else {
		snprintf(line + n, sizeof line - n, ", status 0x%x", st);
		failures++;
	}
	out("%s\n", line);
}

int main(void)
{
	case_read(1);
	case_read(0);
	case_nanosleep(1);
	case_nanosleep(0);
	case_stop_restart();
	if (failures)
		out("restart: %d failures\n", failures);
	return failures ? 1 : 0;
}
