//go:build linux

package record

// Seeded randomness (Options.SeededRandom): the program's random inputs
// come from a deterministic generator instead of the kernel, so that a
// program whose behaviour follows them - Python's string hashes and so the
// order of its sets and dicts, Go's map order and unseeded math/rand,
// temporary names - does the same in every recording. Golden tests want
// that; a replay does not care (it gives the program the recorded bytes
// either way).
//
// Covered: the bytes getrandom returns and those read (read, pread64)
// from /dev/urandom or /dev/random (overwritten at the call's exit,
// before the recorder reads them: the trace holds what the program got),
// and the 16 bytes at auxv AT_RANDOM of every new image (set at the exec
// stop with tracer.ExecEvent.SetRandom, recorded in format.Exec.Random).
// A descriptor is a candidate when it was opened with one of those paths
// (or duplicated from one, or inherited by a child); a read on a
// candidate is overwritten only if the descriptor is still the random
// device (its device number, through /proc/TID/fd/N).
// Not covered: readv and other reads of the devices, descriptors opened
// through other paths, calls the recording
// does not trace (Options.Trace), the vDSO's getrandom when the vDSO is
// not patched (without tracer.Options.TrapVDSO; patched, it refuses its
// state query and callers make the system call), and rdrand/rdseed
// (hidden from programs that test cpuid with tracer.Options.TrapCPUID).
// Go's map order and unseeded math/rand come from per-thread generators
// that the runtime seeds from AT_RANDOM in the order its threads start,
// and follow whichever thread runs the goroutine: seeded, they repeat only
// where the runtime's threads do.
//
// The bytes depend on the seed and on where they are asked for, not on
// ids or timing: the process's place in the process tree (the root
// processes in order of appearance, then the n-th child each process
// created), the thread's creation rank in its process, and the count of
// earlier calls of the thread (of execs of the process, for AT_RANDOM).
// Two recordings of a program that creates its processes and threads in
// the same order therefore give every call the same bytes. So two seeded
// recordings running at once make the same random temporary names: in a
// shared directory (/tmp) one of them finds the other's file (EEXIST) and
// tries another name; give each its own TMPDIR.

import (
	"crypto/sha256"
	"encoding/binary"
	"maps"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

// RandomKey is the header's Extra key that says the random inputs were
// seeded (Options.SeededRandom): "seeded SEED".
const RandomKey = "random"

// seeder hands out the deterministic bytes of Options.SeededRandom. It
// runs on the tracer's thread only.
type seeder struct {
	seed    uint64
	roots   int
	procs   map[int32]*seedProc
	threads map[int32]*seedThread
}

type seedProc struct {
	key                     string
	children, threads, exec int
	// random: candidate descriptors of /dev/urandom and /dev/random.
	random map[int32]bool
}

type seedThread struct {
	key          string
	calls, reads int
}

func newSeeder(seed uint64) *seeder {
	return &seeder{seed: seed, procs: map[int32]*seedProc{}, threads: map[int32]*seedThread{}}
}

// proc returns the process pid, a new root if unseen.
func (s *seeder) proc(pid int32) *seedProc {
	p := s.procs[pid]
	if p == nil {
		s.roots++
		p = &seedProc{key: "r" + strconv.Itoa(s.roots)}
		s.procs[pid] = p
	}
	return p
}

// thread returns the thread tid of process pid, its leader if unseen.
func (s *seeder) thread(pid, tid int32) *seedThread {
	t := s.threads[tid]
	if t == nil {
		p := s.proc(pid)
		t = &seedThread{key: p.key + ".t" + strconv.Itoa(p.threads)}
		p.threads++
		s.threads[tid] = t
	}
	return t
}

// newTask names a new process or thread by its creator.
func (s *seeder) newTask(n tracer.NewTask) {
	pid, tid := int32(n.Pid), int32(n.Tid)
	if n.Thread {
		s.thread(pid, tid)
		return
	}
	parent := s.proc(int32(n.ParentPid))
	p := &seedProc{key: parent.key + "." + strconv.Itoa(parent.children), random: maps.Clone(parent.random)}
	parent.children++
	s.procs[pid] = p
	delete(s.threads, tid) // a tid handed out again
	s.thread(pid, tid)
}

// bytes returns n bytes for the given key and use.
func (s *seeder) bytes(key, use string, count, n int) []byte {
	out := make([]byte, 0, n+sha256.Size)
	var hdr [16]byte
	binary.LittleEndian.PutUint64(hdr[:8], s.seed)
	binary.LittleEndian.PutUint64(hdr[8:], uint64(count))
	for block := uint32(0); len(out) < n; block++ {
		h := sha256.New()
		h.Write(hdr[:])
		h.Write([]byte(key + "\x00" + use + "\x00"))
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], block)
		h.Write(b[:])
		out = h.Sum(out)
	}
	return out[:n]
}

// exec gives a new image its AT_RANDOM bytes; e.Random becomes them when
// they were written.
func (s *seeder) exec(e *tracer.ExecEvent) {
	if e.FormerTid != e.Tid {
		// A non-leader thread exec'd: it goes on as the leader.
		if t := s.threads[int32(e.FormerTid)]; t != nil {
			s.threads[int32(e.Tid)] = t
			delete(s.threads, int32(e.FormerTid))
		}
	}
	p := s.proc(int32(e.Pid))
	b := s.bytes(p.key, "AT_RANDOM", p.exec, 16)
	p.exec++
	if e.SetRandom(b) == nil {
		e.Random = b
	}
}

// exit overwrites what a successful getrandom or read of a random device
// returned, before the recorder reads it, and follows the candidate
// descriptors of the random devices.
func (s *seeder) exit(c *tracer.Call, sc *format.Syscall, spec *syscalls.Spec) {
	if sc.Ret < 0 {
		return
	}
	p := s.proc(sc.Pid)
	fd := int32(sc.Args[0])
	switch spec.Name {
	case "getrandom":
		if sc.Ret > 0 {
			t := s.thread(sc.Pid, sc.Tid)
			// If the write fails the program keeps the kernel's bytes,
			// and the trace, read after, says so.
			_ = c.WriteMem(sc.Args[0], s.bytes(t.key, "getrandom", t.calls, int(sc.Ret)))
			t.calls++
		}
	case "read", "pread64":
		if sc.Ret > 0 && p.random[fd] && isRandomDevice(sc.Tid, fd) {
			t := s.thread(sc.Pid, sc.Tid)
			_ = c.WriteMem(sc.Args[1], s.bytes(t.key, "read", t.reads, int(sc.Ret)))
			t.reads++
		}
	case "open", "openat", "openat2":
		_, i := spec.Arg("filename")
		if reg := sc.Region(i, syscalls.In); i >= 0 && reg != nil {
			switch strings.TrimSuffix(string(reg.Data), "\x00") {
			case "/dev/urandom", "/dev/random":
				if p.random == nil {
					p.random = map[int32]bool{}
				}
				p.random[int32(sc.Ret)] = true
			default:
				delete(p.random, int32(sc.Ret))
			}
		}
	case "dup", "dup2", "dup3", "fcntl":
		if p.random[fd] && (spec.Name != "fcntl" || sc.Args[1]&0xffffffff == unix.F_DUPFD || sc.Args[1]&0xffffffff == unix.F_DUPFD_CLOEXEC) {
			p.random[int32(sc.Ret)] = true
		}
	case "close":
		delete(p.random, fd)
	}
}

// isRandomDevice says whether descriptor fd of thread tid is
// /dev/urandom or /dev/random (character device 1:9 or 1:8).
func isRandomDevice(tid, fd int32) bool {
	var st unix.Stat_t
	if unix.Stat("/proc/"+strconv.Itoa(int(tid))+"/fd/"+strconv.Itoa(int(fd)), &st) != nil {
		return false
	}
	return st.Mode&unix.S_IFMT == unix.S_IFCHR && unix.Major(st.Rdev) == 1 && (unix.Minor(st.Rdev) == 8 || unix.Minor(st.Rdev) == 9)
}
