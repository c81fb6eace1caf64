package format_test

import (
	"strings"
	"testing"

	"github.com/systr/systr/format"
)

func TestKindString(t *testing.T) {
	want := map[format.Kind]string{
		0: "kind(0)", 1: "kind(1)", format.KindSyscall: "syscall", format.KindNewTask: "newtask",
		format.KindExec: "exec", format.KindSignal: "signal", format.KindExit: "exit", format.KindDetach: "detach",
		format.KindLost: "lost", format.KindInsn: "insn", format.KindFile: "file", format.KindMapping: "mapping",
		format.KindSwitch: "switch", 13: "kind(13)", 255: "kind(255)",
	}
	for k, w := range want {
		if got := k.String(); got != w {
			t.Errorf("Kind(%d).String() = %q, want %q", uint8(k), got, w)
		}
	}
	// Every event type's kind has a name.
	for _, ev := range []format.Event{&format.Syscall{}, &format.NewTask{}, &format.Exec{}, &format.Signal{},
		&format.Exit{}, &format.Detach{}, &format.Lost{}, &format.Insn{}, &format.File{}, &format.Mapping{}, &format.Switch{}} {
		if s := ev.Kind().String(); strings.HasPrefix(s, "kind(") {
			t.Errorf("%T: kind %q", ev, s)
		}
	}
}
