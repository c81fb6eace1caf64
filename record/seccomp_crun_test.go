//go:build linux

package record_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls/seccomp"
)

var crunSeq atomic.Int64

// crunRun runs argv in a crun container (ociRun) with no-new-privileges,
// no capabilities, as root, with dir (if not "") at /prog, under profile
// p (nil: none). It returns the exit status, stdout and stderr.
func crunRun(t *testing.T, crun string, p *seccomp.Profile, dir string, argv ...string) (int, string, string) {
	t.Helper()
	return ociRun(t, crun, p, ociConf{nnp: true, dir: dir}, argv...)
}

// TestSeccompCrun: a real OCI runtime (crun) accepts the generated profile
// and enforces it as systr does: the recorded program runs as recorded,
// without openat it fails; with --args, socket(AF_INET) is refused.
func TestSeccompCrun(t *testing.T) {
	crun, err := exec.LookPath("crun")
	if err != nil {
		t.Skip("no crun on this machine (apt-get install crun): the OCI runtime check is skipped")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("no unshare (util-linux): cannot give crun a mount namespace of its own")
	}
	if code, out, errs := crunRun(t, crun, nil, "", "cat", "/etc/hostname"); code != 0 || out == "" {
		t.Skipf("crun cannot run a container here (exit %d: %s): the OCI runtime check is skipped", code, strings.TrimSpace(errs))
	}
	rec := recordUnder(t, nil, "cat", "/etc/hostname")
	p := profileOf(t, nil, rec)
	if code, out, errs := crunRun(t, crun, p, "", "cat", "/etc/hostname"); code != rec.st.Code || out != rec.stdout {
		t.Errorf("under crun with the profile: exit %d %q (%s), recorded %v %q", code, out, errs, rec.st, rec.stdout)
	}
	if code, out, errs := crunRun(t, crun, without(p, "openat"), "", "cat", "/etc/hostname"); code != 127 || out != "" {
		// The dynamic loader cannot open libc (its message is lost too:
		// writev is not in cat's profile).
		t.Errorf("under crun without openat: exit %d %q %q, want 127 (the loader failing) and no output", code, out, errs)
	}

	prog := testprog.C(t, "sockfamily")
	inProg := "/prog/" + filepath.Base(prog)
	srec := recordUnder(t, nil, prog, "unix")
	sp := profileOf(t, &analysis.SeccompOptions{Args: true}, srec)
	if code, out, errs := crunRun(t, crun, sp, filepath.Dir(prog), inProg, "unix"); code != 0 || out != srec.stdout {
		t.Errorf("sockfamily unix under crun: exit %d %q (%s), recorded %q", code, out, errs, srec.stdout)
	}
	want := "unix ok\ninet: Operation not permitted\nchild exited 3\n"
	if code, out, errs := crunRun(t, crun, sp, filepath.Dir(prog), inProg, "unix", "inet"); code != 1 || out != want {
		t.Errorf("sockfamily unix inet under crun: exit %d %q (%s), want 1 %q", code, out, errs, want)
	}
}
