// Package golden checks a program's behaviour against a golden trace in Go
// tests, as net/http/httptest and testing/fstest check servers and file
// systems: Run and RunWith record a command under systr's recorder in a
// new working directory, normalize its trace as analysis.Normalize does
// (the normalization `systr-analyze diff` uses, with the same defaults)
// and compare it with testdata/NAME.golden; Record and Check are the two
// halves.
//
//	func TestCLI(t *testing.T) {
//		res := golden.RunWith(t, "cli", &golden.Options{
//			Fixtures: os.DirFS("testdata/cli"), // copied into the working directory
//		}, prog, "--config", "config.toml")
//		if res.Status.Code != 0 {
//			t.Errorf("exit status %v", res.Status)
//		}
//	}
//
// Nil options mean one thing everywhere in the package: a nil
// RecordOptions.Env is DefaultEnv() (a fixed environment: a golden trace
// must not depend on the test's; os.Environ() passes it), nil Stdin,
// Stdout and Stderr are the null device (as in os/exec and tracer.Cmd),
// and a nil *Options or *RecordOptions is the zero value. The program's
// working directory, and every directory t.TempDir gives the test, are
// temporary paths of the normalization ("<tmp>", see Options), so that a
// golden file does not name them.
//
// A multi-threaded program (goroutines, a thread pool, pthreads) is
// compared resource by resource: each file (named by its path), pipe and
// socket, stdio, and each process's own calls in order, its calls on no
// resource counted (analysis.Normalized says what and why); two
// recordings then compare the same however its threads were scheduled,
// unless the program's observable behaviour depends on it (threads
// writing stdout in the order they took a lock). That is why the program
// runs under the serial schedule by default (as under systr-record: one
// thread at a time, switched at system calls, RecordOptions.FreeSchedule
// turns it off): the same program with the same inputs then takes its
// locks, and writes, in the same order in every run.
//
// A mismatch fails the test with a message in one vocabulary, want (the
// golden file) and got (the new trace): the sequences that differ (the
// threads, by key and process name), the first divergence with the lines
// before it and got's event number, and where the new trace and its
// normalized text are kept (testing.T.ArtifactDir under `go test
// -artifacts`, otherwise $TMPDIR/systr-golden/PACKAGE-HASH/TEST, left in
// place and rewritten by the test's next failure), with the
// commands that open them (`systr-analyze print --seq`, `diff -u`).
//
// `go test -golden.update` rewrites the golden files instead, and so does
// `go test -update` when the test binary defines an "update" flag (as
// the go/printer convention has tests do): the package cannot define
// "update" itself without breaking every test package that does (a flag
// defined twice panics).
//
// Check and the reading half (golden.go) build on any OS; Run, RunWith
// and Record, which record a program, are Linux only (run_linux.go,
// record_linux.go).
package golden
