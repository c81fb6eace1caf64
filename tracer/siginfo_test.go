//go:build linux

package tracer_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

// TestSetSigInfo: OnSignal sees the raw siginfo (Info) and can replace
// what the handler gets (SetInfo): SIGUSR1 from raise (SI_TKILL, the
// program's own pid) reaches the handler as SI_USER from pid 4242;
// SIGUSR2 is left alone.
func TestSetSigInfo(t *testing.T) {
	path := testprog.C(t, "siginfo_print")
	tr, err := tracer.New(nil)
	if err != nil {
		t.Skipf("tracer: %v", err)
	}
	defer tr.Close()
	var infos [][]byte
	tr.OnSignal(func(s *tracer.SignalEvent) {
		infos = append(infos, s.Info)
		if s.Signal != unix.SIGUSR1 || len(s.Info) != tracer.SigInfoSize {
			return
		}
		info := slices.Clone(s.Info)
		binary.LittleEndian.PutUint32(info[8:], 0)     // si_code SI_USER
		binary.LittleEndian.PutUint32(info[16:], 4242) // si_pid
		s.SetInfo = info
	})
	var out bytes.Buffer
	cmd := tracer.Command(path)
	cmd.Stdout = &out
	if _, err := tr.RunCmd(context.Background(), cmd); err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 || len(infos[0]) != tracer.SigInfoSize || binary.LittleEndian.Uint32(infos[0]) != uint32(unix.SIGUSR1) {
		t.Fatalf("siginfos seen: %x", infos)
	}
	want := "usr1: code 0, pid other 4242, value 0\nusr2: code -1, pid self "
	if !strings.HasPrefix(out.String(), want) || !strings.HasSuffix(out.String(), ", value 7\n") {
		t.Errorf("program printed\n%s\nwant\n%s... value 7", out.String(), want)
	}
}
