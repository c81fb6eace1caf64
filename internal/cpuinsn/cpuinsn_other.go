//go:build !amd64

package cpuinsn

// Supported: the instructions run on this host.
const Supported = false

// RDTSC returns zeros on this host.
func RDTSC() (eax, edx uint32) { return 0, 0 }

// RDTSCP returns zeros on this host.
func RDTSCP() (eax, edx, ecx uint32) { return 0, 0, 0 }

// CPUID returns zeros on this host.
func CPUID(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32) { return 0, 0, 0, 0 }
