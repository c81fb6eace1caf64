package analysis

import (
	"bytes"
	"cmp"
	"io"
	"math/bits"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Op is a set of things done to a file.
type Op uint64

// Operations on files. A call may do several (open with O_CREAT|O_TRUNC is
// OpOpen|OpCreate|OpTruncate).
const (
	OpOpen       Op = 1 << iota // opened (open, openat, openat2, creat, open_tree...)
	OpCreate                    // opened with O_CREAT or by creat (created if it did not exist)
	OpRead                      // data read through an fd (read, pread, readv, sendfile's source...)
	OpWrite                     // data written through an fd (write, pwrite, writev, fallocate...)
	OpTruncate                  // truncate, ftruncate, or opened for writing with O_TRUNC
	OpStat                      // stat, lstat, fstat, fstatat, statx, statfs...
	OpAccess                    // access, faccessat
	OpReadlink                  // readlink, readlinkat
	OpList                      // directory listed (getdents)
	OpExec                      // execve, execveat
	OpMmap                      // mapped into memory (mmap of its fd)
	OpDelete                    // unlink, unlinkat
	OpRenameFrom                // renamed away: the old name of rename*
	OpRenameTo                  // renamed here: the new name of rename*
	OpLinkFrom                  // the existing name of a hard link (link, linkat)
	OpLinkTo                    // a hard link made at this path
	OpSymlink                   // a symbolic link made at this path
	OpMkdir                     // mkdir, mkdirat
	OpRmdir                     // rmdir, unlinkat with AT_REMOVEDIR
	OpMknod                     // mknod, mknodat
	OpChdir                     // chdir, fchdir
	OpChroot                    // chroot
	OpChmod                     // chmod, fchmod, fchmodat
	OpChown                     // chown, fchown, lchown, fchownat
	OpUtime                     // utimensat, futimesat
	OpXattr                     // extended attributes read, listed, set or removed
	OpSeek                      // lseek, _llseek
	OpSync                      // fsync, fdatasync, syncfs, sync_file_range
	OpLock                      // flock
	OpIoctl                     // ioctl
	OpConnect                   // a Unix socket at this path connected or sent to (connect, sendto, sendmsg)
	OpBind                      // a Unix socket bound here (bind: creates the socket file)
	OpOther                     // any other call naming the file or its fd
)

var opNames = [...]string{
	"open", "create", "read", "write", "truncate", "stat", "access", "readlink",
	"list", "exec", "mmap", "delete", "rename-from", "rename-to", "link-from",
	"link-to", "symlink", "mkdir", "rmdir", "mknod", "chdir", "chroot", "chmod",
	"chown", "utime", "xattr", "seek", "sync", "lock", "ioctl", "connect", "bind", "other",
}

// String returns the operations' names joined with commas ("open,read,stat"),
// in the order of the constants, or "" for none.
func (o Op) String() string { return string(o.appendTo(nil)) }

func (o Op) appendTo(b []byte) []byte {
	first := true
	for o != 0 {
		i := bits.TrailingZeros32(uint32(o))
		o &^= 1 << i
		if !first {
			b = append(b, ',')
		}
		first = false
		if i < len(opNames) {
			b = append(b, opNames[i]...)
		} else {
			b = append(b, "op"...)
			b = strconv.AppendInt(b, int64(i), 10)
		}
	}
	return b
}

// FilesOptions tune Files and CollectFiles.
type FilesOptions struct {
	// Selection picks the calls that are counted. Every event is still
	// read to follow working directories and fd tables (a file opened
	// outside the selection is still known when its fd is read inside it).
	Selection
	// PerProcess writes, under each file, a line per process that used it.
	PerProcess bool
}

// FileUse is what the processes of a trace did to one file.
type FileUse struct {
	// Path is absolute and cleaned (lexically: symbolic links are not
	// followed), resolved against the calling process's working directory
	// or the directory fd the call named. A path that cannot be resolved
	// (an unknown working directory or dirfd) stays relative, as written.
	// A path the recorder cut at its string limit ends in "...".
	Path string
	// Ops are the operations that succeeded at least once; FailedOps
	// those that failed at least once.
	Ops, FailedOps Op
	// OK and Failed count the calls made on the file (through its path or
	// an fd open on it).
	OK, Failed int
	// Errors count the failures by operation and error number, sorted.
	Errors []FileError
	// Procs are the processes that used the file, in order of first use.
	Procs []ProcUse
	// First and Last are the entry times of the first and last calls
	// (ns, CLOCK_MONOTONIC).
	First, Last int64
}

// FileError counts the failures of one operation with one error.
type FileError struct {
	Op    Op
	Errno int
	Count int
}

// Name returns the error's name ("ENOENT").
func (e FileError) Name() string { return syscalls.ErrnoName(e.Errno) }

// ProcUse is what one process did to a file.
type ProcUse struct {
	Pid int32
	// Comm is the short name of what the process ran at its first use of
	// the file.
	Comm           string
	Ops, FailedOps Op
	OK, Failed     int
}

// Pids returns the processes that used the file, in order of first use.
func (f *FileUse) Pids() []int32 {
	p := make([]int32, len(f.Procs))
	for i := range f.Procs {
		p[i] = f.Procs[i].Pid
	}
	return p
}

// CollectFiles reads r and returns the files its processes touched, sorted
// by path, with the processes and threads it followed. On an error from the
// trace (corruption in the middle of the file) it returns what it gathered
// before it, with the error.
// o nil means the zero FilesOptions: every call counted.
func CollectFiles(r *format.Reader, o *FilesOptions) ([]FileUse, *Tasks, error) {
	o = ownCopy(o) // the Selection's fd tables (Paths) are this call's, not the caller's
	ft := newFileTracker(r.Header(), &o.Selection, Start(r))
	o.Selection.begin(r.Header())
	err := collectEvents("files", Events(r, nil), func(ev format.Event) {
		ft.add(ev)
		o.Selection.follow(ev) // -P's fd tables
	})
	return ft.result(), ft.tasks, err
}

// Files writes the table of the files the trace's processes touched, one
// line per file sorted by path: what was done to it, by which processes,
// and how many calls succeeded and failed (with their errors). On a
// corrupt trace it writes what came before the damage and returns the
// error.
// o nil means the zero FilesOptions.
func Files(w io.Writer, r *format.Reader, o *FilesOptions) error {
	if o == nil {
		o = &FilesOptions{}
	}
	files, _, err := CollectFiles(r, o)
	return writeCollected(w, r, err, func(w io.Writer) error { return WriteFiles(w, files, o) })
}

// WriteFiles writes files (as CollectFiles returns them) as Files does.
// o nil means the zero FilesOptions.
func WriteFiles(w io.Writer, files []FileUse, o *FilesOptions) error {
	if o == nil {
		o = &FilesOptions{}
	}
	const (
		maxPath = 60
		maxProc = 40
	)
	procCells := make([]string, len(files))
	opCells := make([]string, len(files))
	wPath, wOps, wProc, wOK, wFail := len("PATH"), len("OPS"), len("PROCESSES"), len("OK"), len("FAILED")
	for i := range files {
		f := &files[i]
		opCells[i] = f.Ops.String()
		if opCells[i] == "" {
			opCells[i] = "-"
		}
		procCells[i] = procList(f.Procs, maxProc)
		wPath = max(wPath, min(maxPath, utf8.RuneCountInString(f.Path)))
		wOps = max(wOps, utf8.RuneCountInString(opCells[i]))
		wProc = max(wProc, min(maxProc, utf8.RuneCountInString(procCells[i])))
		wOK = max(wOK, len(strconv.Itoa(f.OK)))
		wFail = max(wFail, len(strconv.Itoa(f.Failed)))
	}
	var b []byte
	b = appendCell(b, "PATH", wPath, false)
	b = appendCell(b, "OPS", wOps, false)
	b = appendCell(b, "PROCESSES", wProc, false)
	b = appendCell(b, "OK", wOK, true)
	b = appendCell(b, "FAILED", wFail, true)
	b = append(b, "ERRORS\n"...)
	for i := range files {
		f := &files[i]
		b = appendCell(b, f.Path, wPath, false)
		b = appendCell(b, opCells[i], wOps, false)
		b = appendCell(b, procCells[i], wProc, false)
		b = appendCell(b, strconv.Itoa(f.OK), wOK, true)
		b = appendCell(b, strconv.Itoa(f.Failed), wFail, true)
		for j, e := range f.Errors {
			if j > 0 {
				b = append(b, ' ')
			}
			b = e.Op.appendTo(b)
			b = append(b, ':')
			b = append(b, e.Name()...)
			if e.Count > 1 {
				b = append(b, 'x')
				b = strconv.AppendInt(b, int64(e.Count), 10)
			}
		}
		b = trimRight(b)
		b = append(b, '\n')
		if o.PerProcess {
			for _, p := range f.Procs {
				b = append(b, "  "...)
				b = appendCell(b, strconv.Itoa(int(p.Pid)), 7, true)
				b = appendCell(b, p.Comm, 16, false)
				if p.OK > 0 {
					b = strconv.AppendInt(b, int64(p.OK), 10)
					b = append(b, " ok: "...)
					b = p.Ops.appendTo(b)
				}
				if p.Failed > 0 {
					if p.OK > 0 {
						b = append(b, "; "...)
					}
					b = strconv.AppendInt(b, int64(p.Failed), 10)
					b = append(b, " failed: "...)
					b = p.FailedOps.appendTo(b)
				}
				b = append(b, '\n')
			}
		}
		if len(b) > 32<<10 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	b = strconv.AppendInt(b, int64(len(files)), 10)
	if len(files) == 1 {
		b = append(b, " file\n"...)
	} else {
		b = append(b, " files\n"...)
	}
	_, err := w.Write(b)
	return err
}

// appendCell appends s padded to width and a separating space (two after
// a right-aligned number); a longer s is kept whole.
func appendCell(b []byte, s string, width int, right bool) []byte {
	pad := width - utf8.RuneCountInString(s)
	if right {
		for ; pad > 0; pad-- {
			b = append(b, ' ')
		}
		return append(append(b, s...), "  "...)
	}
	b = append(b, s...)
	for ; pad > 0; pad-- {
		b = append(b, ' ')
	}
	return append(b, ' ', ' ')
}

func trimRight(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}

// procList names the processes as comm[pid], as many as fit in width
// (at least one), then how many more ("+3").
func procList(ps []ProcUse, width int) string {
	var b []byte
	for i, p := range ps {
		n := len(b)
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, p.Comm...)
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(p.Pid), 10)
		b = append(b, ']')
		if i > 0 && len(b)+len(" +")+len(strconv.Itoa(len(ps)-i-1)) > width && (i < len(ps)-1 || len(b) > width) {
			b = append(b[:n], " +"...)
			b = strconv.AppendInt(b, int64(len(ps)-i), 10)
			break
		}
	}
	return string(b)
}

// fileAgg gathers one file's use.
type fileAgg struct {
	use  FileUse
	last int // index in use.Procs of the last process that used it
}

func (f *fileAgg) count(ops Op, p *Process, errno int, t int64) {
	u := &f.use
	if u.OK+u.Failed == 0 {
		u.First = t
	}
	u.Last = max(u.Last, t)
	var pu *ProcUse
	if f.last < len(u.Procs) && u.Procs[f.last].Pid == p.Pid {
		pu = &u.Procs[f.last]
	} else {
		i := slices.IndexFunc(u.Procs, func(q ProcUse) bool { return q.Pid == p.Pid })
		if i < 0 {
			i = len(u.Procs)
			u.Procs = append(u.Procs, ProcUse{Pid: p.Pid, Comm: p.Comm()})
		}
		f.last = i
		pu = &u.Procs[i]
	}
	if errno == 0 {
		u.OK++
		u.Ops |= ops
		pu.OK++
		pu.Ops |= ops
		return
	}
	u.Failed++
	u.FailedOps |= ops
	pu.Failed++
	pu.FailedOps |= ops
	for i := range u.Errors {
		if e := &u.Errors[i]; e.Op == ops && e.Errno == errno {
			e.Count++
			return
		}
	}
	u.Errors = append(u.Errors, FileError{Op: ops, Errno: errno, Count: 1})
}

// fdKind says what an fd refers to.
type fdKind uint8

const (
	fdFile   fdKind = iota + 1 // a file (or directory) of known path
	fdPipe                     // not a file: a pipe
	fdSocket                   // not a file: a socket
	fdAnon                     // not a file: eventfd, epoll, memfd, pidfd...
)

type fdEntry struct {
	kind    fdKind // 0: no entry
	cloexec bool
	file    *fileAgg
	info    *fdInfo // what a socket or anonymous fd is, for names (fdnames.go); shared by dups
}

// maxSmallFd bounds the fds kept in a slice; higher ones go to a map.
const maxSmallFd = 4096

// fdTable is a process's fd table (shared by tasks created with
// CLONE_FILES).
type fdTable struct {
	small []fdEntry
	big   map[int32]fdEntry
}

func (t *fdTable) get(fd int32) fdEntry {
	if fd >= 0 && fd < int32(len(t.small)) {
		return t.small[fd]
	}
	if fd >= maxSmallFd && t.big != nil {
		return t.big[fd]
	}
	return fdEntry{}
}

func (t *fdTable) set(fd int32, e fdEntry) {
	if fd < 0 {
		return
	}
	if fd < maxSmallFd {
		if fd >= int32(len(t.small)) {
			if e.kind == 0 {
				return
			}
			t.small = append(t.small, make([]fdEntry, int(fd)+1-len(t.small))...)
		}
		t.small[fd] = e
		return
	}
	if e.kind == 0 {
		delete(t.big, fd)
		return
	}
	if t.big == nil {
		t.big = map[int32]fdEntry{}
	}
	t.big[fd] = e
}

func (t *fdTable) clone() *fdTable {
	c := &fdTable{small: slices.Clone(t.small)}
	if len(t.big) > 0 {
		c.big = make(map[int32]fdEntry, len(t.big))
		for k, v := range t.big {
			c.big[k] = v
		}
	}
	return c
}

// each calls f for every open fd in [lo, hi]; f returns the new entry.
func (t *fdTable) each(lo, hi uint32, f func(fdEntry) fdEntry) {
	for fd := range t.small {
		if uint32(fd) >= lo && uint32(fd) <= hi && t.small[fd].kind != 0 {
			t.small[fd] = f(t.small[fd])
		}
	}
	for fd, e := range t.big {
		if uint32(fd) >= lo && uint32(fd) <= hi {
			t.set(fd, f(e))
		}
	}
}

// fsState is what CLONE_FS shares: the working directory ("" if unknown).
type fsState struct{ cwd string }

type taskState struct {
	fs        *fsState
	files     *fdTable
	execDrops bool // an exec happened: drop O_CLOEXEC fds after its execve call
}

// fileTracker follows cwds and fd tables and counts file uses.
type fileTracker struct {
	header  *format.Header
	sel     *Selection
	from    int64
	to      int64
	tasks   *Tasks
	states  map[int32]*taskState
	files   map[string]*fileAgg
	plans   map[syscalls.Arch][]*callPlan
	started bool
	// names: follow what sockets and anonymous fds are (fdnames.go);
	// quiet: count no file use (a tracker that only follows fds).
	names, quiet bool
	rights       []fdEntry // descriptors sent with SCM_RIGHTS, not yet received (names: fdnames.go)
	// cache of the last state looked up
	lastTid   int32
	lastState *taskState
	// named is the file the last syscall named and what it did to it
	// (CallTracker: calls.go).
	named named

	skipEvents // (signals, detaches, lost events: nothing to follow)
}

func newFileTracker(h *format.Header, sel *Selection, start int64) *fileTracker {
	ft := &fileTracker{
		header: h,
		sel:    sel,
		tasks:  NewTasks(h),
		states: map[int32]*taskState{},
		files:  map[string]*fileAgg{},
		plans:  map[syscalls.Arch][]*callPlan{},
	}
	if sel.From > 0 {
		ft.from = start + int64(sel.From)
	}
	if sel.To > 0 {
		ft.to = start + int64(sel.To)
	}
	return ft
}

func (ft *fileTracker) result() []FileUse {
	out := make([]FileUse, 0, len(ft.files))
	for _, f := range ft.files {
		if f.use.OK+f.use.Failed == 0 {
			continue
		}
		u := f.use
		slices.SortFunc(u.Errors, func(a, b FileError) int {
			if c := cmp.Compare(bits.TrailingZeros32(uint32(a.Op)), bits.TrailingZeros32(uint32(b.Op))); c != 0 {
				return c
			}
			if c := cmp.Compare(a.Op, b.Op); c != 0 {
				return c
			}
			return cmp.Compare(a.Errno, b.Errno)
		})
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b FileUse) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// state returns the state of thread tid of process pid, making one for a
// task whose creation was not seen.
func (ft *fileTracker) state(tid, pid int32) *taskState {
	if tid == ft.lastTid && ft.lastState != nil {
		return ft.lastState
	}
	st := ft.states[tid]
	if st == nil {
		if leader := ft.states[pid]; leader != nil {
			st = &taskState{fs: leader.fs, files: leader.files}
		} else {
			st = &taskState{fs: &fsState{}, files: &fdTable{}}
			if !ft.started && len(ft.header.Attached) == 0 {
				st.fs.cwd = ft.header.Cwd
				inheritFds(st.files, ft.header.Fds)
			} else if pi := ft.header.AttachedProc(int(pid)); pi != nil {
				st.fs.cwd = pi.Cwd // attached to: its cwd then
				inheritFds(st.files, pi.Fds)
			}
		}
		ft.states[tid] = st
	}
	ft.started = true
	ft.lastTid, ft.lastState = tid, st
	return st
}

// inheritFds enters the descriptors a process had before the recording
// saw it (format.Header.Fds, ProcInfo.Fds) under the names /proc gave
// them, for print -y: no call of the trace opened them, so the files
// view does not count their I/O as a file's (their path is /proc's
// word, not the program's).
func inheritFds(t *fdTable, fds map[int]string) {
	for fd, target := range fds {
		t.set(int32(fd), fdEntry{kind: fdAnon, info: &fdInfo{name: target}})
	}
}

func (ft *fileTracker) forget(tid int32) {
	delete(ft.states, tid)
	if ft.lastTid == tid {
		ft.lastState = nil
	}
}

// file returns the aggregate of path, making it.
func (ft *fileTracker) file(p string) *fileAgg {
	f := ft.files[p]
	if f == nil {
		f = &fileAgg{use: FileUse{Path: p}}
		ft.files[p] = f
	}
	return f
}

const (
	cloneFS    = 0x200
	cloneFiles = 0x400
)

// add takes the next event of the trace: Tasks first, then the tracker's
// own state by the event's kind (the eventVisitor methods below and
// syscall).
func (ft *fileTracker) add(ev format.Event) { ft.tasks.visit(ev, ft) }

// newTask gives a new task its parent's working directory and fd table,
// shared or copied as the clone flags say.
func (ft *fileTracker) newTask(v *format.NewTask) {
	parent := ft.states[v.ParentTid]
	if parent == nil {
		parent = ft.states[v.ParentPid]
	}
	if parent == nil {
		// Adopted without its parent's event: nothing known.
		ft.state(v.Tid, v.Pid)
		return
	}
	st := &taskState{fs: parent.fs, files: parent.files}
	if !v.Thread && v.Flags&cloneFiles == 0 {
		st.files = parent.files.clone()
	}
	if !v.Thread && v.Flags&cloneFS == 0 {
		st.fs = &fsState{cwd: parent.fs.cwd}
	}
	ft.forget(v.Tid)
	ft.states[v.Tid] = st
}

// exec moves the state of a non-leader thread that exec'd to the
// leader's id it takes, and marks its close-on-exec fds for dropping.
func (ft *fileTracker) exec(v *format.Exec) {
	h := &v.Head
	if v.FormerTid != 0 && v.FormerTid != h.Tid {
		if st := ft.states[v.FormerTid]; st != nil {
			ft.forget(h.Tid)
			ft.states[h.Tid] = st
			ft.forget(v.FormerTid)
		}
	}
	st := ft.state(h.Tid, h.Pid)
	// The exec's own call (recorded after this event) may name a
	// close-on-exec fd: drop them after it.
	st.execDrops = true
}

func (ft *fileTracker) exit(v *format.Exit) { ft.forget(v.Tid) }

// dropCloexec gives st its own copy of its fd table (exec unshares it)
// without the close-on-exec fds.
func (st *taskState) dropCloexec() {
	st.execDrops = false
	st.files = st.files.clone()
	st.files.each(0, ^uint32(0), func(e fdEntry) fdEntry {
		if e.cloexec {
			return fdEntry{}
		}
		return e
	})
}

func (ft *fileTracker) selected(sc *format.Syscall) bool {
	if ft.from != 0 && sc.Time < ft.from || ft.to != 0 && sc.Time > ft.to {
		return false
	}
	return ft.sel.Match(sc)
}

// Constants that are the same on x86_64 and i386.
const (
	atFdcwd      = -100
	atRemovedir  = 0x200
	oCreat       = 0x40
	oTrunc       = 0x200
	oAccmode     = 3
	oCloexec     = 0x80000
	fDupfd       = 0
	fSetfd       = 2
	fDupfdCloexc = 1030
	mapAnonymous = 0x20
	closeRangeUS = 2
	closeRangeCE = 4
	renameExch   = 2
)

func (ft *fileTracker) syscall(sc *format.Syscall) {
	if sc.Flags&(format.Unfinished|format.Restarted) != 0 {
		return
	}
	ft.named = named{}
	pl := ft.plan(sc.Arch, sc.Nr)
	st := ft.state(sc.Tid, sc.Pid)
	if st.execDrops && pl.special != spExec {
		st.dropCloexec()
	}
	if ft.names {
		ft.followSocket(sc, st, pl)
		ft.followPidfd(sc, st, pl)  // (fdnames.go)
		ft.followRights(sc, st, pl) // (fdnames.go)
	}
	if f, op := ft.unixSocket(sc, st); f != nil {
		ft.named = named{file: f, op: op}
		if !ft.quiet && ft.selected(sc) {
			f.count(op, ft.tasks.Process(sc.Pid), sc.Errno(), sc.Time)
		}
		return
	}
	if pl.special == spNone && len(pl.paths) == 0 && len(pl.fds) == 0 && !pl.retFd {
		return
	}
	errno := sc.Errno()
	ok := errno == 0
	count := !ft.quiet && ft.selected(sc)
	var proc *Process
	if count {
		proc = ft.tasks.Process(sc.Pid)
	}
	use := func(f *fileAgg, ops Op) {
		if count && f != nil && ops != 0 {
			f.count(ops, proc, errno, sc.Time)
		}
	}
	a := &sc.Args
	fdArg := func(i int8) fdEntry { return st.files.get(int32(a[i])) }

	// Files named by path.
	var first *fileAgg // the file of the first path argument
	for i, pa := range pl.paths {
		ops := pa.op
		switch pl.special {
		case spOpen, spOpenat2:
			ops |= openOps(pl.openFlags(sc))
		case spUnlinkat:
			if a[2]&atRemovedir != 0 {
				ops = OpRmdir
			}
		case spRename:
			if a[4]&renameExch != 0 {
				ops = OpRenameFrom | OpRenameTo
			}
		}
		if ops == 0 {
			continue
		}
		f := ft.pathFile(sc, st, pa)
		if i == 0 {
			first = f
			ft.named = named{file: f, op: ops}
		}
		use(f, ops)
	}
	// Files named by fd.
	for _, fa := range pl.fds {
		if pl.special == spMmap && a[3]&mapAnonymous != 0 {
			continue
		}
		if e := fdArg(fa.arg); e.kind == fdFile {
			ft.named.fd(e.file, fa.op)
			use(e.file, fa.op)
		}
	}
	if pl.special == spExec && ok {
		st.dropCloexec()
	}
	if !ok {
		return
	}
	// State changes of successful calls.
	ret := int32(sc.Ret)
	switch pl.special {
	case spChdir:
		if first != nil {
			st.fs.cwd = first.use.Path
		} else {
			st.fs.cwd = ""
		}
	case spFchdir:
		if e := fdArg(0); e.kind == fdFile {
			st.fs.cwd = e.file.use.Path
		} else {
			st.fs.cwd = ""
		}
	case spClose:
		st.files.set(int32(a[0]), fdEntry{})
	case spCloseRange:
		if a[2]&closeRangeUS != 0 {
			st.files = st.files.clone()
		}
		cloexec := a[2]&closeRangeCE != 0
		st.files.each(uint32(a[0]), uint32(a[1]), func(e fdEntry) fdEntry {
			if cloexec {
				e.cloexec = true
				return e
			}
			return fdEntry{}
		})
	case spDup:
		e := fdArg(0)
		e.cloexec = false
		st.files.set(ret, e)
	case spDup2, spDup3:
		if a[0] != a[1] {
			e := fdArg(0)
			e.cloexec = pl.special == spDup3 && a[2]&oCloexec != 0
			st.files.set(ret, e)
		}
	case spFcntl:
		switch a[1] {
		case fDupfd, fDupfdCloexc:
			e := fdArg(0)
			e.cloexec = a[1] == fDupfdCloexc
			st.files.set(ret, e)
		case fSetfd:
			if e := fdArg(0); e.kind != 0 {
				e.cloexec = a[2]&1 != 0
				st.files.set(int32(a[0]), e)
			}
		}
	case spPipe, spSocketpair:
		arg, kind, flags := 0, fdPipe, uint64(0)
		if pl.special == spSocketpair {
			arg, kind, flags = 3, fdSocket, a[1]
		} else if len(pl.spec.Args) > 1 {
			flags = a[1]
		}
		if r := sc.Region(arg, syscalls.Out); r != nil && len(r.Data) >= 8 {
			e := fdEntry{kind: kind, cloexec: flags&oCloexec != 0}
			if ft.names && kind == fdSocket {
				e.info = ft.newInfo(sc, st, pl)
			}
			st.files.set(int32(le32(r.Data)), e)
			st.files.set(int32(le32(r.Data[4:])), e)
		}
	}
	if pl.retFd {
		switch {
		case pl.special == spOpen || pl.special == spOpenat2 || pl.special == spCreat:
			if first != nil {
				st.files.set(ret, fdEntry{kind: fdFile, file: first, cloexec: pl.openFlags(sc)&oCloexec != 0})
			} else {
				st.files.set(ret, fdEntry{})
			}
		case pl.nonfile != 0:
			e := fdEntry{kind: pl.nonfile, cloexec: pl.cloexecArg >= 0 && a[pl.cloexecArg]&oCloexec != 0}
			if ft.names {
				e.info = ft.newInfo(sc, st, pl)
			}
			st.files.set(ret, e)
		case pl.special == spNone && first != nil:
			st.files.set(ret, fdEntry{kind: fdFile, file: first})
		case pl.special == spNone || pl.special == spSkip:
			// Something this view does not follow (pidfd_getfd...).
			st.files.set(ret, fdEntry{})
		}
	}
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// openOps returns the operations open flags add to OpOpen.
func openOps(flags uint64) Op {
	var ops Op
	if flags&oCreat != 0 {
		ops |= OpCreate
	}
	if flags&oTrunc != 0 && flags&oAccmode != 0 {
		ops |= OpTruncate
	}
	return ops
}

// openFlags returns the open flags of an open call.
func (pl *callPlan) openFlags(sc *format.Syscall) uint64 {
	switch pl.special {
	case spOpenat2:
		if r := sc.Region(int(pl.flagsArg), syscalls.In); r != nil && len(r.Data) >= 8 {
			return uint64(le32(r.Data)) | uint64(le32(r.Data[4:]))<<32
		}
		return 0
	case spCreat:
		return oCreat | oTrunc | 1
	}
	if pl.flagsArg >= 0 {
		return sc.Args[pl.flagsArg]
	}
	return 0
}

// pathFile resolves the path argument pa of sc; nil if it was not
// captured or names nothing known.
// unixSocket returns the file of the Unix socket path a connect, bind,
// sendto or sendmsg names in its address (none for abstract addresses).
func (ft *fileTracker) unixSocket(sc *format.Syscall, st *taskState) (*fileAgg, Op) {
	arg, op := -1, OpConnect
	switch syscalls.Name(sc.Arch, int(sc.Nr)) {
	case "connect":
		arg = 1
	case "bind":
		arg, op = 1, OpBind
	case "sendto":
		arg = 4
	default:
		return nil, 0
	}
	r := sc.Region(arg, syscalls.In)
	const afUnix = 1
	if r == nil || len(r.Data) < 3 || r.Data[0] != afUnix || r.Data[1] != 0 || r.Data[2] == 0 {
		return nil, 0
	}
	p := r.Data[2:]
	if i := bytes.IndexByte(p, 0); i >= 0 {
		p = p[:i]
	}
	path := string(p)
	if !strings.HasPrefix(path, "/") {
		if st.fs.cwd == "" {
			return ft.file(path), op
		}
		path = st.fs.cwd + "/" + path
	}
	return ft.file(filepath.Clean(path)), op
}

func (ft *fileTracker) pathFile(sc *format.Syscall, st *taskState, pa pathArg) *fileAgg {
	r := sc.Region(int(pa.arg), syscalls.In)
	if r == nil {
		return nil
	}
	data := r.Data
	cut := false
	if i := bytes.IndexByte(data, 0); i >= 0 {
		data = data[:i]
	} else if r.Truncated() || r.Flags&format.Fault != 0 {
		cut = true
	}
	// The directory the path is relative to.
	base, baseKnown := st.fs.cwd, st.fs.cwd != ""
	var baseFile *fileAgg
	if pa.dirfd >= 0 {
		if fd := int32(sc.Args[pa.dirfd]); fd != atFdcwd {
			e := st.files.get(fd)
			baseKnown = e.kind == fdFile
			base = ""
			if baseKnown {
				baseFile = e.file
				base = e.file.use.Path
			}
		}
	}
	if len(data) == 0 && cut {
		return nil
	}
	if len(data) == 0 {
		// AT_EMPTY_PATH: the dirfd's file itself.
		if baseFile != nil {
			return baseFile
		}
		if pa.dirfd >= 0 && int32(sc.Args[pa.dirfd]) == atFdcwd && baseKnown {
			return ft.file(base)
		}
		return nil
	}
	if data[0] == '/' || !baseKnown {
		p := cleanPath(string(data))
		if cut {
			p += "..."
		}
		return ft.file(p)
	}
	p := cleanPath(base + "/" + string(data))
	if cut {
		p += "..."
	}
	return ft.file(p)
}

// cleanPath is path.Clean without its allocation for a path that is clean
// already (the common case).
func cleanPath(p string) string {
	if isClean(p) {
		return p
	}
	return path.Clean(p)
}

func isClean(p string) bool {
	if p == "" || (len(p) > 1 && p[len(p)-1] == '/') {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '/' && p[i] != '.' {
			continue
		}
		if p[i] == '/' {
			if i+1 < len(p) && p[i+1] == '/' {
				return false
			}
			continue
		}
		// a '.' starting a component: "." or ".."
		if i == 0 || p[i-1] == '/' {
			j := i + 1
			if j < len(p) && p[j] == '.' {
				j++
			}
			if j == len(p) || p[j] == '/' {
				return false
			}
		}
	}
	return true
}

// special says how a call changes the fd table or the working directory,
// or reads its flags.
type special uint8

const (
	spNone    special = iota
	spOpen            // open, openat, open_tree...: flags in an argument
	spOpenat2         // flags in struct open_how
	spCreat
	spExec
	spChdir
	spFchdir
	spClose
	spCloseRange
	spDup
	spDup2
	spDup3
	spFcntl
	spPipe
	spSocketpair
	spUnlinkat
	spRename // renameat2: RENAME_EXCHANGE
	spMmap
	spSkip // nothing to do (a call whose path is not a file: mq_open...)
)

// callInfo is what the file view knows of a syscall by name: the
// operation on its first and second path arguments and on its first and
// second fd arguments (0: not a use of a file), and its special handling.
type callInfo struct {
	path1, path2, fd1, fd2 Op
	special                special
	nonfile                fdKind // the kind of the fd it returns, when not a file
}

var callInfos = map[string]callInfo{}

func init() {
	set := func(names string, ci callInfo) {
		for _, n := range strings.Fields(names) {
			callInfos[n] = ci
		}
	}
	set("read pread64 readv preadv preadv2 recvfrom recvmsg recvmmsg readdir", callInfo{fd1: OpRead})
	set("write pwrite64 writev pwritev pwritev2 sendto sendmsg sendmmsg fallocate vmsplice", callInfo{fd1: OpWrite})
	set("sendfile sendfile64", callInfo{fd1: OpWrite, fd2: OpRead})
	set("splice tee copy_file_range", callInfo{fd1: OpRead, fd2: OpWrite})
	set("stat lstat fstat newfstatat fstatat64 stat64 lstat64 fstat64 oldstat oldlstat oldfstat statx statfs fstatfs statfs64 fstatfs64 file_getattr",
		callInfo{path1: OpStat, fd1: OpStat})
	set("access faccessat faccessat2", callInfo{path1: OpAccess})
	set("readlink readlinkat", callInfo{path1: OpReadlink})
	set("getdents getdents64", callInfo{fd1: OpList})
	set("open openat open_tree open_tree_attr fspick", callInfo{path1: OpOpen, special: spOpen})
	set("openat2", callInfo{path1: OpOpen, special: spOpenat2})
	set("creat", callInfo{path1: OpOpen | OpCreate | OpTruncate, special: spCreat})
	set("execve execveat", callInfo{path1: OpExec, special: spExec})
	set("uselib", callInfo{path1: OpMmap})
	set("mmap mmap2", callInfo{fd1: OpMmap, special: spMmap})
	set("unlink", callInfo{path1: OpDelete})
	set("unlinkat", callInfo{path1: OpDelete, special: spUnlinkat})
	set("rmdir", callInfo{path1: OpRmdir})
	set("mkdir mkdirat", callInfo{path1: OpMkdir})
	set("mknod mknodat", callInfo{path1: OpMknod})
	set("rename renameat", callInfo{path1: OpRenameFrom, path2: OpRenameTo})
	set("renameat2", callInfo{path1: OpRenameFrom, path2: OpRenameTo, special: spRename})
	set("link linkat", callInfo{path1: OpLinkFrom, path2: OpLinkTo})
	// A symlink's target is the link's content, not a file it touches.
	set("symlink symlinkat", callInfo{path2: OpSymlink})
	set("chdir", callInfo{path1: OpChdir, special: spChdir})
	set("fchdir", callInfo{fd1: OpChdir, special: spFchdir})
	set("chroot", callInfo{path1: OpChroot})
	set("chmod fchmod fchmodat fchmodat2", callInfo{path1: OpChmod, fd1: OpChmod})
	set("chown fchown lchown fchownat chown32 fchown32 lchown32", callInfo{path1: OpChown, fd1: OpChown})
	set("utimensat futimesat utimensat_time64 utime utimes", callInfo{path1: OpUtime})
	set("truncate ftruncate truncate64 ftruncate64", callInfo{path1: OpTruncate, fd1: OpTruncate})
	set("setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr removexattr lremovexattr fremovexattr",
		callInfo{path1: OpXattr, fd1: OpXattr})
	// The *xattrat calls: the file is their one path (the attribute name is a string).
	set("setxattrat getxattrat listxattrat removexattrat", callInfo{path1: OpXattr})
	set("lseek _llseek", callInfo{fd1: OpSeek})
	set("fsync fdatasync syncfs sync_file_range", callInfo{fd1: OpSync})
	set("flock", callInfo{fd1: OpLock})
	set("ioctl", callInfo{fd1: OpIoctl})
	set("close", callInfo{special: spClose})
	set("close_range", callInfo{special: spCloseRange})
	set("dup", callInfo{special: spDup})
	set("dup2", callInfo{special: spDup2})
	set("dup3", callInfo{special: spDup3})
	set("fcntl fcntl64", callInfo{special: spFcntl})
	set("pipe pipe2", callInfo{special: spPipe})
	set("socketpair", callInfo{special: spSocketpair})
	set("socket accept accept4", callInfo{nonfile: fdSocket})
	set("mq_open memfd_create memfd_secret", callInfo{special: spSkip, nonfile: fdAnon})
	// fds of sockets, epoll, timers...: the files they name are not used.
	set("connect bind listen shutdown getsockname getpeername setsockopt getsockopt epoll_wait epoll_pwait epoll_pwait2 "+
		"epoll_ctl timerfd_settime timerfd_gettime timerfd_settime64 timerfd_gettime64 signalfd signalfd4 "+
		"mq_timedsend mq_timedreceive mq_notify mq_getsetattr mq_timedsend_time64 mq_timedreceive_time64 mq_unlink "+
		"pidfd_send_signal pidfd_getfd process_madvise process_mrelease io_uring_enter io_uring_register "+
		"setns finit_module kexec_file_load fsconfig inotify_rm_watch move_mount quotactl_fd",
		callInfo{special: spSkip})
}

type pathArg struct {
	arg, dirfd int8 // dirfd -1: relative to the cwd
	op         Op
}

type fdUse struct {
	arg int8
	op  Op
}

// callPlan is how the file view handles one syscall of one architecture,
// derived once from the catalogue's spec and callInfos.
type callPlan struct {
	spec       *syscalls.Spec
	special    special
	paths      []pathArg
	fds        []fdUse
	retFd      bool   // a successful call returns a new fd
	nonfile    fdKind // what that fd is, when not a file
	flagsArg   int8   // the open flags (or open_how) argument; -1: none
	cloexecArg int8   // the argument whose O_CLOEXEC bit makes a non-file fd close-on-exec; -1: none
}

var noPlan = &callPlan{flagsArg: -1, cloexecArg: -1}

// plan returns the plan of syscall nr of a, made on first use.
func (ft *fileTracker) plan(a syscalls.Arch, nr int32) *callPlan {
	ps := ft.plans[a]
	if nr < 0 || nr >= 1<<16 {
		return noPlan
	}
	if int(nr) >= len(ps) {
		ps = append(ps, make([]*callPlan, int(nr)+1-len(ps))...)
		ft.plans[a] = ps
	}
	if pl := ps[nr]; pl != nil {
		return pl
	}
	pl := makePlan(syscalls.Lookup(a, int(nr)))
	ps[nr] = pl
	return pl
}

func makePlan(spec *syscalls.Spec) *callPlan {
	if spec == nil {
		return noPlan
	}
	ci, known := callInfos[spec.Name]
	if ci.special == spSkip {
		pl := *noPlan
		pl.spec, pl.retFd, pl.nonfile = spec, spec.Ret == syscalls.KindFd, ci.nonfile
		return &pl
	}
	if !known {
		// A call the table does not name: any use of a path or fd.
		ci.path1, ci.path2, ci.fd1, ci.fd2 = OpOther, OpOther, OpOther, OpOther
	}
	pl := &callPlan{spec: spec, special: ci.special, nonfile: ci.nonfile, flagsArg: -1, cloexecArg: -1,
		retFd: spec.Ret == syscalls.KindFd}
	for i, g := range spec.Args {
		switch g.Kind {
		case syscalls.KindPath:
			op := ci.path1
			if len(pl.paths) > 0 {
				op = ci.path2
			}
			pl.paths = append(pl.paths, pathArg{arg: int8(i), dirfd: int8(spec.PathDirfd(i)), op: op})
		case syscalls.KindFd:
			op := ci.fd1
			if len(pl.fds) > 0 {
				op = ci.fd2
			}
			pl.fds = append(pl.fds, fdUse{arg: int8(i), op: op})
		case syscalls.KindFlags:
			if g.Flags == "open" && pl.flagsArg < 0 {
				pl.flagsArg = int8(i)
			}
			if (g.Flags == "open" || g.Flags == "socket_type" || g.Flags == "eventfd" ||
				g.Flags == "epoll_create" || g.Flags == "inotify_init") && pl.cloexecArg < 0 {
				pl.cloexecArg = int8(i)
			}
		case syscalls.KindStruct:
			if pl.special == spOpenat2 && pl.flagsArg < 0 {
				pl.flagsArg = int8(i)
			}
		}
	}
	// Drop the arguments that are no use of a file.
	pl.paths = slices.DeleteFunc(pl.paths, func(p pathArg) bool { return p.op == 0 })
	pl.fds = slices.DeleteFunc(pl.fds, func(f fdUse) bool { return f.op == 0 })
	if pl.retFd && pl.nonfile == 0 && len(pl.paths) == 0 && pl.special == spNone {
		pl.nonfile = fdAnon
	}
	return pl
}
