//go:build linux

package record_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
	"github.com/systr/systr/tracer"
)

// Record a program into a trace file, then read the file back: the
// recorder sits between a tracer and a trace writer, and is closed before
// the writer.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "systr-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "true.sctr")

	argv := []string{"/bin/true"}
	o := &record.Options{}
	t, err := tracer.New(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer t.Close()
	w, err := format.Create(path, record.Header(argv, "/", nil, nil, o), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, err := record.New(t, w, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := t.Run(context.Background(), argv[0], argv[1:]...)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := rec.Close(); err != nil {
		fmt.Println(err)
		return
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("program:", st)

	r, err := format.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	fmt.Println("complete:", r.Complete())
	calls := 0
	for ev, err := range r.Events(nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		switch ev := ev.(type) {
		case *format.Exec:
			fmt.Println("exec:", filepath.Base(ev.Path), ev.Argv) // /bin/true may be /usr/bin/true
		case *format.Syscall:
			calls++
		}
	}
	fmt.Println("calls recorded:", calls > 0)
	// Output:
	// program: exit status 0
	// complete: true
	// exec: true [/bin/true]
	// calls recorded: true
}
