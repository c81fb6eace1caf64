//go:build linux

package main

import (
	"errors"

	"github.com/systr/systr/replay"
)

// showSummary tells whether the "N calls: ... divergences" line is worth
// printing: not before an error that stopped the replay before its first
// call (a program that cannot start, a trace it cannot follow), where
// "0 calls ... 0 divergences" would only hide the error. A divergence
// and any replay that made calls keep it.
func showSummary(res *replay.Result, err error) bool {
	var d *replay.Divergence
	return res != nil && (err == nil || res.Calls > 0 || len(res.Divergences) > 0 || errors.As(err, &d))
}
