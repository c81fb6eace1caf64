/* clocks.c: reads the clocks through libc, which uses the vDSO (no system
 * call unless a tracer patched it: tracer.Options.TrapVDSO).  Each round
 * makes N calls (default 3) of each of clock_gettime(CLOCK_REALTIME),
 * clock_gettime(CLOCK_MONOTONIC), gettimeofday, time and
 * clock_getres(CLOCK_MONOTONIC), checks the values (plausible dates,
 * monotonic non-decreasing, the clocks agree) and prints one line per
 * function - never a time.
 *
 *   clocks [N]        one round in this process ("main")
 *   clocks fork [N]   a forked child (no exec) makes a round ("child"),
 *                     then the parent does ("parent")
 *   clocks exec [N]   prints "exec", re-executes itself as "clocks N"
 *   clocks getrandom  calls the vDSO's __vdso_getrandom (Linux 6.11+,
 *                     found through AT_SYSINFO_EHDR) directly: its state
 *                     query (opaque_len ~0; "ok" natively, "ENOSYS" when
 *                     TrapVDSO patched it) and a call without state (the
 *                     getrandom syscall either way)
 *
 * Exit status 0 if every check passed, 1 if one failed, 2 on bad usage. */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

#define Y2020 1577836800L

static const char *yesno(int ok) { return ok ? "yes" : "no"; }

static int round_(const char *who, int n)
{
	struct timespec ts, prev = {0, 0};
	struct timeval tv;
	long real_sec = 0, tv_sec = 0, t_sec = 0;
	int real_ok = 1, mono_ok = 1, tv_ok = 1, t_ok = 1, res_ok = 1;

	for (int i = 0; i < n; i++) {
		if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < Y2020 || ts.tv_nsec < 0 ||
		    ts.tv_nsec >= 1000000000L)
			real_ok = 0;
		real_sec = ts.tv_sec;
	}
	for (int i = 0; i < n; i++) {
		if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L ||
		    ts.tv_sec < prev.tv_sec || (ts.tv_sec == prev.tv_sec && ts.tv_nsec < prev.tv_nsec))
			mono_ok = 0;
		prev = ts;
	}
	for (int i = 0; i < n; i++) {
		if (gettimeofday(&tv, NULL) != 0 || tv.tv_sec < Y2020 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			tv_ok = 0;
		tv_sec = tv.tv_sec;
	}
	for (int i = 0; i < n; i++) {
		time_t t2 = 0, t = time(&t2);
		if (t != t2 || t < Y2020)
			t_ok = 0;
		t_sec = t;
	}
	for (int i = 0; i < n; i++) {
		if (clock_getres(CLOCK_MONOTONIC, &ts) != 0 || ts.tv_sec != 0 || ts.tv_nsec <= 0)
			res_ok = 0;
	}
	int agree = labs(tv_sec - real_sec) < 60 && labs(t_sec - real_sec) < 60;
	out("%s: clock_gettime(CLOCK_REALTIME): %d calls, plausible: %s\n", who, n, yesno(real_ok));
	out("%s: clock_gettime(CLOCK_MONOTONIC): %d calls, non-decreasing: %s\n", who, n, yesno(mono_ok));
	out("%s: gettimeofday: %d calls, plausible: %s\n", who, n, yesno(tv_ok));
	out("%s: time: %d calls, plausible: %s\n", who, n, yesno(t_ok));
	out("%s: clock_getres(CLOCK_MONOTONIC): %d calls, positive: %s\n", who, n, yesno(res_ok));
	out("%s: clocks agree: %s\n", who, yesno(agree));
	return real_ok && mono_ok && tv_ok && t_ok && res_ok && agree ? 0 : 1;
}

/* vdso_sym returns the address of a function of the vDSO, or NULL. */
static void *vdso_sym(const char *name)
{
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);
	if (base == 0)
		return NULL;
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)base;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(base + eh->e_phoff);
	uintptr_t load = 0, dynva = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			load = ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dynva = ph[i].p_vaddr;
	}
	if (dynva == 0)
		return NULL;
	const ElfW(Sym) *syms = NULL;
	const char *strs = NULL;
	const Elf32_Word *hash = NULL;
	for (const ElfW(Dyn) *d = (const ElfW(Dyn) *)(base + dynva - load); d->d_tag != DT_NULL; d++) {
		uintptr_t a = base + d->d_un.d_ptr - load;
		if (d->d_tag == DT_SYMTAB)
			syms = (const ElfW(Sym) *)a;
		else if (d->d_tag == DT_STRTAB)
			strs = (const char *)a;
		else if (d->d_tag == DT_HASH)
			hash = (const Elf32_Word *)a;
	}
	if (syms == NULL || strs == NULL || hash == NULL)
		return NULL;
	for (Elf32_Word i = 0; i < hash[1]; i++)
		if (syms[i].st_shndx != SHN_UNDEF && strcmp(strs + syms[i].st_name, name) == 0)
			return (void *)(base + syms[i].st_value - load);
	return NULL;
}

static int vgetrandom(void)
{
	long (*f)(void *, size_t, unsigned, void *, size_t) = vdso_sym("__vdso_getrandom");
	if (f == NULL) {
		out("getrandom: no vDSO function\n");
		return 0;
	}
	unsigned params[16] = {0};
	long r = f(NULL, 0, 0, params, ~0UL);
	out("getrandom state query: %s\n", r == 0 ? "ok" : r == -ENOSYS ? "ENOSYS" : "other error");
	unsigned char buf[16];
	r = f(buf, sizeof buf, 0, NULL, 0);
	out("getrandom without state: %ld bytes\n", r);
	return r == (long)sizeof buf ? 0 : 1;
}

static int count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end != 0 || n < 0 || n > 1000000)
		return -1;
	return (int)n;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "getrandom") == 0)
		return vgetrandom();
	const char *mode = "";
	int n = 3;
	if (argc > 1 && (strcmp(argv[1], "fork") == 0 || strcmp(argv[1], "exec") == 0)) {
		mode = argv[1];
		argv++, argc--;
	}
	if (argc > 2 || (argc == 2 && (n = count(argv[1])) < 0)) {
		out("usage: clocks [fork|exec] [N] | getrandom\n");
		return 2;
	}
	if (strcmp(mode, "fork") == 0) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(round_("child", n));
		int st;
		if (waitpid(pid, &st, 0) != pid)
			return 1;
		out("child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return round_("parent", n) || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	if (strcmp(mode, "exec") == 0) {
		char num[16];
		snprintf(num, sizeof num, "%d", n);
		out("exec\n");
		execl("/proc/self/exe", "clocks", num, (char *)NULL);
		return 1;
	}
	return round_("main", n);
}
