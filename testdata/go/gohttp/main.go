// Command gohttp starts an HTTP server on a loopback port in the same
// process and talks to it with net/http's client: 4 requests made one
// after the other (GET /hello/N, each answered "hello N"), each printed.
// Exit status 0, or 1 if a request fails.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s\n", strings.TrimPrefix(r.URL.Path, "/hello/"))
	})}
	go srv.Serve(ln)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for i := 0; i < 4; i++ {
		resp, err := client.Get(fmt.Sprintf("http://%s/hello/%d", ln.Addr(), i))
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Print(string(b))
	}
	srv.Close()
}
