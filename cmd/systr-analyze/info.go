package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
)

// worldInfo prints the header's facts about the program's hidden inputs:
// address-space randomization and the trapped instructions.
func worldInfo(w io.Writer, h *format.Header) {
	aslr := "on (systr-record --aslr, or an older recorder: a replay is best-effort where the program depends on addresses)"
	if h.NoASLR {
		aslr = "off (a replay places the program's memory as recorded)"
	}
	fmt.Fprintf(w, "aslr:      %s\n", aslr)
	var insns []string
	for _, s := range strings.Split(h.Extra[record.InsnsKey], ",") {
		if s = strings.TrimSpace(s); s != "" {
			insns = append(insns, s)
		}
	}
	trapped := "none (rdtsc and cpuid were not recorded: a replay runs them live)"
	if len(insns) > 0 {
		trapped = strings.Join(insns, ", ") + " trapped (a replay returns the recorded results)"
	}
	fmt.Fprintf(w, "insns:     %s\n", trapped)
}
