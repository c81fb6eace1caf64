//go:build linux

package replay_test

import (
	"testing"

	"github.com/systr/systr/internal/testprog"
)

// TestGroupLeaderGone: a process group outlives its leader. Once the
// leader is reaped its recorded pid still names the group while a member
// lives: setpgid into the group and kill(-leader) reach the live group
// (they failed with ESRCH: the leader's pid pair was forgotten and the
// group id became a dead pid), and once the members are reaped too
// kill(-leader) fails with ESRCH as recorded.
func TestGroupLeaderGone(t *testing.T) {
	rec := recordRun(t, nil, testprog.C(t, "group_leader_gone"))
	want := "setpgid(A, A) = 0\nsetpgid(B, A) = 0\nA: reaped 1, signaled 1 sig 9\n" +
		"setpgid(C, A) after A reaped = 0 \nkill(-A) = 0 \n" +
		"member: reaped 1, signaled 1 sig 15\nmember: reaped 1, signaled 1 sig 15\nmembers reaped: B and C\n" +
		"kill(-A) once empty = -1 No such process\n"
	if rec.stdout != want {
		t.Fatalf("recording printed %q, want %q", rec.stdout, want)
	}
	sameN(t, rec, 3, nil)
}
