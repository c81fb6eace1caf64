// Command gocli is the Go CLI of the golden-trace tests: it reads a
// config file (config.txt in its working directory, or the file named by
// -config), writes what it read, upper-cased, to out.txt, runs
// `sh -c 'echo hi'` and exits with the status the config asks for.
//
// Flags set at build time (-ldflags=-X=main.buildFlags=-lower) are parsed
// before the command line's: the golden tests build programs whose
// behaviour differs while their command line, which a trace shows first,
// stays the same, as a code change would.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// buildFlags are flags set at build time, space-separated.
var buildFlags string

func main() {
	config := flag.String("config", "config.txt", "the config file")
	out := flag.String("out", "out.txt", "the output file")
	noSpawn := flag.Bool("no-spawn", false, "do not run the child")
	lower := flag.Bool("lower", false, "write the config as it is")
	flag.CommandLine.Parse(append(strings.Fields(buildFlags), os.Args[1:]...))
	b, err := os.ReadFile(*config)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gocli:", err)
		os.Exit(2)
	}
	if !*lower {
		b = bytes.ToUpper(b)
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gocli:", err)
		os.Exit(2)
	}
	if !*noSpawn {
		msg, err := exec.Command("sh", "-c", "echo hi").Output()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gocli:", err)
			os.Exit(2)
		}
		os.Stdout.Write(msg)
	}
	code := 0
	if bytes.Contains(b, []byte("FAIL")) {
		code = 3
	}
	os.Exit(code)
}
