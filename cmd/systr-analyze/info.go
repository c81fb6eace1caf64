package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/systr/systr/format"
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
	for _, s := range strings.Split(h.Extra[format.ExtraInsns], ",") {
		if s = strings.TrimSpace(s); s != "" {
			insns = append(insns, s)
		}
	}
	trapped := "none (rdtsc and cpuid were not recorded: a replay runs them live)"
	if len(insns) > 0 {
		trapped = strings.Join(insns, ", ") + " trapped (a replay returns the recorded results)"
	}
	fmt.Fprintf(w, "insns:     %s\n", trapped)
	if p := h.Extra[format.ExtraSeccompProfile]; p != "" {
		fmt.Fprintf(w, "seccomp:   ran under the profile %s (the calls it refused failed)\n", p)
	}
}

// infoFlags are info's options.
func infoFlags(fs *flag.FlagSet, c *config) {
	fs.BoolVar(&c.verify, "verify", false,
		"also decompress and decode every chunk (info always checks every chunk's checksum)")
}

// errDamaged makes info exit 1 once it has said where the damage is.
var errDamaged = errors.New("the trace is damaged (systr-analyze repair keeps every sound chunk)")

// infoState prints the trace's state: complete, incomplete (where it
// ends), repaired (what its source lost) or damaged (where, and which
// events). Every chunk's checksum is checked (a read of the file: 4 ms
// for a 1 M-event trace of 1.9 MB, 150 ms for 200 MB); with verify, every
// chunk is also decoded. A damaged trace gives errDamaged.
func infoState(w io.Writer, r *format.Reader, verify bool) error {
	damaged := r.Verify(verify)
	checked := "checksums verified"
	if verify {
		checked = "every chunk decoded"
	}
	switch {
	case len(damaged) > 0:
		for i, d := range damaged {
			label := "state:     "
			if i > 0 {
				label = "           "
			}
			fmt.Fprintf(w, "%s%s\n", label, damageLine(&d, r.Header()))
		}
	case r.Truncated() != nil:
		fmt.Fprintf(w, "state:     incomplete: %v (systr-analyze repair writes a complete copy)\n", r.Truncated())
	case len(r.Damaged()) > 0:
		fmt.Fprintf(w, "state:     complete, repaired (%s); its source lost:\n", checked)
		for _, d := range r.Damaged() {
			fmt.Fprintf(w, "           %s\n", damageLine(&d, r.Header()))
		}
	case r.Status() == "repaired":
		fmt.Fprintf(w, "state:     complete, repaired (%s)\n", checked)
	default:
		fmt.Fprintf(w, "state:     complete (%s)\n", checked)
	}
	if len(damaged) > 0 {
		return errDamaged
	}
	return nil
}

// damageLine says where the damage is, what it lost and when.
func damageLine(d *format.Damage, h *format.Header) string {
	s := d.Error()
	if from, to, ok := d.Span(h.Clock.Mono); ok && h.Clock.Mono != 0 {
		s += fmt.Sprintf(" (between %s and %s after the start)", from.Round(time.Microsecond), to.Round(time.Microsecond))
	}
	return s
}

// repairReport says what repair kept and what was lost.
func repairReport(w io.Writer, dst string, info format.RepairInfo, h *format.Header) {
	switch {
	case len(info.Damaged) > 0:
		fmt.Fprintf(w, "%s: kept %d chunks, %d events\n", dst, info.Chunks, info.Events)
		for _, d := range info.Damaged {
			fmt.Fprintf(w, "  source %s\n", damageLine(&d, h))
		}
	case info.Lost != nil:
		fmt.Fprintf(w, "%s: kept %d chunks, %d events; lost what followed: %v\n", dst, info.Chunks, info.Events, info.Lost)
	default:
		fmt.Fprintf(w, "%s: %d chunks, %d events (the source was complete)\n", dst, info.Chunks, info.Events)
	}
}
