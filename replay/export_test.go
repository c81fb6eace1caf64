//go:build linux

package replay

import "time"

// SetLiveWait sets how long a replay with Options.Inject waits for the
// live world (liveWaitFor) until restore is called: tests of what happens
// when it does not come need not wait 10 s.
func SetLiveWait(d time.Duration) (restore func()) {
	old := liveWaitFor
	liveWaitFor = d
	return func() { liveWaitFor = old }
}

// OnReadRest calls f when a read outside the Inject set starts waiting
// for the rest of its recorded bytes, until restore is called.
func OnReadRest(f func()) (restore func()) {
	onReadRest = f
	return func() { onReadRest = nil }
}
