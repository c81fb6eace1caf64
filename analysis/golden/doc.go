// Package golden checks a program's behaviour against a golden trace in Go
// tests: Record runs a command under systr's recorder; Check normalizes a
// trace as analysis.Normalize does (the normalization systr's diff uses)
// and compares it, thread by thread, with testdata/NAME.golden, failing
// with the first divergence; Run and RunWith do both.
//
// `go test -golden.update` rewrites the golden files instead, and so does
// `go test -update` when the test binary defines an "update" flag (as
// the go/printer convention has tests do): the package cannot define
// "update" itself without breaking every test package that does (a flag
// defined twice panics).
package golden
