// Command gomap prints the iteration order of a map, which the Go runtime
// randomizes from a seed it takes from auxv AT_RANDOM: two native runs
// print different orders, a replay that writes back the recorded AT_RANDOM
// bytes the recorded one.
package main

import (
	"fmt"
	"strings"
)

func main() {
	m := map[int]bool{}
	for i := 0; i < 16; i++ {
		m[i] = true
	}
	for round := 0; round < 2; round++ {
		var b strings.Builder
		for k := range m {
			fmt.Fprintf(&b, " %d", k)
		}
		fmt.Println("order:" + b.String())
	}
}
