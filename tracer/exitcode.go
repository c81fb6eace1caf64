//go:build linux

package tracer

// ExitCode returns the status as a shell reports it in $?: the exit code
// of a program that exited, 128 plus the signal's number for one a signal
// killed (137 for SIGKILL). A status that is not known (a program
// detached, whose end was not seen: Code -1) gives -1, as
// os.ProcessState.ExitCode does.
func (s ExitStatus) ExitCode() int {
	if s.Signal != 0 {
		return 128 + int(s.Signal)
	}
	return s.Code
}
