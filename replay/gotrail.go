//go:build linux

package replay

import (
	"slices"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// A goroutine's calls that the recorded program never made because it
// ended first.
//
// When the main goroutine of a Go program returns, the process exits
// (exit_group) wherever its other goroutines are: an HTTP client's
// connection goroutines close the connection (epoll_ctl EPOLL_CTL_DEL,
// close) once the response is read, while main prints it and returns.
// Recorded, main's exit came first; at replay the goroutine may come
// first, and its call matches none of the stream. Such a call is held
// (goTrailing), as a call that waits for others of the stream: main's
// calls go on and the exit_group ends the held thread where the recorded
// one was ended. That is done only for a call that touches nothing the
// calls left in the stream touch (no fd they name, not a call that
// changes the process: goStrict), the exit_group aside; a program that
// does something else than recorded still diverges at once where the
// stream has its call on the same resource, and otherwise once held for
// goHoldLimit. A held call the exit ended is reported (a warning, and
// Result.Trailing): the replay made fewer calls than the live program
// asked for.

// goTrailing says whether a live call of Go process p that matches no
// call of its stream may be a call the recorded program did not get to
// before it exited: the stream's calls not taken yet share nothing with
// it but the exit.
func (e *engine) goTrailing(lt *lthread, p *goProc) bool {
	if lt.spec == nil || goStrict(lt.name) {
		return false
	}
	fds := liveArgFds(lt)
	calls := p.stream.calls
	for j := p.next; j < len(calls); j++ {
		if p.taken[j] {
			continue
		}
		s := calls[j]
		name := syscalls.Name(s.Arch, int(s.Nr))
		if name == "exit_group" {
			continue
		}
		if goStrict(name) {
			return false
		}
		for _, fd := range argFds(s) {
			if slices.Contains(fds, fd) {
				return false
			}
		}
	}
	return true
}

// liveArgFds lists the fds a live call's arguments name, as argFds does
// for a recorded one.
func liveArgFds(lt *lthread) []int32 {
	if lt.name == "epoll_ctl" {
		return []int32{int32(lt.args[2])}
	}
	var fds []int32
	for i, g := range lt.spec.Args {
		if i >= len(lt.args) {
			break
		}
		if g.Kind == syscalls.KindFd || g.Kind == syscalls.KindDirfd && int32(lt.args[i]) != -100 {
			fds = append(fds, int32(lt.args[i]))
		}
	}
	return fds
}

// goHoldTrailing holds a live call that matches no stream call when it
// may be one the recorded program never made (goTrailing): true, held.
func (e *engine) goHoldTrailing(c *tracer.Call, lt *lthread, p *goProc) bool {
	if !e.goTrailing(lt, p) {
		delete(p.trailing, lt)
		return false
	}
	text := liveText(c, lt.args) // (before the hold makes it a sched_yield)
	if e.goHold(c, lt, p, "the end of the program (no recorded call matches it: the recorded process may have exited before this goroutine got to it)") {
		if p.trailing == nil {
			p.trailing = map[*lthread]string{}
		}
		p.trailing[lt] = text
		return true
	}
	delete(p.trailing, lt)
	return false
}

// goTrailExit, when a live thread ends, reports the call it was held in
// as trailing: the exit ended it before it was made, as the recorded one
// was ended, but the live program did ask for a call the recording does
// not have (a changed program's extra write at its last moment would
// otherwise pass unnoticed). Counted in Result.Trailing.
func (e *engine) goTrailExit(lt *lthread) {
	p := lt.pool
	if p == nil || p.trailing[lt] == "" {
		return
	}
	e.res.Trailing++
	e.warn("thread %s: %s, matching no recorded call, was held until the process exited and not made (the recorded process exited before this goroutine got to it, or the program changed)", lt.r.name(), p.trailing[lt])
	delete(p.trailing, lt)
}
