//go:build linux

package tracer_test

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// callKey is the key the value checker's handler sets on every call.
type callKey struct{}

// callMark is what the checker sets at a call's entry: who made which
// call, and when.
type callMark struct {
	tid, nr int
	args    [6]uint64
	seq     int // the checker's count of stops at the entry
}

// valueChecker is a handler that sets a value at every entry and checks
// at every exit that it sees the one set at that call's entry, and at
// every entry that nothing is left from an earlier call.
type valueChecker struct {
	t      *testing.T
	errs   int
	seq    int
	exits  int
	tids   map[int]bool
	marks  []*callMark // the values the exits saw, in order
	others int         // exits with another thread's stop between entry and exit
	// restarts: exits of interrupted calls (Restart) that saw their value.
	restarts int
	// moved: execve exits in another tid than their entry's (a non-leader
	// exec), with their value.
	moved []*callMark
	// hook, if set, runs at the end of each handler call.
	hook func(c *tracer.Call, m *callMark)
}

func (v *valueChecker) errorf(format string, args ...any) {
	v.t.Helper()
	if v.errs++; v.errs <= 5 {
		v.t.Errorf(format, args...)
	}
}

func (v *valueChecker) handle(c *tracer.Call) tracer.Action {
	v.seq++
	if v.tids == nil {
		v.tids = map[int]bool{}
	}
	v.tids[c.Tid()] = true
	got := c.Value(callKey{})
	m, _ := got.(*callMark)
	if c.IsEntry() {
		if got != nil {
			v.errorf("entry of %s in tid %d: a value is left from an earlier call: %+v", c.Name(), c.Tid(), got)
		}
		m = &callMark{tid: c.Tid(), nr: c.Nr(), args: c.Args(), seq: v.seq}
		if err := c.SetValue(callKey{}, m); err != nil {
			v.errorf("SetValue at the entry of %s: %v", c.Name(), err)
		}
		if c.Value(callKey{}) != m {
			v.errorf("entry of %s: Value right after SetValue is %v, want %+v", c.Name(), c.Value(callKey{}), m)
		}
	} else {
		v.exits++
		switch {
		case m == nil:
			v.errorf("exit of %s in tid %d (ret %d): no value, want the one set at its entry", c.Name(), c.Tid(), c.Ret())
		case m.nr != c.Nr() || m.args != c.Args():
			v.errorf("exit of %s%v in tid %d: the value of another call: %+v", c.Name(), c.Args(), c.Tid(), m)
		case m.tid != c.Tid():
			if c.Name() != "execve" || c.Ret() != 0 || c.Tid() != c.Pid() {
				v.errorf("exit of %s in tid %d: the value of tid %d: %+v", c.Name(), c.Tid(), m.tid, m)
			}
			v.moved = append(v.moved, m)
		}
		if m != nil {
			v.marks = append(v.marks, m)
			if m.seq != v.seq-1 {
				v.others++
			}
			if c.Restart() {
				v.restarts++
			}
		}
	}
	if v.hook != nil {
		v.hook(c, m)
	}
	return tracer.Continue
}

// checkValues traces path under m with a valueChecker and checks that
// the program ran as it does untraced.
func checkValues(t *testing.T, m mode, v *valueChecker, path string, args ...string) {
	t.Helper()
	v.t = t
	tr := newTracer(t, m.opts)
	var err error
	if m.narrow == nil {
		err = tr.TraceAll(v.handle)
	} else {
		err = tr.Trace(v.handle, m.narrow...)
	}
	if err != nil {
		t.Fatal(err)
	}
	sameAsNative(t, runTraced(t, tr, path, args...), path, args...)
	if v.exits == 0 {
		t.Errorf("no exit was checked")
	}
}

// TestCallValueThreads: every exit sees the value its own entry set, in
// each of 8 threads whose calls interleave (a barrier and pipe reads hold
// calls open while the other threads make theirs), and no entry sees a
// value of an earlier call.
func TestCallValueThreads(t *testing.T) {
	path := testprog.C(t, "threads")
	// Under the serial schedule a thread's stops wait for its turn.
	serial := mode{name: "serial", opts: tracer.Options{Schedule: tracer.Schedule{Mode: tracer.SchedSerial}}}
	for _, m := range []mode{modeAll, modeNoFilter, modeNarrow, serial} {
		t.Run(m.name, func(t *testing.T) {
			if m.narrow != nil {
				m.narrow = []string{"futex", "read", "write", "close", "getpid"}
			}
			v := &valueChecker{}
			checkValues(t, m, v, path)
			if len(v.tids) < 9 {
				t.Errorf("calls from %d threads, want the 9 of the program", len(v.tids))
			}
			// The barrier's futex waits stay open while the other threads
			// arrive: their exits come after other threads' stops.
			if v.others == 0 {
				t.Errorf("no call was open while another thread made one: the test shows nothing")
			}
			t.Logf("%d exits checked, %d with other threads' stops between entry and exit", v.exits, v.others)
		})
	}
}

// TestCallValueExecFromThread: the execve of a thread that is not the
// leader returns in the leader's tid, with the value set at its entry;
// the threads killed by the exec in their reads leave nothing behind (the
// leader's tid, now the execing thread's, starts its next call with none).
func TestCallValueExecFromThread(t *testing.T) {
	path := testprog.C(t, "exec_thread")
	for _, m := range allModes {
		t.Run(m.name, func(t *testing.T) {
			if m.narrow != nil {
				m.narrow = []string{"execve", "read", "futex", "write"}
			}
			v := &valueChecker{}
			var pids []int
			v.hook = func(c *tracer.Call, mk *callMark) {
				if !c.IsEntry() && c.Name() == "execve" && c.Ret() == 0 {
					pids = append(pids, c.Pid())
				}
			}
			checkValues(t, m, v, path)
			if len(v.moved) != 1 {
				t.Fatalf("%d execve exits in another tid than their entry's, want 1 (the exec from a thread)", len(v.moved))
			}
			if len(pids) != 2 {
				t.Fatalf("%d execve returned 0, want 2", len(pids))
			}
			if mk := v.moved[0]; mk.tid == pids[1] {
				t.Errorf("the moved execve's entry was in tid %d, the leader's", mk.tid)
			}
		})
	}
}

// TestCallValueRestart: a call interrupted by a signal to be restarted
// (read with SA_RESTART, a nanosleep stopped and continued) sees its
// value at the exit that reports the restart; the restarted call, a new
// entry after the signal handler's own calls, starts with none.
func TestCallValueRestart(t *testing.T) {
	path := testprog.C(t, "restart")
	v := &valueChecker{}
	sawRestart := map[int]bool{} // tid -> its last exit was a restart
	restartedEntries := 0
	v.hook = func(c *tracer.Call, mk *callMark) {
		if c.IsEntry() {
			if sawRestart[c.Tid()] {
				restartedEntries++ // checked by the checker: it saw no value
			}
			sawRestart[c.Tid()] = false
			return
		}
		sawRestart[c.Tid()] = c.Restart()
	}
	checkValues(t, modeAll, v, path)
	if v.restarts < 2 {
		t.Errorf("%d restarted calls saw their value at the exit, want at least 2", v.restarts)
	}
	if restartedEntries < v.restarts {
		t.Errorf("%d entries after a restart, want %d", restartedEntries, v.restarts)
	}
}

// TestCallValueSkip: a call skipped at its entry (Skip) still has its
// exit, which sees the value set at the entry and the injected result.
func TestCallValueSkip(t *testing.T) {
	path := testprog.C(t, "threads")
	v := &valueChecker{}
	skipped, seen := 0, 0
	v.hook = func(c *tracer.Call, mk *callMark) {
		if c.Name() != "close" || int32(c.Arg(0)) != -1 {
			return
		}
		if c.IsEntry() {
			// The same result as the kernel's, so that the program's
			// output shows nothing: the exit must still come.
			if err := c.SkipErrno(syscall.EBADF); err != nil {
				t.Errorf("SkipErrno: %v", err)
			}
			skipped++
			return
		}
		if mk != nil && c.Errno() == syscall.EBADF {
			seen++
		}
	}
	checkValues(t, modeAll, v, path)
	if skipped != 800 || seen != skipped {
		t.Errorf("%d close(-1) skipped, %d exits saw their value and EBADF; want 800 each", skipped, seen)
	}
}

// TestCallValueErrors: keys that cannot be one, a nil value, and a Call
// kept past its handler.
func TestCallValueErrors(t *testing.T) {
	tr := newTracer(t)
	var kept *tracer.Call
	var errs []string
	check := func(what string, err error, want bool) {
		if (err != nil) != want {
			errs = append(errs, fmt.Sprintf("%s: error %v, want an error: %v", what, err, want))
		}
	}
	type otherKey struct{}
	err := tr.Trace(func(c *tracer.Call) tracer.Action {
		if !c.IsEntry() || kept != nil {
			return tracer.Continue
		}
		kept = c
		check("nil key", c.SetValue(nil, 1), true)
		check("slice key", c.SetValue([]int{1}, 1), true)
		check("a key", c.SetValue(callKey{}, 1), false)
		check("another key", c.SetValue(otherKey{}, 2), false)
		// A comparable type holding a slice: == on it panics.
		check("key holding a slice", c.SetValue([1]any{[]int{1}}, 3), true)
		if c.Value(callKey{}) != 1 || c.Value(otherKey{}) != 2 || c.Value([]int{1}) != nil {
			errs = append(errs, fmt.Sprintf("values %v %v, want 1 2", c.Value(callKey{}), c.Value(otherKey{})))
		}
		check("removing", c.SetValue(callKey{}, nil), false)
		if c.Value(callKey{}) != nil || c.Value(otherKey{}) != 2 {
			errs = append(errs, fmt.Sprintf("after removing the first: %v %v, want nil 2", c.Value(callKey{}), c.Value(otherKey{})))
		}
		return tracer.Continue
	}, "execve")
	if err != nil {
		t.Fatal(err)
	}
	runTraced(t, tr, "/bin/true")
	if kept == nil {
		t.Fatal("no execve was traced")
	}
	for _, e := range errs {
		t.Error(e)
	}
	if err := kept.SetValue(callKey{}, 1); !errors.Is(err, tracer.ErrInvalid) {
		t.Errorf("SetValue after the handler: %v, want ErrInvalid", err)
	}
	if v := kept.Value(otherKey{}); v != nil {
		t.Errorf("Value after the handler: %v, want nil", v)
	}
}
