package syscalls_test

import (
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
)

// TestStructSizes compares the hand-kept struct sizes with the types of
// golang.org/x/sys/unix, built for the host and, on amd64 hosts, for
// GOARCH=386 (the program runs there as an i386 process).
func TestStructSizes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go tool")
	}
	goTool := testprog.NeedTool(t, "go")
	builds := map[string]syscalls.Arch{"amd64": syscalls.X86_64, "arm64": syscalls.ARM64}
	host, ok := builds[runtime.GOARCH]
	if !ok {
		t.Skipf("no table for the host's GOARCH %s", runtime.GOARCH)
	}
	runs := []struct {
		goarch string
		arch   syscalls.Arch
	}{{runtime.GOARCH, host}}
	if runtime.GOARCH == "amd64" {
		runs = append(runs, struct {
			goarch string
			arch   syscalls.Arch
		}{"386", syscalls.I386})
	}
	for _, r := range runs {
		cmd := exec.Command(goTool, "run", "./testdata/structsizes")
		cmd.Env = append(cmd.Environ(), "GOARCH="+r.goarch)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("GOARCH=%s go run ./testdata/structsizes: %v\n%s", r.goarch, err, out)
		}
		checked := 0
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			names, sz, _ := strings.Cut(line, " ")
			want, err := strconv.Atoi(sz)
			if err != nil {
				t.Fatalf("bad line %q", line)
			}
			// "stat|stat64": x/sys's Stat_t is struct stat64 on i386.
			name := names
			if a, b, two := strings.Cut(names, "|"); two {
				name = a
				if r.arch == syscalls.I386 {
					name = b
				}
			}
			got, ok := syscalls.StructSize(r.arch, name)
			if !ok {
				t.Errorf("%v: no size for %s (x/sys: %d)", r.arch, name, want)
				continue
			}
			checked++
			if got != want {
				t.Errorf("%v: struct %s is %d bytes here, %d in x/sys", r.arch, name, got, want)
			}
		}
		if checked < 20 {
			t.Errorf("%v: only %d sizes checked", r.arch, checked)
		}
	}
}
