//go:build linux

package main

import "errors"

// joinOnce joins errs as errors.Join does, but leaves out an error that
// says what an earlier one said (the same error, or one wrapping it, or
// the same text): the recorder and the file writer both report a failed
// write (ENOSPC), which was printed twice.
func joinOnce(errs ...error) error {
	var kept []error
next:
	for _, err := range errs {
		if err == nil {
			continue
		}
		for _, k := range kept {
			if errors.Is(k, err) || errors.Is(err, k) || k.Error() == err.Error() {
				continue next
			}
		}
		kept = append(kept, err)
	}
	return errors.Join(kept...)
}
