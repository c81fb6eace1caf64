package analysis

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// ProcsOptions tune Procs.
type ProcsOptions struct {
	// Pids shows only these processes and their descendants (an id may
	// be a thread's); nil: all.
	Pids []int32
	// Threads lists each process's thread ids.
	Threads bool
}

// ProcTree is the process tree of a trace.
type ProcTree struct {
	// Tasks holds every process and thread seen.
	Tasks *Tasks
	// Roots are the processes without a known parent (the recorded
	// program, attached processes, orphans whose creation was not seen),
	// in order of first appearance.
	Roots []*ProcNode
	// Start is the recording's start (see Start), which the tree's times
	// are written relative to.
	Start int64
}

// ProcNode is one process of the tree.
type ProcNode struct {
	*Process
	// How it was created: "fork", "vfork", "clone" or "" (not seen).
	How string
	// Detached is set if the tracer let it go on untraced.
	Detached bool
	// Children are the processes it created, in order of creation.
	Children []*ProcNode
}

// Execs returns the images the process ran, in order, without the copy
// of the recorded command line that Tasks may list before the first exec
// event (same time and argv).
func (n *ProcNode) Execs() []Image {
	ex := n.Process.Execs
	if len(ex) >= 2 && ex[0].Time == ex[1].Time && slices.Equal(ex[0].Argv, ex[1].Argv) {
		return ex[1:]
	}
	return ex
}

// StatusText describes how the process ended: "exit status 0", "killed by
// SIGTERM", "killed by SIGSEGV (core dumped)", "detached", or "running"
// when the recording ended first.
func (n *ProcNode) StatusText() string {
	switch {
	case n.Exited:
		return WaitStatusText(n.Status)
	case n.Detached:
		return "detached"
	}
	return "running"
}

// WaitStatusText describes a raw wait status as an exit code or the
// signal that killed the process, in tracer.ExitStatus's words: "exit
// status 3" (as os.ProcessState says), "killed by SIGTERM" (as strace
// says), "killed by SIGSEGV (core dumped)", "stopped by SIGSTOP".
func WaitStatusText(st int32) string {
	sig := st & 0x7f
	switch {
	case sig == 0:
		return "exit status " + strconv.Itoa(int(st>>8&0xff))
	case sig == 0x7f:
		return "stopped by " + syscalls.SignalName(int(st>>8&0xff))
	}
	s := "killed by " + syscalls.SignalName(int(sig))
	if st&0x80 != 0 {
		s += " (core dumped)"
	}
	return s
}

// CollectProcs reads r and returns its process tree. On an error from the
// trace (corruption in the middle of the file) it returns the tree of what
// came before, with the error.
func CollectProcs(r *format.Reader) (*ProcTree, error) {
	tasks := NewTasks(r.Header())
	more := &procEvents{how: map[int32]string{}, detached: map[int32]bool{}}
	err := collectEvents("procs", Events(r, nil), func(ev format.Event) { tasks.visit(ev, more) })
	t := &ProcTree{Tasks: tasks, Start: Start(r)}
	nodes := map[int32]*ProcNode{}
	for _, p := range tasks.Processes() {
		nodes[p.Pid] = &ProcNode{Process: p, How: more.how[p.Pid], Detached: more.detached[p.Pid]}
	}
	for _, p := range tasks.Processes() {
		n := nodes[p.Pid]
		if parent := nodes[p.Parent]; parent != nil && p.Parent != p.Pid && !isAncestor(nodes, n, parent) {
			parent.Children = append(parent.Children, n)
		} else {
			t.Roots = append(t.Roots, n)
		}
	}
	return t, err
}

// procEvents gathers what the process tree shows that Tasks does not
// keep: how each process was created, and which the tracer let go.
type procEvents struct {
	skipEvents
	how      map[int32]string // pid: NewTask.Method, when the recorder saw it
	detached map[int32]bool
}

func (c *procEvents) newTask(v *format.NewTask) {
	if !v.Thread && v.How != 0 {
		c.how[v.Pid] = v.Method()
	}
}

func (c *procEvents) detach(v *format.Detach) { c.detached[v.Pid] = true }

// isAncestor reports whether a is p or an ancestor of p (a parent loop
// in an odd trace would otherwise hide processes).
func isAncestor(nodes map[int32]*ProcNode, a, p *ProcNode) bool {
	for i := 0; p != nil && i < len(nodes)+1; i++ {
		if p == a {
			return true
		}
		p = nodes[p.Parent]
	}
	return false
}

// Procs writes the process tree of the trace, roots first, children
// indented under their parent (like ps --forest): pid, parent, start
// (seconds since the recording started), duration, how it ended, thread
// count, and its command line, with one more line per further exec. On a
// corrupt trace it writes the tree of what came before the damage and
// returns the error.
// o nil means the zero ProcsOptions: every process, no thread ids.
func Procs(w io.Writer, r *format.Reader, o *ProcsOptions) error {
	t, err := CollectProcs(r)
	return writeCollected(w, r, err, func(w io.Writer) error { return t.Write(w, o) })
}

// procRow is one process's line before alignment.
type procRow struct {
	cells  [6]string
	prefix string // tree drawing before the command
	cont   string // tree drawing for its continuation lines
	lines  []string
}

// Write writes the tree as Procs does.
// o nil means the zero ProcsOptions.
func (t *ProcTree) Write(w io.Writer, o *ProcsOptions) error {
	if o == nil {
		o = &ProcsOptions{}
	}
	roots := t.Roots
	if o.Pids != nil {
		roots = nil
		var find func(ns []*ProcNode)
		find = func(ns []*ProcNode) {
			for _, n := range ns {
				if slices.Contains(o.Pids, n.Pid) || slices.ContainsFunc(n.Threads, func(tid int32) bool { return slices.Contains(o.Pids, tid) }) {
					roots = append(roots, n)
					continue
				}
				find(n.Children)
			}
		}
		find(t.Roots)
	}
	var rows []procRow
	var walk func(n *ProcNode, prefix, cont string)
	walk = func(n *ProcNode, prefix, cont string) {
		rows = append(rows, t.row(n, prefix, cont, o))
		for i, c := range n.Children {
			if i == len(n.Children)-1 {
				walk(c, cont+"└─ ", cont+"   ")
			} else {
				walk(c, cont+"├─ ", cont+"│  ")
			}
		}
	}
	for _, n := range roots {
		walk(n, "", "")
	}
	heads := [6]string{"PID", "PPID", "START", "DURATION", "STATUS", "THREADS"}
	right := [6]bool{true, true, true, true, false, true}
	var width [6]int
	for i, h := range heads {
		width[i] = len(h)
	}
	for _, r := range rows {
		for i, c := range r.cells {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b []byte
	for i, h := range heads {
		b = appendCell(b, h, width[i], right[i])
	}
	b = append(b, "COMMAND\n"...)
	var blank []byte
	for i := range heads {
		blank = appendCell(blank, "", width[i], right[i])
	}
	for _, r := range rows {
		for i, c := range r.cells {
			b = appendCell(b, c, width[i], right[i])
		}
		b = append(b, r.prefix...)
		b = append(b, r.lines[0]...)
		b = append(b, '\n')
		for _, l := range r.lines[1:] {
			b = append(b, blank...)
			b = append(b, r.cont...)
			b = append(b, l...)
			b = append(b, '\n')
		}
	}
	b = strconv.AppendInt(b, int64(len(rows)), 10)
	if len(rows) == 1 {
		b = append(b, " process\n"...)
	} else {
		b = append(b, " processes\n"...)
	}
	_, err := w.Write(b)
	return err
}

func (t *ProcTree) row(n *ProcNode, prefix, cont string, o *ProcsOptions) procRow {
	r := procRow{prefix: prefix, cont: cont}
	if len(n.Children) > 0 {
		r.cont += "│  "
	} else {
		r.cont += "   "
	}
	ppid := "-"
	if n.Parent != 0 {
		ppid = strconv.Itoa(int(n.Parent))
	}
	r.cells = [6]string{
		strconv.Itoa(int(n.Pid)),
		ppid,
		seconds(n.Start - t.Start),
		time.Duration(n.End - n.Start).Round(time.Microsecond).String(),
		n.StatusText(),
		strconv.Itoa(len(n.Threads)),
	}
	execs := n.Execs()
	var first string
	if len(execs) == 0 {
		// It never exec'd: it runs its parent's program.
		first = "(" + n.Comm() + ")"
	} else {
		first = commandLine(execs[0].Argv, execs[0].Path)
		execs = execs[1:]
	}
	if n.How != "" {
		first += "  [" + n.How + "]"
	}
	r.lines = append(r.lines, first)
	for _, im := range execs {
		r.lines = append(r.lines, "exec at "+seconds(im.Time-t.Start)+": "+commandLine(im.Argv, im.Path))
	}
	if o.Threads && len(n.Threads) > 1 {
		var b strings.Builder
		b.WriteString("threads:")
		for _, tid := range n.Threads {
			b.WriteByte(' ')
			b.WriteString(strconv.Itoa(int(tid)))
		}
		r.lines = append(r.lines, b.String())
	}
	return r
}

// seconds formats ns as seconds with microseconds ("0.001878").
func seconds(ns int64) string {
	neg := ns < 0
	if neg {
		ns = -ns
	}
	us := (ns + 500) / 1000
	s := strconv.FormatInt(us/1e6, 10) + "." + fmt.Sprintf("%06d", us%1e6)
	if neg {
		return "-" + s
	}
	return s
}

// commandLine joins argv as a shell would read it back, quoting the
// arguments that need it; path if argv is empty.
func commandLine(argv []string, path string) string {
	if len(argv) == 0 {
		if path == "" {
			return "?"
		}
		return shellQuote(path)
	}
	var b strings.Builder
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(a))
	}
	return b.String()
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	plain := true
	for _, c := range []byte(s) {
		if c < 0x20 || c == 0x7f {
			// Control characters: Go's escapes, which a reader can decode.
			return strconv.Quote(s)
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_./=:,+@%", c) >= 0) {
			plain = false
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
