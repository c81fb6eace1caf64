/* A program that manages rdtsc and cpuid faulting itself (as rr does):
 * prints the modes it sees, asks rdtsc to fault and handles the fault
 * itself, then turns it off; likewise for cpuid (where the CPU can make it
 * fault: "cpuid unavailable" otherwise). Under a tracer that traps these instructions
 * it must print what it prints natively. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include <x86intrin.h>

#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

static volatile int faults;

static void onsegv(int sig, siginfo_t *si, void *uc) {
	(void)sig;
	(void)si;
	((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP] += 2; /* over rdtsc */
	faults++;
}

int main(void) {
	int mode = -1;
	struct sigaction sa = {0};
	sa.sa_sigaction = onsegv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	prctl(PR_GET_TSC, &mode);
	printf("tsc mode %d\n", mode);
	printf("cpuid mode %ld\n", syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0));
	prctl(PR_SET_TSC, PR_TSC_SIGSEGV);
	prctl(PR_GET_TSC, &mode);
	printf("tsc mode %d\n", mode);
	__rdtsc();
	printf("own faults %d\n", faults);
	prctl(PR_SET_TSC, PR_TSC_ENABLE);
	__rdtsc();
	printf("own faults %d\n", faults);
	/* Nothing between the two arch_prctl calls but the cpuid (the
	 * handler steps over any faulting cpuid, 2 bytes like rdtsc). */
	if (syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0) == 0) {
		unsigned a = 0, b, c = 0, d;
		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
		syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1);
		printf("own faults %d\n", faults);
		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
		printf("own faults %d\n", faults);
	} else {
		printf("cpuid unavailable\n");
	}
	return 0;
}
