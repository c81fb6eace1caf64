//go:build linux

package replay

import (
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// The order of the terminal's lines across processes. Writes to the
// original stdout and stderr are shown as the live program makes them,
// but what made one process write after another when recorded may be
// emulated at replay: a child that reads its parent's pipe until EOF (it
// came when the parent exited) gets its recorded EOF at once and prints
// before its parent. So a write that is shown waits (held back as fd
// operations are, delayLimit at most) until every write to fd 1 or 2
// recorded before it by another process of the program has been made.
// Writes of one process keep their order by themselves.

// termQueue is the recorded writes to fd 1 and 2 of the whole program, in
// recorded order (seq), and how far the live program is.
type termQueue struct {
	seqs  []uint64       // in the order they returned
	pid   []int32        // the process of each
	index map[uint64]int // position by seq
	done  []bool         // made live
	next  int            // the first not made
}

// noteTermWrite adds, while loading, a write to fd 1 or 2 to the queue.
func (m *model) noteTermWrite(s *format.Syscall) {
	if !termWrites[syscalls.Name(s.Arch, int(s.Nr))] || s.Ret <= 0 || s.Flags&format.Unfinished != 0 {
		return
	}
	if fd := int32(s.Args[0]); fd != 1 && fd != 2 {
		return
	}
	if m.term == nil {
		m.term = &termQueue{index: map[uint64]int{}}
	}
	q := m.term
	q.index[s.Seq] = len(q.seqs)
	q.seqs = append(q.seqs, s.Seq)
	q.pid = append(q.pid, s.Pid)
	q.done = append(q.done, false)
}

// delayTermWrite holds a write that is to be shown while another process
// has a write to fd 1 or 2 recorded before it still to make. A write that
// goes on is marked made.
func (e *engine) delayTermWrite(c *tracer.Call, lt *lthread, rec *format.Syscall) bool {
	q := e.m.term
	if q == nil || lt.pool != nil || !termWrites[lt.name] {
		return false
	}
	i, found := q.index[rec.Seq]
	if !found {
		return false
	}
	k := lt.proc.fds[int(int32(lt.args[0]))].kind
	if k == fdStdout || k == fdStderr {
		for j := q.next; j < i; j++ {
			if !q.done[j] && q.pid[j] != rec.Pid {
				return e.hold(c, lt, "another process's earlier write to the terminal", func() {
					for j := q.next; j < i; j++ {
						q.done[j] = true // given up: not waited for again
					}
				})
			}
		}
	}
	lt.delayed = time.Time{}
	q.done[i] = true
	for q.next < len(q.seqs) && q.done[q.next] {
		q.next++
	}
	return false
}
