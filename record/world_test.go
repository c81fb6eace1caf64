//go:build linux

package record_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// recordWith records argv with the tracer options, stdin and recorder
// options given (nil: the zero ones), and returns its events.
// With leaderExits, stdin is written only once the program's main thread
// has exited (a zombie).
func recordWith(t *testing.T, topts *tracer.Options, o *record.Options, stdin string, leaderExits bool, argv ...string) []format.Event {
	t.Helper()
	var given record.Options // *o, or the zero Options for nil
	if o != nil {
		given = *o
	}
	path := recordTrace(t, topts, o, argv, func(ctx context.Context, tr *tracer.Tracer) {
		cmd := tracer.Command(argv[0], argv[1:]...)
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer pr.Close()
		cmd.Stdin = pr
		devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		defer devnull.Close()
		cmd.Stdout, cmd.NoASLR = devnull, given.NoASLR
		pid, err := tr.Start(cmd)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			defer pw.Close()
			if leaderExits {
				// Only once the main thread is a zombie.
				for ctx.Err() == nil && !isZombie(pid) {
					time.Sleep(time.Millisecond)
				}
				if ctx.Err() != nil {
					t.Errorf("the main thread of %d did not become a zombie: %v", pid, ctx.Err())
				}
			}
			pw.WriteString(stdin)
		}()
		if st, err := tr.Wait(ctx); err != nil || st.Code != 0 {
			t.Fatalf("recording %v: %v %v", argv, st, err)
		}
	})
	r, evs := readTrace(t, path)
	if given.NoASLR != r.Header().NoASLR {
		t.Errorf("header NoASLR %v, want %v", r.Header().NoASLR, given.NoASLR)
	}
	return evs
}

// TestZombieLeaderMemory: testdata/c/zombie_leader's main thread exits
// (pthread_exit) before the other thread reads stdin: the buffer of that
// read is recorded whole, not as a fault (the memory is reached through
// the reading thread, not the zombie leader).
func TestZombieLeaderMemory(t *testing.T) {
	evs := recordWith(t, nil, nil, "hello\n", true, testprog.C(t, "zombie_leader"))
	found := false
	for _, ev := range evs {
		s, ok := ev.(*format.Syscall)
		if !ok || syscalls.Name(s.Arch, int(s.Nr)) != "read" || s.Args[0] != 0 || s.Pid == s.Tid {
			continue
		}
		found = true
		reg := s.Region(1, syscalls.Out)
		if s.Ret != 6 || reg == nil || reg.Flags&format.Fault != 0 || string(reg.Data) != "hello\n" {
			t.Errorf("read of stdin by thread %d: ret %d, region %+v", s.Tid, s.Ret, reg)
		}
	}
	if !found {
		t.Fatal("no read of stdin by a non-leader thread recorded")
	}
}

// TestRecordInsns: with the instruction traps, every rdtsc, rdtscp and
// cpuid of testdata/c/insns is an insn event, and the exec event holds the
// AT_RANDOM bytes; the header lists the trapped instructions.
func TestRecordInsns(t *testing.T) {
	o := record.Options{NoASLR: true, TrapTSC: true, TrapCPUID: true}
	evs := recordWith(t, &tracer.Options{TrapTSC: true, TrapCPUID: true}, &o, "", false, testprog.C(t, "insns"))
	ops := map[format.InsnOp]int{}
	var random []byte
	for _, ev := range evs {
		switch v := ev.(type) {
		case *format.Insn:
			ops[v.Op]++
			if v.Op == format.CPUID && v.Leaf == 1 && v.ECX&(1<<30) != 0 {
				t.Errorf("cpuid leaf 1 recorded with rdrand: %+v", v)
			}
		case *format.Exec:
			random = v.Random
		}
	}
	if ops[format.RDTSC] < 2 || ops[format.RDTSCP] != 1 || ops[format.CPUID] < 4 {
		t.Errorf("insn events %v", ops)
	}
	if len(random) != 16 {
		t.Errorf("exec's AT_RANDOM: %x", random)
	}
	h := record.Header(nil, "/", nil, nil, &o)
	if h.Extra[record.InsnsKey] != "rdtsc,cpuid" || !h.NoASLR {
		t.Errorf("header: extra %v, NoASLR %v", h.Extra, h.NoASLR)
	}
}

// isZombie reports whether the thread-group leader pid has exited.
func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, ok := strings.Cut(string(b), ") ")
	return ok && strings.HasPrefix(rest, "Z")
}
