// Command gensyscalls generates the syscall tables of package
// github.com/systr/systr/syscalls (zsysnum_*.go) from copies of the
// golang.org/x/sys/unix zsysnum_linux_*.go files.
//
// It is run by go generate in the syscalls directory:
//
//	go generate ./syscalls/
//
// which is equivalent to running, in that directory,
//
//	go run ../internal/cmd/gensyscalls -in testdata -out .
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/systr/systr/internal/gensyscalls"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("gensyscalls: ")
	in := flag.String("in", "testdata", "directory holding the zsysnum_linux_*.go.txt inputs")
	out := flag.String("out", ".", "directory to write the generated zsysnum_*.go files to")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: gensyscalls [-in dir] [-out dir]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := gensyscalls.Run(*in, *out); err != nil {
		log.Fatal(err)
	}
}
