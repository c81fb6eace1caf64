package analysis

import (
	"bytes"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// The first pass over a trace (Normalize reads it twice): what must be
// known of the whole trace before the first line is normalized.
//
//   - Which process images run several threads (threads.go).
//   - The process tree, which numbers the processes: "pP" is the P-th
//     process in a depth-first walk of the tree (a process, then each of
//     its children's subtrees), the children of a process in the order it
//     spawned them, or, those it spawned while it ran several threads
//     (which race to fork) or the Go runtime (goroutines), in the order
//     of the command lines they first exec'd (equal ones in spawn order).
//     Processes the trace shows no parent of (the first, those attached
//     to) are roots, in order of appearance. Numbering by appearance
//     made the children of parallel jobs (make -j2: two compilers each
//     starting cc1 and as) swap numbers from run to run; a parent's spawn
//     order is its program's.
//     In a process compared by resource that runs several threads, the
//     spawns of children made while it ran several threads (or the Go
//     runtime) that come one after another in its own stream (threads
//     spawning at once) are in a canonical order too, by their text
//     (threads.go's unordered runs, among spawns only); their order
//     against the other lines of the stream (paths, opens, exec, waits)
//     is kept.
//   - The names of files created exclusively in a temporary directory
//     (mkstemp), which become <mktempN> (mktemp.go).
//   - The ids of the trace's tasks: an argv string that is one of them
//     (a program passing its pid to the program it execs) is named as an
//     id (see pidString).

// traceScan is what the first pass learnt.
type traceScan struct {
	threaded map[imageKey]uint8
	// index is each process's number (from 1, see above); tasks are the
	// ids of every task of the trace.
	index map[int32]int
	tasks map[int32]bool
	// mktemps are the files created exclusively in a temporary
	// directory, in the order of their numbers (mktemp.go).
	// concurrent are the processes spawned while their parent ran
	// several threads or the Go runtime.
	concurrent map[int32]bool
	mktemps    []mktemp
	mktempDirs [][]byte // their directories, each with a final '/'
	// mktempNames are their replacements by the names (mktemp.from).
	mktempNames map[string]string
	mktempLen   int // the longest's length
	// drop are the seqs of the calls dropped: the C library's draws for
	// a temporary name (mktemp.go).
	drop map[uint64]bool
	// wallFrom and wallTo are the recording's wall-clock span, ns
	// (derived.go; 0: unknown).
	wallFrom, wallTo int64
	wallYears        [][]byte // the years of that span, as text
	wallPrefix       []byte   // the digits its first and last seconds share
	// boundPorts are the ports bound explicitly (ports.go).
	boundPorts map[uint16]bool
}

// procNode is a process of the tree.
type procNode struct {
	pid      int32
	parent   int32 // 0: a root
	children []int32
	// image is the parent's image at the spawn, spawn its position
	// among the parent's children; argv the command line of the first
	// exec (NUL-separated; "" if none).
	image imageKey
	spawn int
	argv  string
	exec  bool
	// group counts the runs of the parent's spawns made while it ran
	// one thread or several (concurrent): the order within a concurrent
	// run is the race's.
	group      int
	concurrent bool
}

// scanTrace makes the first pass over r (see traceScan). tempDirs are the
// directories whose exclusively created files are temporary (mktemp.go).
func scanTrace(r *format.Reader, tempDirs []string) (*traceScan, error) {
	var tFirst, tLast int64 // the events' times (derived.go)
	s := &traceScan{threaded: map[imageKey]uint8{}, index: map[int32]int{}, tasks: map[int32]bool{}, drop: map[uint64]bool{}, concurrent: map[int32]bool{}}
	execs := map[int32]int{}
	first := map[imageKey]int32{}
	nodes := map[int32]*procNode{}
	var roots []int32
	created := map[int32]int{} // per process: its exclusive creations so far
	live := map[int32]int{}    // per process: its threads alive
	goImage := map[int32]bool{}
	draws := map[int32][]uint64{} // per thread: tempname's draws (mktemp.go)
	var found []mktemp
	seen := func(pid int32) *procNode {
		n := nodes[pid]
		if n == nil {
			n = &procNode{pid: pid}
			nodes[pid] = n
			roots = append(roots, pid)
		}
		return n
	}
	var err error
	for ev, e := range Events(r, nil) {
		if e != nil {
			err = e
			break
		}
		h := ev.Base()
		if h.Time != 0 && (tFirst == 0 || h.Time < tFirst) {
			tFirst = h.Time
		}
		tLast = max(tLast, h.Time)
		s.tasks[h.Tid] = true
		s.tasks[h.Pid] = true
		switch v := ev.(type) {
		case *format.NewTask:
			if !v.Thread && nodes[v.Pid] == nil {
				n := &procNode{pid: v.Pid}
				nodes[v.Pid] = n
				if pp := nodes[v.ParentPid]; pp != nil && v.ParentPid != v.Pid {
					n.parent = v.ParentPid
					n.image = imageKey{v.ParentPid, execs[v.ParentPid]}
					n.spawn = len(pp.children)
					n.concurrent = live[v.ParentPid] > 1 || goImage[v.ParentPid]
					if n.concurrent {
						s.concurrent[v.Pid] = true
					}
					if k := len(pp.children); k > 0 {
						prev := nodes[pp.children[k-1]]
						n.group = prev.group
						if prev.concurrent != n.concurrent || prev.image != n.image {
							n.group++
						}
					}
					pp.children = append(pp.children, v.Pid)
				} else {
					roots = append(roots, v.Pid)
				}
			}
			if v.Thread {
				live[v.Pid] = max(live[v.Pid], 1) + 1
			} else {
				live[v.Pid] = 1
				goImage[v.Pid] = goImage[v.ParentPid]
			}
		case *format.Exit:
			if !v.Process && live[h.Pid] > 1 {
				live[h.Pid]--
			}
		case *format.Exec:
			execs[h.Pid]++
			live[h.Pid] = 1
			goImage[h.Pid] = threadAgnostic(v.Runtime)
			if n := seen(h.Pid); !n.exec {
				n.exec = true
				n.argv = strings.Join(v.Argv, "\x00")
			}
		case *format.Syscall:
			if p := exclusiveCreate(v, tempDirs); p != "" {
				created[h.Pid]++
				found = append(found, mktemp{pid: h.Pid, n: created[h.Pid], path: p, drew: draws[h.Tid] != nil})
				for _, seq := range draws[h.Tid] {
					s.drop[seq] = true
				}
			}
			draws[h.Tid] = tempnameDraw(v, draws[h.Tid]) // (mktemp.go)
			if port := boundPort(v); port != 0 {         // (ports.go)
				if s.boundPorts == nil {
					s.boundPorts = map[uint16]bool{}
				}
				s.boundPorts[port] = true
			}
		}
		seen(h.Pid)
		// Images that run several threads (threads.go).
		k := imageKey{h.Pid, execs[h.Pid]}
		if nt, ok := ev.(*format.NewTask); ok && nt.Thread {
			s.threaded[k] |= severalThreads
			if nt.ParentTid != nt.Pid {
				s.threaded[k] |= threadPool
			}
		}
		if t, ok := first[k]; !ok {
			first[k] = h.Tid
		} else if t != h.Tid {
			s.threaded[k] |= severalThreads
		}
	}
	// Number the processes: depth first, children in their canonical
	// order (an explicit stack: a long chain of processes is no deep
	// recursion).
	stack := slices.Clone(roots)
	slices.Reverse(stack)
	for len(stack) > 0 {
		pid := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, done := s.index[pid]; done {
			continue
		}
		s.index[pid] = len(s.index) + 1
		kids := slices.Clone(nodes[pid].children)
		slices.SortStableFunc(kids, func(a, b int32) int {
			na, nb := nodes[a], nodes[b]
			if na.group != nb.group {
				return na.group - nb.group
			}
			if na.concurrent {
				return strings.Compare(na.argv, nb.argv)
			}
			return 0
		})
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, kids[i])
		}
	}
	if h := r.Header(); h != nil {
		s.setWallWindow(h.Clock, tFirst, tLast)
	}
	s.mktemps = numberMktemps(found, s.index)
	for _, m := range s.mktemps {
		if s.mktempNames == nil {
			s.mktempNames = map[string]string{}
		}
		s.mktempNames[m.from] = m.to
		s.mktempLen = max(s.mktempLen, len(m.from))
		d := []byte(m.path[:strings.LastIndexByte(m.path, '/')+1])
		if !slices.ContainsFunc(s.mktempDirs, func(b []byte) bool { return bytes.Equal(b, d) }) {
			s.mktempDirs = append(s.mktempDirs, d)
		}
	}
	return s, err
}

// pidString returns the placeholder of an argv string that is the
// decimal id of a task of the trace ("11025": a program passing its pid
// to the program it execs, as exec_thread does), and whether it is one.
func (nz *normalizer) pidString(b []byte) (string, bool) {
	if nz.scan == nil || len(b) == 0 || len(b) > 9 || b[0] == '0' {
		return "", false
	}
	for _, c := range b {
		if !isDigit(c) {
			return "", false
		}
	}
	id, _ := strconv.Atoi(string(b))
	if !nz.scan.tasks[int32(id)] {
		return "", false
	}
	return "<" + nz.name(int32(id)) + ">", true
}

// processIndex returns the number of process pid: from the first pass,
// or (a process it did not see) the next one after them.
func (nz *normalizer) processIndex(pid int32) int {
	if nz.scan != nil {
		if i, ok := nz.scan.index[pid]; ok {
			return i
		}
		nz.nproc++
		return len(nz.scan.index) + nz.nproc
	}
	nz.nproc++
	return nz.nproc
}

// exclusiveCreate returns the path a successful call created exclusively
// in one of the directories dirs, or "": an open or openat with O_CREAT
// and O_EXCL of an absolute path (mkstemp), or a mkdir or mkdirat of
// one (mkdtemp; mkdir fails if the name exists).
func exclusiveCreate(sc *format.Syscall, dirs []string) string {
	if sc.Flags&format.Unfinished != 0 || sc.Ret < 0 || len(dirs) == 0 {
		return ""
	}
	spec := syscalls.Lookup(sc.Arch, int(sc.Nr))
	if spec == nil {
		return ""
	}
	const oCreat, oExcl = 0o100, 0o200 // (x86, arm64, the generic table)
	switch spec.Name {
	case "open":
		if sc.Args[1]&(oCreat|oExcl) != oCreat|oExcl {
			return ""
		}
	case "openat":
		if sc.Args[2]&(oCreat|oExcl) != oCreat|oExcl {
			return ""
		}
	case "mkdir", "mkdirat":
	default:
		return ""
	}
	p := callPath(sc, spec)
	if len(p) < 2 || p[0] != '/' || bytes.IndexByte(p, 0) >= 0 {
		return ""
	}
	dir, base := path.Split(string(p))
	if !slices.Contains(dirs, path.Clean(dir)) || base == "" {
		return ""
	}
	return string(p)
}
