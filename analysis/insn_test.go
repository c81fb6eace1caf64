package analysis_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// TestPrintInsn: trapped instructions print as strace prints signals.
func TestPrintInsn(t *testing.T) {
	var buf bytes.Buffer
	h := &format.Header{Writer: "test", Argv: []string{"x"}, Arches: []syscalls.Arch{syscalls.X86_64}}
	w, err := format.NewWriter(&buf, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []format.Event{
		&format.Insn{Head: format.Head{Seq: 1, Time: 1, Pid: 7, Tid: 7}, Op: format.RDTSC, EAX: 0x10, EDX: 0x2},
		&format.Insn{Head: format.Head{Seq: 2, Time: 2, Pid: 7, Tid: 7}, Op: format.RDTSCP, EAX: 0x11, ECX: 1},
		&format.Insn{Head: format.Head{Seq: 3, Time: 3, Pid: 7, Tid: 7}, Op: format.CPUID, Leaf: 7, EAX: 1, EBX: 0xab},
	} {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := format.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out, js strings.Builder
	if err := analysis.Print(&out, r, &analysis.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := analysis.JSON(&js, r, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kind":"insn","op":"rdtsc","tsc":8589934608,`, `"op":"rdtscp","tsc":17,"aux":1,`,
		`"op":"cpuid","leaf":7,"subleaf":0,"eax":1,"ebx":171,"ecx":0,"edx":0,"text":"--- cpuid(0x7, 0) = {`} {
		if !strings.Contains(js.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, js.String())
		}
	}
	want := "7     --- rdtsc = 0x200000010 ---\n" +
		"7     --- rdtscp = 0x11 (aux 1) ---\n" +
		"7     --- cpuid(0x7, 0) = {eax=0x1, ebx=0xab, ecx=0x0, edx=0x0} ---\n"
	if out.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", out.String(), want)
	}
}
