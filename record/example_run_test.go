//go:build linux

package record_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
	"github.com/systr/systr/tracer"
)

// Record a program in one call, with systr-record's defaults (nil
// options: record.Defaults()), then read the trace back.
func ExampleRun() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "true.sctr")

	st, err := record.Run(context.Background(), path, tracer.Command("true"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("true:", st.ExitCode())

	r, err := format.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	h := r.Header()
	fmt.Println("vdso:", h.Extra["vdso"], "schedule:", h.Extra[record.ScheduleKey], "no ASLR:", h.NoASLR)
	for ev, err := range r.Events(nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if s, ok := ev.(*format.Syscall); ok && s.Name() == "exit_group" {
			// Text is as strace prints it, the result aligned in a column.
			fmt.Println("last call:", strings.Join(strings.Fields(s.Text(nil)), " "))
		}
	}
	// Output:
	// true: 0
	// vdso: trapped schedule: serial no ASLR: true
	// last call: exit_group(0) = ?
}
