//go:build linux

package golden_test

import (
	"fmt"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
)

// A test checks a program's system calls against a golden file with one
// line:
//
//	func TestTrue(t *testing.T) {
//		golden.Run(t, "true", "/bin/true")
//	}
//
// The first `go test -golden.update` (or -update, if the test package
// defines that flag) writes testdata/true.golden; later runs compare. The
// golden file holds the normalized trace, the text below: what Check
// compares, thread by thread.
func Example() {
	r, err := format.Open("../analysis/testdata/fd_io.sctr")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	n, err := analysis.Normalize(r, &analysis.NormalizeOptions{TempPaths: []string{"/tmp/systr-sample"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(golden.Path("fd_io"))
	for _, th := range n.Threads {
		fmt.Println(th.Key, len(th.Lines), "lines")
		for _, l := range th.Lines[13:18] {
			fmt.Println(l)
		}
	}
	// Output:
	// testdata/fd_io.golden
	// p1.t1 57 lines
	// umask(18) = 18
	// openat(AT_FDCWD, "<tmp>", O_RDONLY|O_CLOEXEC|O_DIRECTORY) = <fd3>
	// openat(<fd3>, "fd_io.tmp", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0600) = <fd4>
	// write(1, "openat: ok\n", 11) = 11
	// write(<fd4>, "hello, tracer\n", 14) = 14
}
