//go:build linux

package analysis_test

import (
	"bytes"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/tracetest"
	"github.com/systr/systr/syscalls"
)

func TestSummaryGolden(t *testing.T) {
	for _, c := range []struct {
		sample, name string
		o            *analysis.SummaryOptions
	}{
		{"forks", "summary", nil},
		{"pipeline", "summary", nil},
		{"pipeline", "summary-pp-calls", &analysis.SummaryOptions{PerProcess: true, Sort: "calls"}},
		{"fd_io", "summary-name-desc", &analysis.SummaryOptions{Sort: "name", Selection: analysis.Selection{Trace: filter(t, "%desc")}}},
		{"signals", "summary-failed-max", &analysis.SummaryOptions{Sort: "max", Selection: analysis.Selection{Failed: true}}},
	} {
		t.Run(c.sample+"."+c.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := analysis.Summary(&out, tracetest.Open(t, sample(c.sample)), c.o); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.sample+"."+c.name, out.Bytes())
		})
	}
}

// count is what a plain loop over the events finds for one syscall.
type count struct {
	calls, errors int
	total, max    time.Duration
}

// countCalls counts the syscalls of r that sel selects, per name and
// optionally only for one process.
func countCalls(t *testing.T, r *format.Reader, sel *analysis.Selection, pid int32) map[string]count {
	t.Helper()
	m := map[string]count{}
	for ev, err := range sel.Events(r) {
		if err != nil {
			t.Fatal(err)
		}
		sc, ok := ev.(*format.Syscall)
		if !ok || (pid != 0 && sc.Pid != pid) {
			continue
		}
		name := syscalls.Name(sc.Arch, int(sc.Nr))
		c := m[name]
		c.calls++
		if sc.Ret < 0 && sc.Ret >= -4095 && sc.Flags&format.Unfinished == 0 {
			c.errors++
		}
		if sc.Flags&format.Unfinished == 0 {
			d := time.Duration(sc.Exit - sc.Time)
			c.total += d
			c.max = max(c.max, d)
		}
		m[name] = c
	}
	return m
}

// TestSummarizeCounts compares Summarize with counts made by iterating the
// events, for every sample, with and without a selection, per process too.
func TestSummarizeCounts(t *testing.T) {
	sels := []analysis.Selection{
		{},
		{Failed: true},
		{Trace: filter(t, "%file,read,write")},
		{From: 2 * time.Millisecond, To: 5 * time.Millisecond},
	}
	for _, name := range []string{"fd_io", "forks", "signals", "pipeline"} {
		for k, sel := range sels {
			r := tracetest.Open(t, sample(name))
			s, err := analysis.Summarize(r, &analysis.SummaryOptions{Selection: sel, PerProcess: true})
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, got []analysis.CallStats, want map[string]count) {
				t.Helper()
				if len(got) != len(want) {
					t.Errorf("%s, selection %d, %s: %d syscalls, want %d", name, k, what, len(got), len(want))
				}
				for _, c := range got {
					w := want[c.Name]
					if c.Calls != w.calls || c.Errors != w.errors || c.Total != w.total || c.Max != w.max {
						t.Errorf("%s, selection %d, %s: %s: %d calls, %d errors, %v, max %v; want %d, %d, %v, %v",
							name, k, what, c.Name, c.Calls, c.Errors, c.Total, c.Max, w.calls, w.errors, w.total, w.max)
					}
				}
			}
			all := countCalls(t, r, &sel, 0)
			if len(all) == 0 {
				t.Fatalf("%s, selection %d: no calls selected, the test checks nothing", name, k)
			}
			check("all", s.Calls, all)
			procs := 0
			for _, p := range s.PerProcess {
				procs++
				check("pid "+strconv.Itoa(int(p.Pid)), p.Calls, countCalls(t, r, &sel, p.Pid))
				if pr := s.Tasks.Process(p.Pid); pr == nil || pr.Comm() != p.Comm {
					t.Errorf("%s: pid %d named %q", name, p.Pid, p.Comm)
				}
			}
			// Tasks and totals.
			pids, tids := map[int32]bool{}, map[int32]bool{}
			var events uint64
			var last int64
			for ev, err := range r.Events(nil) {
				if err != nil {
					t.Fatal(err)
				}
				events++
				pids[ev.Base().Pid], tids[ev.Base().Tid] = true, true
				last = max(last, ev.Base().Time)
				if sc, ok := ev.(*format.Syscall); ok {
					last = max(last, sc.Exit)
				}
			}
			if s.Processes != len(pids) || s.Threads != len(tids) || s.Events != events || s.End != last || s.Start != analysis.Start(r) {
				t.Errorf("%s: %d processes, %d threads, %d events, end %d; want %d, %d, %d, %d",
					name, s.Processes, s.Threads, s.Events, s.End, len(pids), len(tids), events, last)
			}
			if procs == 0 || procs > s.Processes {
				t.Errorf("%s, selection %d: %d per-process tables for %d processes", name, k, procs, s.Processes)
			}
		}
	}
}

// TestSummaryTable checks the table's arithmetic and order against Stats.
func TestSummaryTable(t *testing.T) {
	s, err := analysis.Summarize(tracetest.Open(t, sample("pipeline")), nil)
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`^ *([0-9.]+) +([0-9.]+) +(\d+) +(\d+) +(\d+) +(\d*) (\S.*)$`)
	for _, key := range []analysis.SortKey{analysis.SortByTime, analysis.SortByCalls, analysis.SortByErrors, analysis.SortByName, analysis.SortByAvg, analysis.SortByMax} {
		var out bytes.Buffer
		if err := s.WriteTable(&out, key); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(out.String(), "\n")
		if lines[0] != "% time     seconds  usecs/call   usecs/max     calls    errors syscall" {
			t.Fatalf("header %q", lines[0])
		}
		var prev *analysis.CallStats
		byName := map[string]analysis.CallStats{}
		for _, c := range s.Calls {
			byName[c.Name] = c
		}
		var sumPct float64
		var rows int
		for _, line := range lines[2:] {
			if strings.HasPrefix(line, "------") {
				break
			}
			m := row.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("sort %s: bad row %q", key, line)
			}
			c, ok := byName[m[7]]
			if !ok {
				t.Fatalf("sort %s: row for unknown %q", key, m[7])
			}
			rows++
			pct, _ := strconv.ParseFloat(m[1], 64)
			sumPct += pct
			if m[5] != strconv.Itoa(c.Calls) || m[4] != strconv.FormatInt(c.Max.Microseconds(), 10) ||
				m[3] != strconv.FormatInt(c.Avg().Microseconds(), 10) || (m[6] != "" && m[6] != strconv.Itoa(c.Errors)) ||
				(m[6] == "") != (c.Errors == 0) {
				t.Errorf("sort %s: row %q for %+v", key, line, c)
			}
			if prev != nil {
				var bad bool
				switch key {
				case "time":
					bad = c.Total > prev.Total
				case "calls":
					bad = c.Calls > prev.Calls
				case "errors":
					bad = c.Errors > prev.Errors
				case "name":
					bad = c.Name < prev.Name
				case "avg":
					bad = c.Avg() > prev.Avg()
				case "max":
					bad = c.Max > prev.Max
				}
				if bad {
					t.Errorf("sort %s: %s after %s", key, c.Name, prev.Name)
				}
			}
			prev = &c
		}
		if rows != len(s.Calls) {
			t.Errorf("sort %s: %d rows for %d syscalls", key, rows, len(s.Calls))
		}
		if sumPct < 99.9 || sumPct > 100.1 {
			t.Errorf("sort %s: percentages add up to %.2f", key, sumPct)
		}
		tot := analysis.Total(s.Calls)
		want := "100.00 " + strings.Repeat(" ", 11-len(seconds(tot.Total))) + seconds(tot.Total)
		if !strings.Contains(out.String(), "\n"+want) || !strings.Contains(out.String(), " "+strconv.Itoa(tot.Calls)+" ") {
			t.Errorf("sort %s: no total line %q... in\n%s", key, want, out.String())
		}
	}
	var out bytes.Buffer
	if err := s.WriteTable(&out, "size"); err == nil {
		t.Error("WriteTable accepted sort key \"size\"")
	}
	if err := analysis.Summary(&out, tracetest.Open(t, sample("pipeline")), &analysis.SummaryOptions{Sort: "bogus"}); err == nil {
		t.Error("Summary accepted sort key \"bogus\"")
	}
}

// seconds formats d as the table does: "0.001234".
func seconds(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1e6, 'f', 6, 64)
}

// TestSummaryDamaged: a truncated trace is summed up to where it ends; a
// corrupted one up to the damage, and the error is returned after the
// table.
func TestSummaryDamaged(t *testing.T) {
	full := rechunk(t, "pipeline")
	syscallsIn := func(path string, n uint64) int {
		var calls int
		var i uint64
		for ev, err := range tracetest.Open(t, path).Events(nil) {
			if err != nil || i >= n {
				break
			}
			i++
			if _, ok := ev.(*format.Syscall); ok {
				calls++
			}
		}
		return calls
	}
	want := syscallsIn(full, firstChunks(t, full, 2))
	totalRow := regexp.MustCompile(`(?m)^100\.00 .* (\d+) +\d* total$`)

	r := tracetest.Open(t, truncated(t, full))
	var out bytes.Buffer
	if err := analysis.Summary(&out, r, nil); err != nil {
		t.Fatalf("truncated trace: %v", err)
	}
	if r.Truncated() == nil {
		t.Fatal("the cut trace is not truncated")
	}
	if m := totalRow.FindStringSubmatch(out.String()); m == nil || m[1] != strconv.Itoa(want) {
		t.Fatalf("truncated trace: total %v, want %d calls:\n%s", m, want, out.String())
	}

	out.Reset()
	err := analysis.Summary(&out, tracetest.Open(t, corrupted(t, full)), nil)
	var ce *format.CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("corrupted trace: err = %v, want a *format.CorruptError", err)
	}
	if m := totalRow.FindStringSubmatch(out.String()); m == nil || m[1] != strconv.Itoa(want) {
		t.Fatalf("corrupted trace: total %v, want %d calls:\n%s", m, want, out.String())
	}
}
