// Command httpclient GETs argv[1] (an http:// URL, e.g. that of a local
// python3 -m http.server) with net/http and prints the status line and
// the body: a Go program (goroutines for the connection, the resolver,
// timers) talking to a server that is gone when its recording is
// replayed. Exit status 0, 1 when the request fails.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: httpclient URL")
		os.Exit(2)
	}
	resp, err := http.Get(os.Args[1])
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println(resp.Status)
	os.Stdout.Write(body)
}
