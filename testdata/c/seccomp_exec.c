/* seccomp_exec.c: benchmark anchor, the kernel's own cost of a seccomp
 * filter, without any tracer.
 *   seccomp_exec [-trivial] PROG ARGS...
 * Sets PR_SET_NO_NEW_PRIVS, installs a seccomp-BPF filter of the shape the
 * tracer builds (check the architecture, then the number; every call is
 * allowed except acct(2), which fails with ENOSYS) and execvp(PROG).
 * Natively, PROG then runs with the per-syscall cost of a filter that lets
 * its calls through but no tracer attached: the floor for "untraced calls
 * run at native speed" with the seccomp fast path.  Like the tracer it asks
 * for SECCOMP_FILTER_FLAG_SPEC_ALLOW (falling back to no flag).  -trivial
 * installs the smallest filter there is (one instruction: allow) instead,
 * to show that the cost is the kernel's seccomp entry path, not the
 * filter's length.  Prints nothing itself
 * except errors; exits with PROG's status (1 if the filter cannot be
 * installed, 127 if PROG cannot be executed, 2 on bad usage). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "seccomp_exec: unsupported architecture"
#endif

int main(int argc, char **argv)
{
	int trivial = argc > 1 && strcmp(argv[1], "-trivial") == 0;
	if (trivial) {
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: seccomp_exec [-trivial] PROG ARGS...\n");
		return 2;
	}
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_acct, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(filter) / sizeof(filter[0]),
		.filter = filter,
	};
	if (trivial) {
		prog.len = 1;
		prog.filter = allow;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		perror("seccomp_exec: prctl(PR_SET_NO_NEW_PRIVS)");
		return 1;
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, &prog) != 0 &&
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
		perror("seccomp_exec: seccomp(SECCOMP_SET_MODE_FILTER)");
		return 1;
	}
	execvp(argv[1], argv + 1);
	perror("seccomp_exec: execvp");
	return 127;
}
