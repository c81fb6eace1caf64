//go:build linux

package replay

import (
	"syscall"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Futex waits that found the word changed. Under the serial schedule a
// thread that enters a call that may block (a futex wait) gives the token
// away at the call's entry and is let into it, to sleep in the kernel
// while the next thread runs; it is not stopped again until the call
// returns. So the kernel's part of the wait (compare the word, then
// sleep) runs alongside the next thread, and on a loaded host it can come
// after that thread's next calls: a wait that found the word already
// changed by another thread's later wake (EAGAIN, recorded at its exit)
// did not sleep. Its place in the order is its exit, not its entry: held
// at its entry until every call recorded before its exit has been made,
// the live wait finds the word changed too, and returns at once as
// recorded. Let in at its entry's place, it slept, and was woken by the
// wake that, recorded, it had missed: node's libuv workers then took
// other jobs from the queue (a worker woken on the pool's condition
// variable where, recorded, another took every job), and the replay
// diverged. The thread's code before the wait (a condition variable's
// waiter taking its place in a group, a mutex unlocked) ran before the
// entry, and still runs at the entry's place.

// eagainWait is the recorded futex wait that lt's live one, at its entry
// (or held there), stands for when that one found the word changed
// (EAGAIN) in a scheduled recording: the first recorded futex wait of
// the stretch lt has not passed, if it is on the same word; nil
// otherwise.
func (e *engine) eagainWait(lt *lthread) *format.Syscall {
	if !e.serial() || lt.name != "futex" && lt.name != "futex_time64" || futexKind(lt.args[1]) != 1 || e.nextUnseq(lt) == nil {
		return nil
	}
	r := lt.r
	for j := lt.uIdx; j < len(r.unseq) && r.unseqAt[j] == lt.idx; j++ {
		s := r.unseq[j]
		if syscalls.Name(s.Arch, int(s.Nr)) != lt.name || futexKind(s.Args[1]) != 1 {
			continue // (a wake or a memory call the live thread did not make)
		}
		if s.Args[0] != lt.args[0] || s.Ret != -int64(syscall.EAGAIN) || s.Flags&format.Unfinished != 0 {
			return nil
		}
		return s
	}
	return nil
}

// waitKey is the place in the order of lt's futex wait at its entry: the
// exit of the recorded wait it stands for if that one found the word
// changed (eagainWait), else the thread's place (selfKey).
func (e *engine) waitKey(lt *lthread) orderKey {
	if s := e.eagainWait(lt); s != nil {
		return e.keyOf(s)
	}
	return e.selfKey(lt)
}
