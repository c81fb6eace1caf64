//go:build linux

package analysis_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
)

func TestProcsGolden(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := analysis.Procs(&b, openSample(t, s.name), &analysis.ProcsOptions{Threads: true}); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, s.name+".procs", b.Bytes())
		})
	}
}

func collectProcs(t *testing.T, name string) *analysis.ProcTree {
	t.Helper()
	tree, err := analysis.CollectProcs(openSample(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestProcsForks(t *testing.T) {
	tree := collectProcs(t, "forks")
	if len(tree.Roots) != 1 {
		t.Fatalf("%d roots", len(tree.Roots))
	}
	root := tree.Roots[0]
	if len(root.Threads) != 2 || len(root.Execs()) != 1 {
		t.Errorf("root: threads %v, execs %+v", root.Threads, root.Execs())
	}
	// fork, vfork+_exit, vfork+execve, clone(SIGCHLD), clone3.
	want := []struct {
		how, status string
		execs       int
	}{{"fork", "exit status 11", 0}, {"vfork", "exit status 12", 0}, {"vfork", "exit status 0", 1}, {"fork", "exit status 13", 0}, {"fork", "exit status 14", 0}}
	if len(root.Children) != len(want) {
		t.Fatalf("%d children, want %d", len(root.Children), len(want))
	}
	for i, w := range want {
		c := root.Children[i]
		if c.How != w.how || c.StatusText() != w.status || len(c.Execs()) != w.execs || c.Parent != root.Pid {
			t.Errorf("child %d: %s %s %d execs, parent %d; want %s %s %d", i, c.How, c.StatusText(), len(c.Execs()), c.Parent, w.how, w.status, w.execs)
		}
	}
	if ex := root.Children[2].Execs(); len(ex) != 1 || ex[0].Path != "/usr/bin/true" {
		t.Errorf("vfork+execve child's execs %+v", ex)
	}
}

func TestProcsSignals(t *testing.T) {
	tree := collectProcs(t, "signals")
	killed := 0
	for _, c := range tree.Roots[0].Children {
		if c.StatusText() == "killed by SIGTERM" {
			killed++
		}
	}
	if killed != 1 {
		t.Errorf("%d children killed by SIGTERM, want 1", killed)
	}
}

func TestProcsPipelineLines(t *testing.T) {
	var b bytes.Buffer
	if err := analysis.Procs(&b, openSample(t, "pipeline"), &analysis.ProcsOptions{Pids: []int32{samplePid(t, "pipeline", 3), samplePid(t, "pipeline", 5)}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	// Header, ls, rm, count: only the selected processes.
	if len(lines) != 4 || !strings.HasSuffix(lines[1], " ls /  [fork]") || !strings.HasSuffix(lines[2], " rm -f /tmp/systr-sample-missing  [vfork]") {
		t.Errorf("output:\n%s", b.String())
	}
}

func TestWaitStatusText(t *testing.T) {
	for st, want := range map[int32]string{0: "exit status 0", 3 << 8: "exit status 3", 15: "killed by SIGTERM", 11 | 0x80: "killed by SIGSEGV (core dumped)", 19<<8 | 0x7f: "stopped by SIGSTOP"} {
		if got := analysis.WaitStatusText(st); got != want {
			t.Errorf("%#x: %q, want %q", st, got, want)
		}
	}
}

// TestProcsExecs records a shell that execs twice in the same process:
// every exec is listed, in order.
func TestProcsExecs(t *testing.T) {
	trace, _ := golden.Record(t, &golden.RecordOptions{Dir: "/"}, "/bin/sh", "-c", "exec /bin/sh -c 'exec /bin/true one two'")
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tree, err := analysis.CollectProcs(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Roots) != 1 || len(tree.Roots[0].Children) != 0 {
		t.Fatalf("roots %d", len(tree.Roots))
	}
	ex := tree.Roots[0].Execs()
	if len(ex) != 3 || ex[1].Argv[2] != "exec /bin/true one two" || ex[2].Path != "/usr/bin/true" && ex[2].Path != "/bin/true" {
		t.Fatalf("execs %+v", ex)
	}
	var b bytes.Buffer
	if err := tree.Write(&b, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), ": /bin/sh -c 'exec /bin/true one two'\n") || !strings.Contains(b.String(), ": /bin/true one two\n") {
		t.Errorf("output:\n%s", b.String())
	}
}

func TestProcsTruncated(t *testing.T) {
	var b bytes.Buffer
	if err := analysis.Procs(&b, truncatedCopy(t, "pipeline"), nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "/bin/sh -c") || !strings.Contains(out, "running") || !strings.Contains(out, "(trace truncated: ") {
		t.Errorf("output:\n%s", out)
	}
}
