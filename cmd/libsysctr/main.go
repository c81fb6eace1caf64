//go:build linux

// Command libsysctr is LibSysCTr's C interface (sysctr.h) backed by the Go
// tracer. It is not a program: build it as a C library,
//
//	go build -buildmode=c-shared -o libsysctr.so ./cmd/libsysctr
//	go build -buildmode=c-archive -o libsysctr.a ./cmd/libsysctr
//
// (make libsysctr does both and puts sysctr.h beside them), include
// sysctr.h and link with either. The README's "C interface" section
// documents the functions.
//
// The functions of sysctr.h are defined in sysctr.c as wrappers around the
// systrgo_* exports of libsysctr.go (cgo's generated prototypes would
// clash with the header's, and Go can neither export a variadic function
// nor call a C function pointer). The systrgo_* symbols are internal.
package main

// main is required by -buildmode=c-shared and c-archive; it never runs.
func main() {}
