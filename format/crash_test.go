package format_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/format"
)

// crashChild, when set, makes the test binary a writer that gets killed:
// it writes events, syncs, says how many on stdout, and keeps writing.
const crashChild = "SYSTR_FORMAT_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChild); path != "" {
		w, err := format.Create(path, testHeader(), &format.WriterOptions{ChunkSize: 4096})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		evs := sampleEvents(5000)
		for _, ev := range evs {
			w.Write(ev)
		}
		if err := w.Sync(); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("synced", len(evs))
		for i := 0; ; i++ { // until killed
			w.Write(evs[i%len(evs)])
		}
	}
	os.Exit(m.Run())
}

// TestSIGKILL kills a writer with SIGKILL in the middle of writing: the
// file reads, says it is truncated, and has every event synced before.
func TestSIGKILL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "killed.sctr")
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), crashChild+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	synced, perr := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "synced "))
	if err != nil || perr != nil {
		t.Fatalf("child said %q (%v)", line, err)
	}
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Complete() || r.Truncated() == nil {
		t.Fatalf("killed writer's file: complete %v, truncated %v", r.Complete(), r.Truncated())
	}
	n := 0
	want := sampleEvents(synced)
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		if n < len(want) && ev.Kind() != want[n].Kind() {
			t.Fatalf("event %d: %v, want %v", n, ev.Kind(), want[n].Kind())
		}
		n++
	}
	if n < synced || uint64(n) != r.EventCount() {
		t.Fatalf("recovered %d events (count %d), %d were synced", n, r.EventCount(), synced)
	}
	t.Logf("recovered %d events (%d synced before the kill); %v", n, synced, r.Truncated())
}

// notifyWriter reports each write on a channel.
type notifyWriter struct{ wrote chan int }

func (w *notifyWriter) Write(b []byte) (int, error) {
	w.wrote <- len(b)
	return len(b), nil
}

// TestFlushInterval: an event waits in an unfinished chunk at most about
// FlushInterval: the writer's timer writes the chunk without any call.
func TestFlushInterval(t *testing.T) {
	out := &notifyWriter{wrote: make(chan int, 16)}
	w, err := format.NewWriter(out, testHeader(), &format.WriterOptions{FlushInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	<-out.wrote // signature and header
	if err := w.Write(sampleEvents(1)[0]); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-out.wrote:
		t.Logf("the chunk (%d bytes) was written by the timer", n)
	case <-time.After(time.Minute): // a hang, not a timing measurement
		t.Fatal("the timer never wrote the chunk")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
