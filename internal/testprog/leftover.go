package testprog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Descendant is a process descended from the test process: one its tests
// started (or a process one of those started) that is still there.
type Descendant struct {
	Pid, PPid int
	Comm      string
	// State is the state letter of /proc/PID/stat: R running, S and D
	// sleeping, T stopped, t stopped by its tracer, Z exited but not
	// reaped.
	State string
}

func (d Descendant) String() string {
	return fmt.Sprintf("pid %d (%s, state %s, parent %d)", d.Pid, d.Comm, d.State, d.PPid)
}

// Descendants lists the processes descended from this one, from the
// parent links of /proc/*/stat (an orphan adopted by init or a subreaper
// is not found).
func Descendants() ([]Descendant, error) {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return nil, err
	}
	var all []Descendant
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // exited since the glob
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		open, close := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
		if open < 0 || close < open {
			continue
		}
		f := strings.Fields(string(b[close+1:]))
		if len(f) < 2 {
			continue
		}
		pid, err1 := strconv.Atoi(strings.TrimSpace(string(b[:open])))
		ppid, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			continue
		}
		all = append(all, Descendant{Pid: pid, PPid: ppid, Comm: string(b[open+1 : close]), State: f[0]})
	}
	mine := map[int]bool{os.Getpid(): true}
	var out []Descendant
	for grown := true; grown; {
		grown = false
		for _, d := range all {
			if mine[d.PPid] && !mine[d.Pid] {
				mine[d.Pid] = true
				out = append(out, d)
				grown = true
			}
		}
	}
	slices.SortFunc(out, func(a, b Descendant) int { return a.Pid - b.Pid })
	return out, nil
}

// LeftoverGrace is how long CheckNoLeftovers waits for descendants that
// are exiting (killed by a test's cleanup) to go.
const LeftoverGrace = 10 * time.Second

// CheckNoLeftovers returns an error naming the processes descended from
// this one that still run or are stopped LeftoverGrace after the call: a
// tracee left running or stopped, a process a test started and never
// ended. It also returns the descendants that exited but were not reaped
// (zombies: a wait4 missing, harmless to the machine but a leak of the
// code that started them), which are not an error.
func CheckNoLeftovers() (zombies []Descendant, err error) {
	deadline := time.Now().Add(LeftoverGrace)
	for {
		left, err := Descendants()
		if err != nil {
			return nil, fmt.Errorf("listing the test's descendant processes: %w", err)
		}
		var live []string
		zombies = zombies[:0]
		for _, d := range left {
			if d.State == "Z" {
				zombies = append(zombies, d)
			} else {
				live = append(live, d.String())
			}
		}
		if len(live) == 0 {
			return zombies, nil
		}
		if time.Now().After(deadline) {
			return zombies, fmt.Errorf("%d processes started by the tests still run or are stopped %v after them: %s", len(live), LeftoverGrace, strings.Join(live, "; "))
		}
		time.Sleep(50 * time.Millisecond) // a poll bounded by the deadline
	}
}

// Runner runs tests: a *testing.M, or what Checked returns.
type Runner interface{ Run() int }

// Main runs the tests of m, then fails the run (exit status 1, with a
// message on stderr) if processes they started still run or are stopped
// (see CheckNoLeftovers; zombies are noted on stderr), and exits. A package whose tests trace programs calls
// it from its TestMain: func TestMain(m *testing.M) { testprog.Main(m) }.
// A TestMain with work of its own calls RunAndCheck instead.
func Main(m Runner) { os.Exit(RunAndCheck(m)) }

// RunAndCheck runs the tests of m and returns the exit status Main exits
// with: m.Run's, or 1 if processes the tests started still run or are
// stopped.
func RunAndCheck(m Runner) int {
	code := m.Run()
	zombies, err := CheckNoLeftovers()
	for _, z := range zombies {
		fmt.Fprintf(os.Stderr, "note: a process the tests started exited and was not reaped: %v\n", z)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Checked returns m with its Run checked as RunAndCheck checks it, for a
// TestMain that hands m to another runner (testscript.RunMain).
func Checked(m Runner) Runner { return checked{m} }

type checked struct{ m Runner }

func (c checked) Run() int { return RunAndCheck(c.m) }
