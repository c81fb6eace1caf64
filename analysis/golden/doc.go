// Package golden checks a program's behaviour against a golden trace in Go
// tests: Record runs a command under systr's recorder; the trace, normalized
// as systr-analyze diff normalizes it, is compared with testdata/NAME.golden,
// and `go test -update` rewrites the file (the go/printer convention).
package golden
