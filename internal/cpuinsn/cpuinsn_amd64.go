package cpuinsn

// Supported: the instructions run on this host.
const Supported = true

// RDTSC returns the time-stamp counter (EDX:EAX).
func RDTSC() (eax, edx uint32)

// RDTSCP returns the time-stamp counter and IA32_TSC_AUX (ECX: the CPU
// number on Linux).
func RDTSCP() (eax, edx, ecx uint32)

// CPUID runs cpuid with leaf in EAX and subleaf in ECX.
func CPUID(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)
