// Package cpuinsn runs the x86 instructions that bypass the kernel - rdtsc,
// rdtscp, cpuid - on the calling thread, for a tracer that emulates them for
// its tracees (see tracer.Options.TrapTSC). On other hosts Supported is
// false and the functions return zeros.
package cpuinsn
