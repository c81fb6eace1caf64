/* ptrace_loop.c: the bare ptrace loop, a benchmark anchor for the tracer.
 *   ptrace_loop [-args] PROG ARGS...
 * Forks; the child stops itself with raise(SIGSTOP) and then execvp(PROG).
 * The parent waits for that stop, PTRACE_SEIZEs the child with
 * PTRACE_O_TRACESYSGOOD|EXITKILL|TRACEEXEC|TRACECLONE|TRACEFORK|TRACEVFORK,
 * sends it SIGCONT, and then only loops PTRACE_SYSCALL + waitpid(-1, __WALL).
 * With -args it also reads the registers with PTRACE_GETREGS at every
 * syscall stop (a handler that looks at the arguments).
 * Signals are passed on to the tracees; group-stops are kept with
 * PTRACE_LISTEN (this is why it uses PTRACE_SEIZE rather than
 * PTRACE_TRACEME, with which a tracer cannot leave a tracee job-control
 * stopped and still let SIGCONT resume it).  It exits with the first child's
 * exit status (128+N if it was killed by signal N) as soon as that child
 * exits; remaining tracees are then killed by PTRACE_O_EXITKILL.  Prints
 * nothing itself except errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i = 1, want_regs = 0;
	if (i < argc && strcmp(argv[i], "-args") == 0) {
		want_regs = 1;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: ptrace_loop [-args] PROG ARGS...\n");
		return 2;
	}
	pid_t child = fork();
	if (child < 0) {
		perror("ptrace_loop: fork");
		return 1;
	}
	if (child == 0) {
		raise(SIGSTOP);
		execvp(argv[i], argv + i);
		perror("ptrace_loop: execvp");
		_exit(127);
	}
	int st;
	if (waitpid(child, &st, WUNTRACED) != child || !WIFSTOPPED(st)) {
		fprintf(stderr, "ptrace_loop: child did not stop\n");
		return 1;
	}
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;
	if (ptrace(PTRACE_SEIZE, child, NULL, (void *)opts) < 0) {
		perror("ptrace_loop: PTRACE_SEIZE");
		kill(child, SIGKILL);
		return 1;
	}
	kill(child, SIGCONT);
	for (;;) {
		pid_t pid = waitpid(-1, &st, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			perror("ptrace_loop: waitpid");
			return 1;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (pid == child)
				return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		int sig = WSTOPSIG(st), event = st >> 16, inject = 0;
		if (sig == (SIGTRAP | 0x80)) {
			if (want_regs) {
				struct user_regs_struct regs;
				ptrace(PTRACE_GETREGS, pid, NULL, &regs);
			}
		} else if (event == PTRACE_EVENT_STOP) {
			if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
				ptrace(PTRACE_LISTEN, pid, NULL, NULL); /* group-stop */
				continue;
			}
			/* SIGTRAP: a new tracee's first stop, or the end of a group-stop */
		} else if (event == 0) {
			inject = sig; /* signal-delivery-stop */
		}
		ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)inject);
	}
}
