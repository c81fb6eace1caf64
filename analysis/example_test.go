package analysis_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// exampleTrace opens a committed sample trace, testdata/NAME.sctr.
func exampleTrace(name string) *format.Reader {
	r, err := format.Open("testdata/" + name + ".sctr")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	return r
}

// The strace -c table of the writes a recording made: calls, errors and
// the time spent in them, as recorded.
func ExampleSummary() {
	r := exampleTrace("fd_io")
	defer r.Close()
	filter, err := syscalls.ParseFilter("write")
	if err != nil {
		fmt.Println(err)
		return
	}
	o := &analysis.SummaryOptions{Selection: analysis.Selection{Trace: filter}, Sort: "calls"}
	if err := analysis.Summary(os.Stdout, r, o); err != nil {
		fmt.Println(err)
	}
	// Output:
	// % time     seconds  usecs/call   usecs/max     calls    errors syscall
	// ------ ----------- ----------- ----------- --------- --------- ----------------
	// 100.00    0.000606          31          70        19           write
	// ------ ----------- ----------- ----------- --------- --------- ----------------
	// 100.00    0.000606          31          70        19           total
	//
	// recording: 0.012186 s, 80 events, 1 process, 1 thread
}

// A recording printed as strace -f prints it, here only the calls that
// touched one path (strace -P), with the signals and exits it keeps.
func ExamplePrint() {
	r := exampleTrace("pipeline")
	defer r.Close()
	o := &analysis.PrintOptions{Selection: analysis.Selection{Paths: []string{"/tmp/systr-sample-missing"}}}
	if err := analysis.Print(os.Stdout, r, o); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 2047  +++ exited with 0 +++
	// 2046  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2047, si_uid=0, ...} ---
	// 2048  +++ exited with 0 +++
	// 2049  +++ exited with 0 +++
	// 2046  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2048, si_uid=0, ...} ---
	// 2050  newfstatat(AT_FDCWD, "/tmp/systr-sample-missing", 0x55724f047610, AT_SYMLINK_NOFOLLOW) = -1 ENOENT (No such file or directory)
	// 2050  unlinkat(AT_FDCWD, "/tmp/systr-sample-missing", 0) = -1 ENOENT (No such file or directory)
	// 2050  +++ exited with 0 +++
	// 2046  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2050, si_uid=0, ...} ---
	// 2046  +++ exited with 0 +++
}

// Two recordings compared after normalization (addresses, descriptors,
// times and pids made comparable): a recording is the same as itself, and
// a different program's differs, with a report of where.
func ExampleDiff() {
	a, b := exampleTrace("fd_io"), exampleTrace("fd_io")
	defer a.Close()
	defer b.Close()
	same, err := analysis.Diff(os.Stdout, a, b, nil)
	fmt.Println("same:", same, err)

	c, d := exampleTrace("forks"), exampleTrace("signals")
	defer c.Close()
	defer d.Close()
	var report strings.Builder
	same, err = analysis.Diff(&report, c, d, &analysis.DiffOptions{Context: 1})
	fmt.Println("same:", same, err)
	first, _, _ := strings.Cut(report.String(), "\n")
	fmt.Println(first)
	// Output:
	// same: true <nil>
	// same: false <nil>
	// want and got differ in p1 (forks-373caa8afa25c3182e98), p1/calls (forks-373caa8afa25c3182e98), p1/stdio (forks-373caa8afa25c3182e98), p1/fd1 (forks-373caa8afa25c3182e98), p1/fd2 (forks-373caa8afa25c3182e98), p1/fd3 (forks-373caa8afa25c3182e98), p1/fd4 (forks-373caa8afa25c3182e98), p1/fd5 (forks-373caa8afa25c3182e98) and 13 more
}

// Each syscall with the file it names, resolved as the files view
// resolves it (here through the descriptor the calls act on), the
// descriptor and the bytes it moved: the reads and writes of one
// recording's temporary file.
func ExampleCalls() {
	r := exampleTrace("fd_io")
	defer r.Close()
	for c, err := range analysis.Calls(r) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if c.Bytes < 0 || c.Path != "/tmp/systr-sample/fd_io.tmp" {
			continue
		}
		fmt.Printf("%s fd %d: %s %d bytes\n", syscalls.Name(c.Arch, int(c.Nr)), c.Fd, c.Op, c.Bytes)
	}
	// Output:
	// write fd 4: write 14 bytes
	// writev fd 4: write 23 bytes
	// read fd 4: read 37 bytes
	// pwrite64 fd 4: write 5 bytes
	// pread64 fd 4: read 13 bytes
	// readv fd 4: read 14 bytes
	// pwrite64 fd 4: write 200000 bytes
	// pread64 fd 4: read 200000 bytes
}
