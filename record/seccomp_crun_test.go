//go:build linux

package record_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
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

// crunRun runs argv in a crun container whose root is an empty read-only
// directory with the host's /usr and /etc (and dir, if not "", at /prog)
// bound read-only, under profile p (nil: none). It returns the exit
// status, stdout and stderr. crun runs in a mount namespace of its own
// without the cgroup2 hierarchy of a hybrid host (crun refuses hybrid
// mode), with cgroups off.
func crunRun(t *testing.T, crun string, p *seccomp.Profile, dir string, argv ...string) (int, string, string) {
	t.Helper()
	bundle := t.TempDir()
	root := filepath.Join(bundle, "rootfs")
	for _, d := range []string{"usr", "etc", "proc", "dev", "sys", "tmp", "prog"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []string{"bin", "lib", "lib64", "sbin"} {
		if err := os.Symlink("usr/"+l, filepath.Join(root, l)); err != nil {
			t.Fatal(err)
		}
	}
	mounts := []map[string]any{
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{"destination": "/usr", "type": "bind", "source": "/usr", "options": []string{"rbind", "ro"}},
		{"destination": "/etc", "type": "bind", "source": "/etc", "options": []string{"rbind", "ro"}},
	}
	if dir != "" {
		mounts = append(mounts, map[string]any{"destination": "/prog", "type": "bind", "source": dir, "options": []string{"rbind", "ro"}})
	}
	linux := map[string]any{
		"namespaces": []map[string]string{{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}},
	}
	if p != nil {
		linux["seccomp"] = p
	}
	config := map[string]any{
		"ociVersion": "1.0.0",
		"process": map[string]any{
			"terminal": false, "user": map[string]int{"uid": 0, "gid": 0}, "args": argv,
			"env": []string{"PATH=/usr/bin:/bin", "LANG=C"}, "cwd": "/",
			"capabilities":    map[string][]string{"bounding": {}, "effective": {}, "permitted": {}},
			"noNewPrivileges": true,
		},
		"root":     map[string]any{"path": "rootfs", "readonly": true},
		"hostname": "systr-seccomp",
		"mounts":   mounts,
		"linux":    linux,
	}
	b, err := json.MarshalIndent(config, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf("systr-seccomp-%d-%d", os.Getpid(), crunSeq.Add(1))
	script := `umount /sys/fs/cgroup/unified 2>/dev/null; exec "$0" --cgroup-manager=disabled run --bundle "$1" "$2"`
	cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c", script, crun, bundle, id)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	exec.Command(crun, "delete", "-f", id).Run() // normally gone already
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("crun: %v", err)
	}
	return code, stdout.String(), stderr.String()
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
