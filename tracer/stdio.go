//go:build linux

package tracer

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// stdio holds the descriptors handed to a started program and the copying
// goroutines for readers and writers that are not files.
type stdio struct {
	fds        [3]int
	childEnds  []*os.File // closed in the tracer once the child has them
	parentEnds []*os.File // closed on abort
	copies     []func()
	wg         *sync.WaitGroup
	outputs    []*os.File // read ends of output pipes
}

func newStdio(c *Cmd) (*stdio, error) {
	s := &stdio{wg: new(sync.WaitGroup)}
	// stdin
	switch r := c.Stdin.(type) {
	case nil:
		f, err := os.Open(os.DevNull)
		if err != nil {
			return nil, fmt.Errorf("tracer: stdin: %w", err)
		}
		s.childEnds = append(s.childEnds, f)
		s.fds[0] = int(f.Fd())
	case *os.File:
		s.fds[0] = int(r.Fd())
	default:
		pr, pw, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("tracer: stdin pipe: %w", err)
		}
		s.childEnds = append(s.childEnds, pr)
		s.parentEnds = append(s.parentEnds, pw)
		s.fds[0] = int(pr.Fd())
		s.copies = append(s.copies, func() { io.Copy(pw, r); pw.Close() })
	}
	for i, w := range []io.Writer{c.Stdout, c.Stderr} {
		fd := i + 1
		switch w := w.(type) {
		case nil:
			// The null device, as os/exec.
			f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				s.abort()
				return nil, fmt.Errorf("tracer: output: %w", err)
			}
			s.childEnds = append(s.childEnds, f)
			s.fds[fd] = int(f.Fd())
		case *os.File:
			s.fds[fd] = int(w.Fd())
		default:
			pr, pw, err := os.Pipe()
			if err != nil {
				s.abort()
				return nil, fmt.Errorf("tracer: output pipe: %w", err)
			}
			s.childEnds = append(s.childEnds, pw)
			s.parentEnds = append(s.parentEnds, pr)
			s.outputs = append(s.outputs, pr)
			s.fds[fd] = int(pw.Fd())
			s.wg.Add(1)
			s.copies = append(s.copies, func() { io.Copy(w, pr); pr.Close(); s.wg.Done() })
		}
	}
	return s, nil
}

func (s *stdio) closeChildEnds() {
	for _, f := range s.childEnds {
		f.Close()
	}
	s.childEnds = nil
}

func (s *stdio) abort() {
	s.closeChildEnds()
	for _, f := range s.parentEnds {
		f.Close()
	}
}

// start runs the copies; Wait waits for output copies to drain.
func (s *stdio) start(t *Tracer) {
	if len(s.copies) == 0 {
		return
	}
	for _, f := range s.copies {
		go f()
	}
	t.sessMu.Lock()
	if t.sess != nil {
		t.sess.copies = append(t.sess.copies, s)
	}
	t.sessMu.Unlock()
}

// cut closes the read ends of the output pipes: their copies end at once.
func (s *stdio) cut() {
	for _, f := range s.outputs {
		f.Close()
	}
}
