package seccomp_test

import (
	"fmt"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/seccomp"
)

// A profile read, checked and resolved: names become each architecture's
// call numbers through the catalogue (socketcall exists on i386 only).
func ExampleParse() {
	p, err := seccomp.Parse([]byte(`{
	  "defaultAction": "SCMP_ACT_ERRNO",
	  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
	  "syscalls": [
	    {"names": ["read", "socketcall"], "action": "SCMP_ACT_ALLOW"},
	    {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
	     "args": [{"index": 0, "value": 1, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}
	  ]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := p.Resolve(syscalls.X86_64)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res {
		fmt.Printf("%v: %d calls\n", r.Arch, len(r.Rules))
	}
	_, err = seccomp.Parse([]byte(`{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["reed"], "action": "SCMP_ACT_ALLOW"}]}`))
	fmt.Println(err)
	// Output:
	// x86_64: 2 calls
	// i386: 3 calls
	// seccomp: syscalls[0]: unknown system call "reed": none of the profile's architectures (SCMP_ARCH_X86_64) has it
}
