//go:build linux

package fault_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/systr/systr/tracer"
	"github.com/systr/systr/tracer/fault"
)

// Make cat's open of /etc/hostname fail with ENOENT: the kernel never sees
// the call. The tracer also has a handler of its own for openat: Install
// puts the injector in front of it, so both run, and the handler sees at
// exit the error cat gets. Fired says what each rule did.
func Example() {
	rule, err := fault.Parse("openat:path=/etc/hostname:error=ENOENT")
	if err != nil {
		log.Fatal(err)
	}
	t, err := tracer.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	err = t.Trace(func(c *tracer.Call) tracer.Action {
		if c.IsEntry() {
			return tracer.Continue
		}
		// The path is still in cat's memory at exit.
		if p, _, err := c.ReadString(c.Arg(1), 4096); err == nil && p == "/etc/hostname" {
			fmt.Printf("handler: openat(%q) failed: %v\n", p, c.Errno())
		}
		return tracer.Continue
	}, "openat")
	if err != nil {
		log.Fatal(err)
	}
	inj := fault.New(rule)
	if err := inj.Install(t); err != nil {
		log.Fatal(err)
	}

	var stderr bytes.Buffer
	cmd := tracer.Command("/bin/cat", "/etc/hostname")
	cmd.Stderr = &stderr
	st, err := t.RunCmd(context.Background(), cmd)
	if err != nil {
		log.Fatal(err)
	}
	if err := inj.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Print(stderr.String())
	fmt.Println(st)
	for _, s := range inj.Fired() {
		fmt.Println(s)
	}
	// Output:
	// handler: openat("/etc/hostname") failed: no such file or directory
	// /bin/cat: /etc/hostname: No such file or directory
	// exit status 1
	// openat:path=/etc/hostname:error=ENOENT: 1 matched, 1 fired
}

// A rule in strace's -e inject= syntax, with a condition on the path; a
// bad rule's error names the rule and the item, and wraps a sentinel.
func ExampleParse() {
	r, err := fault.Parse("openat:path=/etc/*:when=2+:error=EACCES")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Path, r.Errno, r.When)

	_, err = fault.Parse("openat:path=/etc/*")
	fmt.Println(err)
	fmt.Println(errors.Is(err, fault.ErrAction))
	// Output:
	// /etc/* permission denied 2+
	// fault: rule "openat:path=/etc/*": bad action: none given (want error=ERRNO, retval=N or signal=SIG)
	// true
}
