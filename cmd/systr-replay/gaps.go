//go:build linux

package main

import (
	"github.com/systr/systr/format"
	"github.com/systr/systr/replay"
)

// gapsHint says how to replay a trace replay.Check refused, when
// --allow-gaps would let it through (masked reads, cut buffers, a partial
// traced set): the refusal names the gaps but not the option.
func gapsHint(r *format.Reader, o *replay.Options) string {
	if o.AllowGaps {
		return ""
	}
	with := *o
	with.AllowGaps = true
	if replay.Check(r, &with) != nil {
		return ""
	}
	return " (--allow-gaps replays it, with a warning at each gap)"
}
