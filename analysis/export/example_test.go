package export_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"
	"github.com/systr/systr/analysis/export"
)

// A recording exported as Parquet tables, one hive-style directory per
// trace, and its events read back: the calls that failed, with the file
// each named.
func ExampleParquet() {
	dir, err := os.MkdirTemp("", "export-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	dirs, err := export.Parquet(dir, &export.Options{Host: "ci-1"}, "../testdata/fd_io.sctr")
	if err != nil {
		fmt.Println(err)
		return
	}
	rel, _ := filepath.Rel(dir, dirs[0])
	fmt.Println(rel)
	events, err := parquet.ReadFile[export.EventRow](filepath.Join(dirs[0], "events.parquet"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range events {
		if e.Errno != nil { // a nullable column is a pointer: nil for NULL
			path := ""
			if e.Path != nil {
				path = *e.Path
			}
			fmt.Println(e.Seq, e.Name, *e.Ret, *e.Errno, path)
		}
	}
	// Output:
	// host=ci-1/trace=fd_io
	// 5 access -2 ENOENT /etc/ld.so.preload
	// 70 newfstatat -2 ENOENT /tmp/systr-sample/fd_io.tmp
	// 74 close -9 EBADF
}
