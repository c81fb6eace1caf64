/*
 * sysctr.h - LibSysCTr's C interface, backed by systr's Go tracer.
 *
 * Link with libsysctr.so (cc prog.c -L DIR -lsysctr -Wl,-rpath,DIR) or
 * libsysctr.a (cc prog.c DIR/libsysctr.a -lpthread). Build both with
 * `make libsysctr`. The README's "C interface" section has an example. All
 * functions return 0 (or a count) on success and a negative errno value on
 * error, except systr_pszmem_read, which returns -1.
 *
 * The functions of the original LibSysCTr keep their signatures; the ones
 * marked "systr" are additions.
 */
#ifndef SYSCTR_H
#define SYSCTR_H

#ifdef __cplusplus
extern "C" {
#endif

/* What a callback returns: go on tracing the process, or detach it (it
 * runs on untraced; its children stay traced). */
#define SYSTR_RET_CONTINUE 0
#define SYSTR_RET_DETACH 1

/* What systr_get_param reads and systr_set_params writes: the syscall
 * number, its six arguments, its return value (at exit, or to set with a
 * skipped call at entry), the stack pointer and the instruction pointer. */
#define SYSTR_SYSCALL 1
#define SYSTR_PARAM_1 2
#define SYSTR_PARAM_2 3
#define SYSTR_PARAM_3 4
#define SYSTR_PARAM_4 5
#define SYSTR_PARAM_5 6
#define SYSTR_PARAM_6 7
#define SYSTR_PARAM_RCODE 8
#define SYSTR_REG_SP 9
#define SYSTR_REG_IP 10

/* Memory areas for the pmem functions (both name the whole address space
 * of the process: kept for LibSysCTr's signatures). */
#define SYSTR_DATA_SECT 1
#define SYSTR_TEXT_SECT 2

/* One system call of one traced process, valid only inside its callback
 * and only on the thread the callback runs on. */
typedef struct s_trsyscall *trsyscall_t;

/* Starts the library (its tracer thread). Call once before anything else;
 * -EALREADY if it is started. */
int systr_init_library(void);
/* Stops the library: ends a run (its programs are killed), forgets the
 * callbacks. */
void systr_cleanup_library(void);
/* Runs av[0] (looked up in PATH) with its arguments and follows all its
 * threads and children until none is left. Returns the program's exit
 * status, 128+N if signal N killed it, -EINTR if systr_stop ended the run,
 * the negative errno of a failed start (-ENOENT...), -EBUSY during
 * another run. av ends with NULL. */
int systr_run(char **av);
/* Ends the current run from any thread (a callback too); the run returns
 * -EINTR. */
int systr_stop(void);
/* Calls scfunc(priv, tsc) at the entry and at the exit of every call
 * numbered syscall (the native x86_64 number, SYS_openat; an i386 tracee's
 * same-named call too). One callback per number: a second registration
 * replaces the first. -EINVAL for a number the catalogue does not know or
 * a NULL function. */
int systr_trace_syscall(int syscall, int (*scfunc)(void *, trsyscall_t), void *priv);
/* Removes the callback of syscall; -ENOENT if it has none. */
int systr_untrace_syscall(int syscall);
/* systr: registers scfunc for every system call the catalogue knows (as
 * systr_trace_syscall for each); returns how many. systr_untrace_syscall
 * removes them one by one. */
int systr_trace_all(int (*scfunc)(void *, trsyscall_t), void *priv);
/* systr: the native number of the system call called name ("openat"), or
 * -ENOENT. */
int systr_syscall_number(const char *name);
/* systr: writes the name of native system call syscall, NUL-terminated,
 * into buf of size bytes; returns its length, -ENOENT for an unknown
 * number, -ERANGE if buf is too small. */
int systr_syscall_name(int syscall, char *buf, int size);
/* The process id (thread group id) of the process making the call. */
int systr_get_pid(trsyscall_t tsc, unsigned long *pid);
/* systr: the id of the thread making the call (gettid()). */
int systr_get_tid(trsyscall_t tsc, unsigned long *tid);
/* Reads one of the SYSTR_* values above into *pparam. */
int systr_get_param(trsyscall_t tsc, int param, unsigned long *pparam);
/* Sets values: pairs of (int param, unsigned long *value) ended by -1, as
 * in LibSysCTr: systr_set_params(tsc, SYSTR_PARAM_1, &v, -1). Each value
 * is passed by POINTER: passing the value itself (a variadic argument C
 * cannot check) makes the library read memory at that address and crash
 * the program. SYSTR_SYSCALL -1 with SYSTR_PARAM_RCODE at entry skips the
 * call, which returns that value. -E2BIG past 32 pairs, -EINVAL for a
 * NULL pointer or a param that cannot be set now. */
int systr_set_params(trsyscall_t tsc, ...);
/* 1 at the call's entry, 0 at its exit. */
int systr_is_entry(trsyscall_t tsc);
/* Reads size bytes of the process's memory at addr into buf; returns the
 * count read (fewer at an unmapped page), or a negative errno. */
int systr_pmem_read(trsyscall_t tsc, int where, unsigned long addr, char *buf, int size);
/* Writes size bytes of buf into the process's memory at addr (read-only
 * pages too, as a debugger does); returns the count written. */
int systr_pmem_write(trsyscall_t tsc, int where, unsigned long addr, char *buf, int size);
/* Reads a NUL-terminated string at addr into buf (at most bmax bytes,
 * always terminated); returns its length, or -1. */
int systr_pszmem_read(trsyscall_t tsc, int where, unsigned long addr, char *buf, int bmax);

#ifdef __cplusplus
}
#endif

#endif /* SYSCTR_H */
