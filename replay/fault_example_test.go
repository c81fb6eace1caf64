package replay_test

import (
	"bytes"
	"context"
	"fmt"
	"log"

	"github.com/systr/systr/replay"
	"github.com/systr/systr/tracer"
)

// A rule in strace's -e inject= syntax, with a condition on the path.
func ExampleParseFault() {
	r, err := replay.ParseFault("openat:path=/etc/*:when=2+:error=EACCES")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Path, r.Errno, r.When)

	_, err = replay.ParseFault("openat:path=/etc/*")
	fmt.Println(err)
	// Output:
	// /etc/* permission denied 2+
	// replay: fault "openat:path=/etc/*": bad action: none given (want error=ERRNO, retval=N or signal=SIG)
}

// Run cat under a tracer whose opens of /etc/hostname fail with EACCES;
// the kernel never sees the call. Fired gives the summary.
func ExampleFaults_Install() {
	rule, err := replay.ParseFault("open,openat:path=/etc/hostname:error=EACCES")
	if err != nil {
		log.Fatal(err)
	}
	faults := replay.NewFaults(rule)
	t, err := tracer.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	if err := faults.Install(t); err != nil {
		log.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := tracer.Command("cat", "/etc/hostname")
	cmd.Stderr = &stderr
	st, err := t.RunCmd(context.Background(), cmd)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(stderr.String())
	fmt.Println(st)
	for _, s := range faults.Fired() {
		fmt.Println(s)
	}
	// Output:
	// cat: /etc/hostname: Permission denied
	// exit status 1
	// open,openat:path=/etc/hostname:error=EACCES: 1 matched, 1 fired
}
