// mapprint prints what depends on the hidden inputs of a Go program: the
// iteration order of a map (the runtime's hash seed comes from AT_RANDOM
// and getrandom), the address of a heap object and of a stack variable
// (address-space layout), and math/rand's unseeded output.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"strings"
)

func main() {
	m := map[string]int{}
	for i := 0; i < 16; i++ {
		m[fmt.Sprintf("k%02d", i)] = i
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	fmt.Println("map order:", strings.Join(keys, " "))
	s := map[int]bool{1: true, 2: true, 3: true, 40: true, 500: true}
	var order []string
	for k := range s {
		order = append(order, fmt.Sprint(k))
	}
	fmt.Println("set order:", strings.Join(order, " "))
	p := new([64]byte)
	var local int
	fmt.Printf("heap %p stack %p\n", p, &local)
	fmt.Println("rand:", rand.Int63(), rand.Intn(1000))
	wd, _ := os.Getwd()
	fmt.Println("args:", len(os.Args), "cwd set:", wd != "")
}
