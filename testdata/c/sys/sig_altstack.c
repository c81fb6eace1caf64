/* sig_altstack: a handler installed with SA_ONSTACK runs on the alternate
 * stack (sigaltstack reports SS_ONSTACK inside it), then not any more. */
#include "sys.h"
#include <signal.h>
#include <stdint.h>

static char altstack[64 * 1024];
static volatile int on_alt, flags_in;

static void on(int sig)
{
	(void)sig;
	char here;
	on_alt = (uintptr_t)&here >= (uintptr_t)altstack && (uintptr_t)&here < (uintptr_t)altstack + sizeof altstack;
	stack_t cur;
	sigaltstack(NULL, &cur);
	flags_in = cur.ss_flags;
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0}, old;
	MUST(sigaltstack(&ss, &old));
	out("old: flags %d size %zu\n", old.ss_flags, old.ss_size);
	struct sigaction sa = {0};
	sa.sa_handler = on;
	sa.sa_flags = SA_ONSTACK;
	MUST(sigaction(SIGUSR1, &sa, NULL));
	raise(SIGUSR1);
	out("handler on the alternate stack: %d, flags inside %d\n", on_alt, flags_in);
	stack_t cur;
	MUST(sigaltstack(NULL, &cur));
	out("after: flags %d size %zu same base %d\n", cur.ss_flags, cur.ss_size, cur.ss_sp == altstack);
	stack_t small = {.ss_sp = altstack, .ss_size = 100};
	SHOW("sigaltstack too small", sigaltstack(&small, NULL));
	stack_t dis = {.ss_flags = SS_DISABLE};
	MUST(sigaltstack(&dis, NULL));
	MUST(sigaltstack(NULL, &cur));
	out("disabled: flags %d\n", cur.ss_flags);
	return 0;
}
