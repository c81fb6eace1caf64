/* deny_cpuid_mode.c: runs PROG ARGS... under a seccomp filter that makes
 * arch_prctl(ARCH_SET_CPUID, ...) fail with EPERM (every other call is
 * allowed), so that a tracer cannot arm cpuid faulting in PROG's image: a
 * failure to arm the traps, on a CPU that has CPUID faulting.
 *   deny_cpuid_mode PROG ARGS...
 * Exits 1 if the filter cannot be installed, 127 if PROG cannot be
 * executed, 2 on bad usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_SET_CPUID 0x1012

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: deny_cpuid_mode PROG ARGS...\n");
		return 2;
	}
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_arch_prctl, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_SET_CPUID, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
		perror("deny_cpuid_mode: seccomp");
		return 1;
	}
	execvp(argv[1], argv + 1);
	perror("deny_cpuid_mode: execvp");
	return 127;
}
