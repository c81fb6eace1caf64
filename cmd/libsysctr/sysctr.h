/*
 * sysctr.h - LibSysCTr's C interface, backed by systr's Go tracer.
 *
 * Link with libsysctr.so (cc prog.c -L DIR -lsysctr -Wl,-rpath,DIR) or
 * libsysctr.a (cc prog.c DIR/libsysctr.a -lpthread). Build both with
 * `make libsysctr`. The README's "C interface" section documents every
 * function; in short, all functions return 0 (or a count) on success and a
 * negative errno value on error, except systr_pszmem_read, which returns -1.
 */
#ifndef SYSCTR_H
#define SYSCTR_H

#ifdef __cplusplus
extern "C" {
#endif

/* What a callback returns. */
#define SYSTR_RET_CONTINUE 0
#define SYSTR_RET_DETACH 1

/* What systr_get_param reads and systr_set_params writes. */
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

/* Memory areas for the pmem functions. */
#define SYSTR_DATA_SECT 1
#define SYSTR_TEXT_SECT 2

/* One system call of one traced process, valid only inside its callback. */
typedef struct s_trsyscall *trsyscall_t;

int systr_init_library(void);
void systr_cleanup_library(void);
int systr_run(char **av);
int systr_stop(void);
int systr_trace_syscall(int syscall, int (*scfunc)(void *, trsyscall_t), void *priv);
int systr_untrace_syscall(int syscall);
int systr_get_pid(trsyscall_t tsc, unsigned long *pid);
int systr_get_param(trsyscall_t tsc, int param, unsigned long *pparam);
int systr_set_params(trsyscall_t tsc, ...);
int systr_is_entry(trsyscall_t tsc);
int systr_pmem_read(trsyscall_t tsc, int where, unsigned long addr, char *buf, int size);
int systr_pmem_write(trsyscall_t tsc, int where, unsigned long addr, char *buf, int size);
int systr_pszmem_read(trsyscall_t tsc, int where, unsigned long addr, char *buf, int bmax);

#ifdef __cplusplus
}
#endif

#endif /* SYSCTR_H */
