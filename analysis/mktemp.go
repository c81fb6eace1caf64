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

// Files created exclusively in a temporary directory: mkstemp's,
// mkostemp's, mkstemps' files (open with O_CREAT|O_EXCL) and mkdtemp's
// directories (mkdir), whose names end in random characters that the C
// library draws from the clock as well as from getrandom, so they differ
// from run to run even with seeded random bytes (gcc's /tmp/ccR5FLgO.s,
// node's fs.mkdtemp). Each such name directly in /tmp, /var/tmp, /dev/shm
// or the recording's $TMPDIR has its random characters (the last run of
// at least six letters and digits of its last component: the template's
// XXXXXX, with the letters of the template just before them, before a
// suffix such as ".s") replaced by "<mktempN>" wherever the name appears
// in the trace, in any process (the compiler's argv, the assembler's
// open): gcc's /tmp/ccR5FLgO.s is "/tmp/<mktemp1>.s", mktemp(1)'s
// /tmp/tmp.R5FLgOa1b2 "/tmp/tmp.<mktemp2>". N counts the names in the
// order of the processes' numbers (the process tree, procorder.go), then
// of each process's creations: not in the order of the trace, where
// parallel jobs race.
//
// Safe because a name created exclusively in a directory every program
// shares is, by convention, random: the program does not control it, only
// its template. What stays compared: the directory, the name's prefix (up
// to its last character that is not a letter or digit) and suffix, that
// the file is created (and with which flags and mode), every call on it,
// the bytes written to it and read from it, and where its name is passed.
// A program that creates a fixed name exclusively directly in /tmp and
// changes its last run of letters and digits between two runs would not
// differ; one that creates it anywhere else (its working directory, a
// subdirectory) does.
//
// A name is taken as random only with a sign of it: the creation comes
// right after glibc's tempname drew its characters (a CLOCK_MONOTONIC
// read, perhaps getrandom calls, on the same thread: see below), or its
// random characters hold a digit or an upper-case letter. So a fixed name
// such as mkdir("/tmp/results") stays compared. What remains: a fixed
// name with a digit or capital ("/tmp/Results2") is masked; a random name
// of lower-case letters only made without a recorded draw (another C
// library, or a recording whose vDSO is not trapped, so that glibc's
// clock read is no system call) stays unmasked and differs: for six
// characters of [A-Za-z0-9], (26/62)^6, about one name in 200 (0.5 %).
// glibc's mkstemp, mkstemps, mkostemp and mkdtemp always read the clock
// just before their first try (getrandom only when its value is refused),
// so with the vDSO trapped (systr-record's default) that case does not
// happen for them.

// With the name go the getrandom calls glibc's tempname makes for it:
// it draws the name's bits from the clock (a clock_gettime of
// CLOCK_MONOTONIC, kept) and, when that value falls in the range its
// rejection sampling refuses (about one name in twenty), from
// getrandom(8 bytes, GRND_NONBLOCK), then creates the file: such calls
// between a CLOCK_MONOTONIC read and the exclusive creation of a
// temporary name, on the same thread, are dropped. Safe: their bytes
// are masked anyway; a program's own getrandom of 8 bytes made exactly
// there would go unseen, nothing else.

// tempnameDraw follows a thread's calls for the draws of glibc's
// tempname (see above): given the seqs of the getrandom calls made since
// its last CLOCK_MONOTONIC read (nil: its last call was none of these),
// it returns them after call sc.
func tempnameDraw(sc *format.Syscall, draws []uint64) []uint64 {
	spec := syscalls.Lookup(sc.Arch, int(sc.Nr))
	if spec == nil {
		return nil
	}
	switch spec.Name {
	case "clock_gettime", "clock_gettime64":
		if sc.Args[0] == 1 { // CLOCK_MONOTONIC
			return []uint64{}
		}
	case "getrandom":
		const grndNonblock = 1
		if draws != nil && sc.Args[1] == 8 && sc.Args[2] == grndNonblock {
			return append(draws, sc.Seq)
		}
	}
	return nil
}

// mktemp is a file created exclusively in a temporary directory: by
// process pid, its n-th such creation.
type mktemp struct {
	pid  int32
	n    int
	path string
	drew bool // just after the draw of glibc's tempname (tempnameDraw)
	// from is the path up to the end of its random characters, to its
	// replacement.
	from, to string
}

// defaultTempDirs are the directories whose exclusively created files are
// temporary, besides the recording's $TMPDIR.
var defaultTempDirs = []string{"/tmp", "/var/tmp", "/dev/shm"}

// tempDirs returns the temporary directories of a recording whose
// environment is env.
func tempDirs(env []string) []string {
	dirs := slices.Clone(defaultTempDirs)
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "TMPDIR="); ok && strings.HasPrefix(v, "/") {
			if d := path.Clean(v); !slices.Contains(dirs, d) {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}

// randomRun returns the start and end of the random characters of the
// last component of p (see above), or -1, -1 if it has none.
func randomRun(p string) (int, int) {
	start, end := -1, -1
	run := 0
	for i := strings.LastIndexByte(p, '/') + 1; i < len(p); i++ {
		c := p[i]
		if isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			run++
			if run >= 6 {
				start, end = i+1-run, i+1
			}
			continue
		}
		run = 0
	}
	return start, end
}

// mixedCase says whether run holds a digit or an upper-case letter.
func mixedCase(run string) bool {
	return strings.ContainsFunc(run, func(c rune) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' })
}

// numberMktemps numbers the files found (in the order of the trace) by
// their processes' numbers index, then each process's order, and sets
// their replacements; a name created twice keeps its first number.
func numberMktemps(found []mktemp, index map[int32]int) []mktemp {
	slices.SortStableFunc(found, func(a, b mktemp) int {
		if ia, ib := index[a.pid], index[b.pid]; ia != ib {
			return ia - ib
		}
		return a.n - b.n
	})
	var out []mktemp
	seen := map[string]bool{}
	for _, m := range found {
		start, end := randomRun(m.path)
		if end < 0 || !m.drew && !mixedCase(m.path[start:end]) {
			continue // no sign of randomness: a fixed name ("/tmp/results")
		}
		m.from = m.path[:end]
		if seen[m.from] {
			continue
		}
		seen[m.from] = true
		m.to = m.path[:start] + "<mktemp" + strconv.Itoa(len(out)+1) + ">"
		out = append(out, m)
	}
	return out
}

// mktempBytes replaces the names of nz.scan.mktemps in b; it returns b
// (a new slice if it changed) and whether it did. Each occurrence of one
// of their directories costs a lookup (nz.scan.mktempNames) per run of
// letters and digits of the component after it: not one search per name.
func (nz *normalizer) mktempBytes(b []byte) ([]byte, bool) {
	if nz.scan == nil || len(nz.scan.mktemps) == 0 || !nz.hasTempDir(b) {
		return b, false
	}
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		if b[i] != '/' {
			i++
			continue
		}
		end, to := nz.mktempAt(b, i)
		if end < 0 {
			i++
			continue
		}
		out = append(out, b[last:i]...)
		out = append(out, to...)
		last, i = end, end
	}
	if out == nil {
		return b, false
	}
	return append(out, b[last:]...), true
}

// mktempAt returns the end of the longest name of nz.scan.mktemps (its
// part up to its random characters, mktemp.from) that starts at b[i:],
// and its replacement; -1 if none does.
func (nz *normalizer) mktempAt(b []byte, i int) (int, string) {
	best, to := -1, ""
	for _, d := range nz.scan.mktempDirs {
		if !bytes.HasPrefix(b[i:], d) {
			continue
		}
		// The ends of the runs of letters and digits of the component.
		for k := i + len(d); k < len(b) && k-i < nz.scan.mktempLen; k++ {
			c := b[k]
			if c == '/' || c == 0 {
				break
			}
			if !isAlnum(c) || k+1 < len(b) && isAlnum(b[k+1]) {
				continue
			}
			if t, ok := nz.scan.mktempNames[string(b[i:k+1])]; ok {
				best, to = k+1, t
			}
		}
	}
	return best, to
}

func isAlnum(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// mktempString is mktempBytes for a string.
func (nz *normalizer) mktempString(s string) string {
	if nz.scan == nil || len(nz.scan.mktemps) == 0 || !strings.Contains(s, "/") {
		return s
	}
	if b, ok := nz.mktempBytes([]byte(s)); ok {
		return string(b)
	}
	return s
}

// hasTempDir says whether b holds "DIR/" for one of the directories of
// the trace's mktemps (the cheap test before looking for each name).
func (nz *normalizer) hasTempDir(b []byte) bool {
	for _, d := range nz.scan.mktempDirs {
		if bytes.Contains(b, d) {
			return true
		}
	}
	return false
}
