package analysis

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
)

// DiffOptions tune Diff.
type DiffOptions struct {
	NormalizeOptions
	// Context is the number of unchanged lines shown around each change
	// and before the first divergence (0: 3; negative: none).
	Context int
	// NameA and NameB label the two traces in the report (default
	// "want" and "got": A is the expected trace, B the new one);
	// systr-analyze diff gives the files' names.
	NameA, NameB string
	// MaxEdits bounds the work of the line diff of one thread: past this
	// many inserted and deleted lines, the rest of the thread is shown as
	// one replaced block (0: 2000).
	MaxEdits int
}

// DiffResult is the comparison of two normalized traces.
type DiffResult struct {
	// Same reports whether they are equal, thread by thread.
	Same bool
	// First is the earliest divergence (nil if Same).
	First *Divergence
	// Threads are the threads that differ, in A's order of appearance,
	// then those only in B.
	Threads []ThreadDiff
}

// Divergence is the first place where two normalized traces part.
type Divergence struct {
	// Thread is the thread's key ("p1.t1"), Comm its process's name.
	Thread, Comm string
	// Line is the position of the first differing line in the thread's
	// sequence, from 1.
	Line int
	// SeqA and SeqB are the sequence numbers of the events the two lines
	// come from in each file (0: the thread ends there, or the traces
	// were read back from text).
	SeqA, SeqB uint64
	// Expected is A's line and Actual B's; HasA and HasB say whether
	// there is one (a thread may end earlier on one side).
	Expected, Actual string
	HasA, HasB       bool
	// Before are the lines common to both just before it (at most
	// Context of them).
	Before []string
}

// ThreadDiff is the line diff of one thread.
type ThreadDiff struct {
	// Key names the thread; Comm is its process's name in A (in B when
	// A lacks it), CommB in B.
	Key, Comm, CommB string
	// InA and InB say on which sides the thread exists.
	InA, InB bool
	Hunks    []Hunk
}

// Hunk is one unified-diff hunk: lines from A starting at line A (from 1)
// for ALen lines and from B at line B for BLen lines. Each of Lines starts
// with ' ' (in both), '-' (only in A) or '+' (only in B).
type Hunk struct {
	A, ALen, B, BLen int
	Lines            []string
}

// Diff normalizes the traces a and b (see Normalize) and compares them
// thread by thread. If they differ it writes a report to w - the first
// divergence with the lines before it, then a unified diff of each thread
// that differs - and returns false; if they are the same it writes
// nothing and returns true. An error (a trace that cannot be read, w
// failing) comes back as err, with same false: the exit statuses 0, 1 and
// 2 of diff(1). If a trace ends in corruption, what could be read is
// compared and reported before the error is returned.
// o nil means the zero DiffOptions (the default noise, context and names).
func Diff(w io.Writer, a, b *format.Reader, o *DiffOptions) (same bool, err error) {
	if o == nil {
		o = &DiffOptions{}
	}
	na, errA := Normalize(a, &o.NormalizeOptions)
	if na == nil {
		return false, errA // already says analysis: ...
	}
	nb, errB := Normalize(b, &o.NormalizeOptions)
	if nb == nil {
		return false, errB
	}
	res := CompareNormalized(na, nb, o)
	if !res.Same {
		if err := res.Report(w, o); err != nil {
			return false, err
		}
	}
	if errA != nil || errB != nil {
		return false, fmt.Errorf("analysis: diff: %w", errors.Join(errA, errB))
	}
	return res.Same, nil
}

// CompareNormalized compares two normalized traces: threads are matched by
// key. Only Context and MaxEdits of o are used (o may be nil).
func CompareNormalized(a, b *Normalized, o *DiffOptions) *DiffResult {
	ctx, maxEdits := 3, 2000
	if o != nil {
		if o.Context > 0 {
			ctx = o.Context
		} else if o.Context < 0 {
			ctx = 0
		}
		if o.MaxEdits > 0 {
			maxEdits = o.MaxEdits
		}
	}
	res := &DiffResult{Same: true}
	var firstKey [3]uint64 // (unordered, seq, thread order) ordering of the first divergence
	consider := func(d *Divergence, order int, both bool) {
		// Earliest by A's sequence number, then B's, then thread order;
		// a section only one trace has after those both have (the
		// process's own stream then shows the change in its context: a
		// file opened instead of another, a spawn missing); a sorted
		// section (a process's calls on no resource, whose lines are not
		// in the order they were made: threads.go) last.
		seq := d.SeqA
		if seq == 0 {
			seq = d.SeqB
		}
		if seq == 0 {
			seq = ^uint64(0)
		}
		key := [3]uint64{0, seq, uint64(order)}
		if !both {
			key[0] = 1
		}
		if unorderedKey(d.Thread) {
			key[0] = 2
		}
		if res.First == nil || key[0] < firstKey[0] || key[0] == firstKey[0] && (key[1] < firstKey[1] || key[1] == firstKey[1] && key[2] < firstKey[2]) {
			res.First, firstKey = d, key
		}
	}
	order := 0
	for i := range a.Threads {
		ta := &a.Threads[i]
		tb := b.Thread(ta.Key)
		if tb == nil {
			tb = &NormThread{Key: ta.Key, Comm: ta.Comm}
		}
		if d := firstDivergence(ta, tb, ctx); d != nil {
			res.Same = false
			consider(d, order, b.Thread(ta.Key) != nil)
			res.Threads = append(res.Threads, ThreadDiff{Key: ta.Key, Comm: ta.Comm, CommB: tb.Comm, InA: true, InB: b.Thread(ta.Key) != nil,
				Hunks: unified(ta.Lines, tb.Lines, ctx, maxEdits)})
		}
		order++
	}
	for i := range b.Threads {
		tb := &b.Threads[i]
		if a.Thread(tb.Key) != nil {
			continue
		}
		ta := &NormThread{Key: tb.Key, Comm: tb.Comm}
		d := firstDivergence(ta, tb, ctx)
		if d == nil {
			// An empty thread on one side only.
			d = &Divergence{Thread: tb.Key, Comm: tb.Comm, Line: 1}
		}
		res.Same = false
		consider(d, order, false)
		res.Threads = append(res.Threads, ThreadDiff{Key: tb.Key, Comm: tb.Comm, CommB: tb.Comm, InB: true, Hunks: unified(nil, tb.Lines, ctx, maxEdits)})
		order++
	}
	return res
}

// firstDivergence returns where the two threads' lines first differ, or
// nil if they are equal.
func firstDivergence(a, b *NormThread, ctx int) *Divergence {
	n := min(len(a.Lines), len(b.Lines))
	i := 0
	for i < n && a.Lines[i] == b.Lines[i] {
		i++
	}
	if i == len(a.Lines) && i == len(b.Lines) {
		return nil
	}
	d := &Divergence{Thread: a.Key, Comm: a.Comm, Line: i + 1}
	if d.Comm == "" {
		d.Comm = b.Comm
	}
	if i < len(a.Lines) {
		d.Expected, d.HasA = a.Lines[i], true
		if i < len(a.Seqs) {
			d.SeqA = a.Seqs[i]
		}
	}
	if i < len(b.Lines) {
		d.Actual, d.HasB = b.Lines[i], true
		if i < len(b.Seqs) {
			d.SeqB = b.Seqs[i]
		}
	}
	d.Before = append([]string(nil), a.Lines[max(0, i-ctx):i]...)
	return d
}

// Labels of the two sides of a comparison when none are given: the
// expected trace (a golden file) is "want", the new one "got".
const (
	DefaultNameA = "want"
	DefaultNameB = "got"
)

// String describes the divergence with the default labels, "want" for A
// and "got" for B (see Format).
func (d *Divergence) String() string { return d.Format(DefaultNameA, DefaultNameB) }

// Format describes the divergence in a few lines, naming A and B by the
// labels nameA and nameB: where it is (the key, the process's name, the
// line, and the events' sequence numbers where known, which
// `systr-analyze print --seq` shows), the lines common to both before it
// (indented), then A's line after "nameA: " and B's after "nameB: ":
//
//	p1.t1 (prog), line 18 (seq 42 in want, seq 41 in got):
//	        close(<fd4>) = 0
//	  want: read(<fd3>, "hello\n", 255) = 6
//	  got:  --- SIGCHLD {si_code=CLD_EXITED, si_pid=<p2>, si_uid=0} ---
//
// A side that has no line there reads "(KEY ends here)", or "(no KEY)"
// when it has no line for the key at all.
func (d *Divergence) Format(nameA, nameB string) string {
	b := []byte(d.Thread + " (" + d.Comm + "), line " + strconv.Itoa(d.Line))
	var seqs []string
	if d.SeqA != 0 {
		seqs = append(seqs, "seq "+strconv.FormatUint(d.SeqA, 10)+" in "+nameA)
	}
	if d.SeqB != 0 {
		seqs = append(seqs, "seq "+strconv.FormatUint(d.SeqB, 10)+" in "+nameB)
	}
	if len(seqs) > 0 {
		b = append(b, " ("+strings.Join(seqs, ", ")+")"...)
	}
	b = append(b, ":\n"...)
	width := max(len(nameA), len(nameB)) + 1
	indent := strings.Repeat(" ", 2+width+1)
	for _, l := range d.Before {
		b = append(b, indent+l+"\n"...)
	}
	side := func(name string, has bool, line string) {
		b = append(b, "  "...)
		b = append(b, name+":"...)
		b = append(b, strings.Repeat(" ", width-len(name))...)
		switch {
		case has:
			b = append(b, line...)
		case d.Line == 1:
			b = append(b, "(no "+d.Thread+")"...)
		default:
			b = append(b, "("+d.Thread+" ends here)"...)
		}
		b = append(b, '\n')
	}
	side(nameA, d.HasA, d.Expected)
	side(nameB, d.HasB, d.Actual)
	return string(b)
}

// Keys describes the keys that differ, in order: "KEY (COMM)" each,
// separated by commas; past max of them (max > 0), the rest as "and N
// more".
func (d *DiffResult) Keys(max int) string {
	var b strings.Builder
	for i, t := range d.Threads {
		if max > 0 && i == max {
			b.WriteString(" and " + strconv.Itoa(len(d.Threads)-max) + " more")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.Key + " (" + t.Comm + ")")
	}
	return b.String()
}

// reportKeys is the number of differing keys Report names.
const reportKeys = 8

// Report writes the report of a difference, naming the two traces by
// o.NameA and o.NameB (default "want" and "got"; o may be nil):
//
//	want and got differ in p1.t1 (prog), p2.t1 (prog)
//	first divergence: p1.t1 (prog), line 18 (seq 42 in want, seq 41 in got):
//	...                                          (see Divergence.Format)
//	--- want p1.t1 (prog)
//	+++ got p1.t1 (prog)
//	@@ -15,12 +15,14 @@
//	...
//
// that is the keys that differ (the first 8, then how many more), the
// first divergence, then a unified diff
// of each key that differs ("(absent)" for a side that lacks it). It
// writes nothing if d.Same.
func (d *DiffResult) Report(w io.Writer, o *DiffOptions) error {
	if d.Same {
		return nil
	}
	nameA, nameB := DefaultNameA, DefaultNameB
	if o != nil && o.NameA != "" {
		nameA = o.NameA
	}
	if o != nil && o.NameB != "" {
		nameB = o.NameB
	}
	cw := &errWriter{w: bufio.NewWriter(w)}
	if len(d.Threads) > 0 {
		cw.str(nameA + " and " + nameB + " differ in " + d.Keys(reportKeys) + "\n")
	}
	if d.First != nil {
		cw.str("first divergence: " + d.First.Format(nameA, nameB))
	}
	for _, t := range d.Threads {
		if t.InA {
			cw.str("--- " + nameA + " " + t.Key + " (" + t.Comm + ")\n")
		} else {
			cw.str("--- " + nameA + " " + t.Key + " (absent)\n")
		}
		if t.InB {
			cw.str("+++ " + nameB + " " + t.Key + " (" + t.CommB + ")\n")
		} else {
			cw.str("+++ " + nameB + " " + t.Key + " (absent)\n")
		}
		for _, h := range t.Hunks {
			cw.str("@@ -" + hunkRange(h.A, h.ALen) + " +" + hunkRange(h.B, h.BLen) + " @@\n")
			for _, l := range h.Lines {
				cw.str(l + "\n")
			}
		}
	}
	if err := cw.w.Flush(); err != nil && cw.err == nil {
		cw.err = err
	}
	if cw.err != nil {
		return fmt.Errorf("analysis: writing diff: %w", cw.err)
	}
	return nil
}

// hunkRange is a hunk's "start,length" as GNU diff writes it: the length
// left out when 1, the start the line before when empty.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return strconv.Itoa(start-1) + ",0"
	case 1:
		return strconv.Itoa(start)
	}
	return strconv.Itoa(start) + "," + strconv.Itoa(n)
}

// errWriter keeps the first error of a sequence of writes.
type errWriter struct {
	w   *bufio.Writer
	err error
}

func (c *errWriter) str(s string) {
	if c.err == nil {
		_, c.err = c.w.WriteString(s)
	}
}

// Edit operations of a line diff.
const (
	opEqual = iota
	opDelete
	opInsert
)

// editScript returns the shortest edit script from a to b (Myers'
// O(ND) algorithm) as one op per line of the result, after the common
// prefix and suffix are set aside. Past maxEdits insertions and
// deletions it gives up on a minimal script: the middle becomes one
// block deleted and inserted.
func editScript(a, b []string, maxEdits int) []int8 {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]int8, 0, len(a)+len(b))
	for range pre {
		ops = append(ops, opEqual)
	}
	ops = append(ops, myers(a[pre:len(a)-suf], b[pre:len(b)-suf], maxEdits)...)
	for range suf {
		ops = append(ops, opEqual)
	}
	return ops
}

// myers returns an edit script from a to b with at most maxEdits
// insertions and deletions, or a block replacement if there is none.
func myers(a, b []string, maxEdits int) []int8 {
	n, m := len(a), len(b)
	replace := func() []int8 {
		ops := make([]int8, 0, n+m)
		for range n {
			ops = append(ops, opDelete)
		}
		for range m {
			ops = append(ops, opInsert)
		}
		return ops
	}
	if n == 0 || m == 0 {
		return replace()
	}
	// Lines as small integers: comparisons in the loop are then cheap.
	ids := make(map[string]int32, n+m)
	number := func(lines []string) []int32 {
		out := make([]int32, len(lines))
		for i, s := range lines {
			id, ok := ids[s]
			if !ok {
				id = int32(len(ids))
				ids[s] = id
			}
			out[i] = id
		}
		return out
	}
	ia, ib := number(a), number(b)
	maxD := min(n+m, maxEdits)
	off := maxD + 1
	v := make([]int32, 2*maxD+3)
	// trace[d] holds v[-d..d] after step d, for walking back.
	var trace [][]int32
	found := -1
	for d := 0; d <= maxD && found < 0; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = int(v[off+k+1])
			} else {
				x = int(v[off+k-1]) + 1
			}
			y := x - k
			for x < n && y < m && ia[x] == ib[y] {
				x++
				y++
			}
			v[off+k] = int32(x)
			if x >= n && y >= m {
				found = d
				break
			}
		}
		trace = append(trace, append([]int32(nil), v[off-d:off+d+1]...))
	}
	if found < 0 {
		return replace()
	}
	// Walk back from (n, m).
	rev := make([]int8, 0, n+m)
	x, y := n, m
	for d := found; d > 0; d-- {
		prev := trace[d-1] // v[-(d-1)..d-1]
		get := func(k int) int { return int(prev[k+d-1]) }
		k := x - y
		var pk int
		if k == -d || k != d && get(k-1) < get(k+1) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := get(pk)
		py := px - pk
		for x > px && y > py {
			rev = append(rev, opEqual)
			x--
			y--
		}
		if pk == k+1 {
			rev = append(rev, opInsert)
		} else {
			rev = append(rev, opDelete)
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		rev = append(rev, opEqual)
		x--
		y--
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// unified returns the hunks of a unified diff from a to b with ctx lines
// of context.
func unified(a, b []string, ctx, maxEdits int) []Hunk {
	ops := editScript(a, b, maxEdits)
	// Positions (in a and b) before each op.
	type pos struct{ i, j int }
	at := make([]pos, len(ops)+1)
	for k, op := range ops {
		p := at[k]
		switch op {
		case opEqual:
			p.i++
			p.j++
		case opDelete:
			p.i++
		case opInsert:
			p.j++
		}
		at[k+1] = p
	}
	var hunks []Hunk
	k := 0
	for k < len(ops) {
		for k < len(ops) && ops[k] == opEqual {
			k++
		}
		if k == len(ops) {
			break
		}
		start := max(0, k-ctx)
		// Extend over changes closer than 2*ctx equal lines apart.
		end := k
		for end < len(ops) {
			for end < len(ops) && ops[end] != opEqual {
				end++
			}
			run := end
			for run < len(ops) && ops[run] == opEqual {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(len(ops), end+ctx)
				break
			}
			end = run
		}
		h := Hunk{A: at[start].i + 1, B: at[start].j + 1, ALen: at[end].i - at[start].i, BLen: at[end].j - at[start].j}
		for q := start; q < end; q++ {
			p := at[q]
			switch ops[q] {
			case opEqual:
				h.Lines = append(h.Lines, " "+a[p.i])
			case opDelete:
				h.Lines = append(h.Lines, "-"+a[p.i])
			case opInsert:
				h.Lines = append(h.Lines, "+"+b[p.j])
			}
		}
		hunks = append(hunks, h)
		k = end
	}
	return hunks
}
