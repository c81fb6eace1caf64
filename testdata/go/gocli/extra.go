//go:build extra

package main

import "strings"

// Shout is an unrelated code change for the golden tests (built with
// -tags=extra): a function the program never calls, kept in the binary by
// extras so that the rebuilt program's code and data move while its
// behaviour stays the same.
func Shout(s string) string { return strings.Repeat(strings.ToUpper(s)+"!", 3) }

var extras []func(string) string

func init() { extras = append(extras, Shout) }
