package cmdutil

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/systr/systr/tracer"
)

// CPU is the --cpu flag of the commands that run programs: where the
// tracer's thread and the programs it starts run (tracer.Options.Colocate).
// "auto" (the default): on one CPU, the one the tracer starts on; "any":
// wherever the kernel puts them; N: on CPU N.
type CPU struct {
	Mode string // "" (not given: auto), "auto", "any" or "N"
	N    int
}

// CPUUsage is the help text of the flag.
const CPUUsage = "run the tracer and the program on `CPU`: auto (one CPU, the one the tracer starts on: traced calls cost " +
	"much less; a program computing in parallel gets that CPU only), any (no binding) or a CPU number"

func (c *CPU) String() string {
	if c == nil || c.Mode == "" {
		return "auto"
	}
	return c.Mode
}

// Set parses auto, any or a CPU number.
func (c *CPU) Set(s string) error {
	n, err := strconv.Atoi(s)
	switch {
	case s == "auto" || s == "any":
	case err != nil || n < 0:
		return fmt.Errorf("%q is not auto, any or a CPU number", s)
	}
	*c = CPU{Mode: s, N: n}
	return nil
}

// NewStatus is the exit status for an error of tracer.New: 2 (a usage
// error) for a --cpu the process may not use, else 1.
func NewStatus(err error) int {
	if errors.Is(err, tracer.ErrBadCPU) {
		return 2
	}
	return 1
}

// Apply sets the tracer options for the flag. attaching: the programs are
// attached, not started, and keep their CPUs; unless a CPU number was
// asked for, the tracer is not bound either (alone it gains nothing).
func (c *CPU) Apply(o *tracer.Options, attaching bool) {
	switch {
	case c.Mode == "any" || (attaching && (c.Mode == "" || c.Mode == "auto")):
	case c.Mode == "" || c.Mode == "auto":
		o.Colocate, o.CPU = true, tracer.AutoCPU
	default:
		o.Colocate, o.CPU = true, tracer.OnCPU(c.N)
	}
}
