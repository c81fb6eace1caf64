//go:build linux

package tracer

import (
	"fmt"
	"reflect"
)

// Values a handler keeps from a call's entry to its exit: the place for
// what a tool would otherwise keep in a map by tid (the path read at the
// entry, a start time), which goes stale when a non-leader exec changes
// the caller's tid and has to be cleaned up when a thread dies.

// callValue is one key and its value, set on a thread's current call.
type callValue struct {
	key, val any
}

// SetValue attaches val to the call under key, as context.WithValue does
// to a context: Value(key) returns it in every handler that runs for this
// call from now on, at this entry and at its exit. The value lives as long
// as the call:
//
//   - it is gone when the call's exit handlers have returned, so the next
//     call of the thread starts with none;
//   - it stays with the thread, not its tid: an execve made by a thread
//     that is not the leader returns in the leader's tid (see OnExec) and
//     its exit sees the values set at its entry;
//   - a call the kernel interrupts to restart it (Restart is true at its
//     exit) ends there: the kernel reports the restart as a new entry (a
//     signal handler's calls may come in between), which starts with none;
//   - a call skipped with Skip still has its exit, which sees the values;
//   - a call that never returns (exit, exit_group, the calls the other
//     threads were in when one of them execs, a thread killed or detached
//     in the call) drops them with the thread.
//
// Handlers composed with Use or Chain share the call: like context keys,
// key should be of a type of the handler's own package (type key struct{})
// so that independent handlers do not overwrite each other's values.
// Setting a key again replaces its value; a nil val removes it. key must be
// non-nil and comparable. It is an error outside the call's handler
// (ErrInvalid).
func (c *Call) SetValue(key, val any) error {
	if err := c.check(); err != nil {
		return err
	}
	if key == nil {
		return fmt.Errorf("tracer: SetValue: nil key")
	}
	if !reflect.ValueOf(key).Comparable() {
		// Of the type (a slice) or of the value (an interface field
		// holding one): == on it would panic on the tracer's thread.
		return fmt.Errorf("tracer: SetValue: key of type %T is not comparable", key)
	}
	vs := c.th.vals
	for i := range vs {
		if vs[i].key == key {
			if val == nil {
				c.th.vals = append(vs[:i], vs[i+1:]...)
				vs[len(vs)-1] = callValue{}
				return nil
			}
			vs[i].val = val
			return nil
		}
	}
	if val != nil {
		c.th.vals = append(vs, callValue{key, val})
	}
	return nil
}

// Value returns the value set on this call under key by SetValue, at
// its entry or at its exit, or nil if none was (or outside the call's
// handler).
func (c *Call) Value(key any) any {
	if !c.valid {
		return nil
	}
	for _, v := range c.th.vals {
		if v.key == key {
			return v.val
		}
	}
	return nil
}

// dropValues forgets the values of the thread's call: at its end, and at
// the next entry (a call whose exit never came).
func (th *thread) dropValues() {
	if len(th.vals) > 0 {
		clear(th.vals)
		th.vals = th.vals[:0]
	}
}
