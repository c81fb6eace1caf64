//go:build linux

package replay_test

import "testing"

// TestReplayOutArgs records testdata/c/outargs.c (fcntl F_GETLK and
// F_OFD_GETLK, ioctl FIONREAD on a pipe and a socket, TIOCOUTQ,
// TIOCGWINSZ and TCGETS on a pty, prctl PR_GET_NAME, PR_GET_PDEATHSIG,
// PR_GET_CHILD_SUBREAPER: the catalogue's cases of out arguments) and
// replays it: the program prints what the kernel wrote, so the replay
// prints the same only when the recorder captured it and replay restored
// it.
func TestReplayOutArgs(t *testing.T) {
	if res := suiteProgram(t, "outargs"); res != "" {
		t.Fatal(res)
	}
}

// TestReplayMapShare records testdata/c/mapshare.c, whose read-only
// mappings of a file print what a shared mapping of it wrote (also after
// the first mapping was unmapped), and replays it: at replay the file's
// mappings are anonymous and must share their pages as the file's did.
func TestReplayMapShare(t *testing.T) {
	if res := suiteProgram(t, "mapshare"); res != "" {
		t.Fatal(res)
	}
}

// TestReplayMmsg records testdata/c/mmsg.c, which receives datagrams
// with recvmmsg into two iovecs per message and prints each message's
// data, length and address length, and replays it: the data and lengths
// of every message are restored.
func TestReplayMmsg(t *testing.T) {
	if res := suiteProgram(t, "mmsg"); res != "" {
		t.Fatal(res)
	}
}
