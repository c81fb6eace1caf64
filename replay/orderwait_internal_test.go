//go:build linux

package replay

import (
	"syscall"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// TestEagainWaitPlace: a live futex wait whose recorded counterpart (the
// first recorded wait of its stretch, on its word) found the word
// changed (EAGAIN) in a scheduled recording goes in at that wait's exit
// (waitKey, and position while it is held there); any other wait at its
// own place (selfKey): one that slept, one on another word, a wait of a
// free recording. TestNodeThreadPool shows the divergence this avoids
// only under load (SYSTR_NODE_STRESS); this pins the places themselves.
func TestEagainWaitPlace(t *testing.T) {
	const word, other = 0x1000, 0x2000
	nr, ok := syscalls.Number(syscalls.X86_64, "futex")
	if !ok {
		t.Fatal("no futex in the x86-64 table")
	}
	futex := func(seq uint64, addr, op uint64, ret int64) *format.Syscall {
		s := &format.Syscall{Arch: syscalls.X86_64, Nr: int32(nr), Ret: ret}
		s.Seq, s.Time = seq, int64(seq)
		s.Args[0], s.Args[1] = addr, op
		return s
	}
	const wait, wake = 128 | 0, 128 | 1 // FUTEX_PRIVATE_FLAG | FUTEX_WAIT, FUTEX_WAKE
	eagain := -int64(syscall.EAGAIN)
	for _, c := range []struct {
		name     string
		schedule string // the header's; "" a free recording
		unseq    []*format.Syscall
		atExit   bool // the wait goes in at the exit of the last of unseq
	}{
		{"found the word changed", "serial", []*format.Syscall{futex(10, word, wait, eagain)}, true},
		{"after a wake", "serial", []*format.Syscall{futex(8, word, wake, 0), futex(10, word, wait, eagain)}, true},
		{"chaos recording", "chaos 3", []*format.Syscall{futex(10, word, wait, eagain)}, true},
		{"slept", "serial", []*format.Syscall{futex(10, word, wait, 0)}, false},
		{"another word first", "serial", []*format.Syscall{futex(8, other, wait, 0), futex(10, word, wait, eagain)}, false},
		{"free recording", "", []*format.Syscall{futex(10, word, wait, eagain)}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			hdr := &format.Header{Extra: map[string]string{}}
			if c.schedule != "" {
				hdr.Extra[scheduleKey] = c.schedule
			}
			e := &engine{m: &model{hdr: hdr}}
			r := &rthread{pid: 100, tid: 100, calls: []*format.Syscall{futex(20, other, wake, 0)}} // (its next matched call: only its place counts)
			for _, s := range c.unseq {
				r.unseq, r.unseqAt = append(r.unseq, s), append(r.unseqAt, 0)
			}
			lt := &lthread{r: r, name: "futex", mode: modeDelay}
			lt.args[0], lt.args[1] = word, wait
			self := e.selfKey(lt)
			want := self
			if c.atExit {
				want = e.keyOf(c.unseq[len(c.unseq)-1])
				if want == self {
					t.Fatalf("the exit's place %v is the entry's: the case tells nothing", want)
				}
			}
			if got := e.waitKey(lt); got != want {
				t.Errorf("waitKey %v, want %v (its own place %v)", got, want, self)
			}
			lt.held = time.Now() // held at the wait's entry (holdFutexWait)
			if got, blocked := e.position(100, lt); got != want || blocked {
				t.Errorf("held: position %v (blocked %v), want %v (its own place %v)", got, blocked, want, self)
			}
		})
	}
}
