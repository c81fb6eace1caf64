//go:build linux && !amd64

package self

import "errors"

// CPUIDFaulting reports whether the CPU can make cpuid fault: x86 only.
func CPUIDFaulting() error { return errors.New("cpuid is an x86 instruction") }
