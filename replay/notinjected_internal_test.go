//go:build linux

package replay

import "testing"

// TestNotInjectedIsTheRealCalls: CheckInject's list of the calls that run
// for real in any replay, each with why, is the default policy's real and
// unsequenced calls (policy.go), no more and no less: a call added to
// those must get its reason there.
func TestNotInjectedIsTheRealCalls(t *testing.T) {
	for _, g := range notInjected {
		for _, n := range g.names {
			if !realCalls[n] && !unsequenced[n] {
				t.Errorf("%s: said to run for real in any replay (notInjected), but the policy replays it", n)
			}
		}
	}
	for _, s := range []map[string]bool{realCalls, unsequenced} {
		for n := range s {
			if !reasoned(n) {
				t.Errorf("%s: runs for real in any replay (policy.go), but notInjected gives no reason (CheckInject does not name it)", n)
			}
		}
	}
}

// reasoned tells whether notInjected gives call n a reason.
func reasoned(n string) bool {
	for _, g := range notInjected {
		for _, m := range g.names {
			if m == n {
				return true
			}
		}
	}
	return false
}
