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
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls/seccomp"
)

// ociConf is one container's process settings.
type ociConf struct {
	nnp  bool // noNewPrivileges (Docker's default: false)
	user int  // uid and gid; not 0: also additional groups
	caps bool // Docker's default capabilities (else none)
	dir  string
}

// dockerCaps are Docker's default capabilities.
var dockerCaps = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"}

// ociRun runs argv in a container of runtime rt (the path of runc or
// crun) whose root is an empty read-only directory with the host's /usr
// and /etc (and c.dir, if not "", at /prog) bound read-only, under profile
// p (nil: none). It returns the exit status, stdout and stderr. runc keeps
// its state in a temporary directory; crun runs as in crunRun (a mount
// namespace of its own without the cgroup2 hierarchy of a hybrid host,
// cgroups off).
func ociRun(t *testing.T, rt string, p *seccomp.Profile, c ociConf, argv ...string) (int, string, string) {
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
	if c.dir != "" {
		mounts = append(mounts, map[string]any{"destination": "/prog", "type": "bind", "source": c.dir, "options": []string{"rbind", "ro"}})
	}
	linux := map[string]any{
		"namespaces": []map[string]string{{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}},
	}
	if p != nil {
		linux["seccomp"] = p
	}
	user := map[string]any{"uid": c.user, "gid": c.user}
	if c.user != 0 {
		user["additionalGids"] = []int{10, 20}
	}
	caps := []string{}
	if c.caps {
		caps = dockerCaps
	}
	config := map[string]any{
		"ociVersion": "1.0.0",
		"process": map[string]any{
			"terminal": false, "user": user, "args": argv,
			"env": []string{"PATH=/usr/bin:/bin", "LANG=C"}, "cwd": "/",
			"capabilities":    map[string][]string{"bounding": caps, "effective": caps, "permitted": caps},
			"noNewPrivileges": c.nnp,
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
	var cmd, del *exec.Cmd
	if filepath.Base(rt) == "runc" {
		state := filepath.Join(bundle, "state")
		cmd = exec.Command(rt, "--root", state, "run", "--bundle", bundle, id)
		del = exec.Command(rt, "--root", state, "delete", "-f", id)
	} else {
		script := `umount /sys/fs/cgroup/unified 2>/dev/null; exec "$0" --cgroup-manager=disabled run --bundle "$1" "$2"`
		cmd = exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c", script, rt, bundle, id)
		del = exec.Command(rt, "delete", "-f", id)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	del.Run() // normally gone already
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", filepath.Base(rt), err)
	}
	return code, stdout.String(), stderr.String()
}

// ociRuntime returns the path of runtime name, skipping the test when it
// is missing or cannot run a container here.
func ociRuntime(t *testing.T, name string) string {
	t.Helper()
	rt, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("no %s on this machine (apt-get install %s; make test installs it where apt-get exists): the OCI runtime check is skipped", name, name)
	}
	if name == "crun" {
		if _, err := exec.LookPath("unshare"); err != nil {
			t.Skip("no unshare (util-linux): cannot give crun a mount namespace of its own")
		}
	}
	if code, out, errs := ociRun(t, rt, nil, ociConf{}, "cat", "/etc/hostname"); code != 0 || out == "" {
		t.Skipf("%s cannot run a container here (exit %d: %s): the OCI runtime check is skipped", name, code, strings.TrimSpace(errs))
	}
	return rt
}

// TestSeccompRuntimes: a profile made for runc (Docker's runtime) or crun
// (podman's) starts a real container of that runtime with and without
// no-new-privileges (Docker's default: without), as root and as another
// user with Docker's default capabilities, and the program behaves as
// recorded; the same profile without the runtime's calls (--runtime
// none) stops the container before the program starts; with one of the
// program's recorded calls taken out (socket), the program fails at that
// call. It runs in a temporary directory.
func TestSeccompRuntimes(t *testing.T) {
	for _, name := range []string{"runc", "crun"} {
		t.Run(name, func(t *testing.T) {
			rt := ociRuntime(t, name)
			prog := testprog.C(t, "sockfamily")
			t.Chdir(t.TempDir()) // nothing depends on the package's directory
			rec := recordUnder(t, nil, "cat", "/etc/hostname")
			p := profileOf(t, &analysis.SeccompOptions{Runtime: name}, rec)
			none := profileOf(t, &analysis.SeccompOptions{Runtime: "none"}, rec)
			for _, c := range []ociConf{{nnp: false}, {nnp: true}, {nnp: false, user: 1000, caps: true}, {nnp: true, user: 1000, caps: true}} {
				if code, out, errs := ociRun(t, rt, p, c, "cat", "/etc/hostname"); code != rec.st.Code || out != rec.stdout {
					t.Errorf("%+v: under the profile: exit %d %q (%s), recorded %v %q", c, code, out, strings.TrimSpace(errs), rec.st, rec.stdout)
				}
				code, out, errs := ociRun(t, rt, none, c, "cat", "/etc/hostname")
				if name == "crun" && c.nnp {
					// crun installs the profile just before execve, and
					// closes one descriptor (close: cat's too).
					if code != rec.st.Code || out != rec.stdout {
						t.Errorf("%+v: under the profile without crun's calls: exit %d %q (%s), recorded %v %q", c, code, out, strings.TrimSpace(errs), rec.st, rec.stdout)
					}
					continue
				}
				if code == 0 || out != "" || !strings.Contains(strings.ToLower(errs), "operation not permitted") {
					t.Errorf("%+v: under the profile without %s's calls: exit %d %q (%s), want the container not to start (operation not permitted)", c, name, code, out, strings.TrimSpace(errs))
				}
			}

			inProg := "/prog/" + filepath.Base(prog)
			srec := recordUnder(t, nil, prog, "unix")
			sp := profileOf(t, &analysis.SeccompOptions{Runtime: name}, srec)
			c := ociConf{dir: filepath.Dir(prog)}
			if code, out, errs := ociRun(t, rt, sp, c, inProg, "unix"); code != srec.st.Code || out != srec.stdout {
				t.Errorf("sockfamily unix under the profile: exit %d %q (%s), recorded %v %q", code, out, strings.TrimSpace(errs), srec.st, srec.stdout)
			}
			want := "unix: Operation not permitted\nchild exited 3\n"
			if code, out, errs := ociRun(t, rt, without(sp, "socket"), c, inProg, "unix"); code != 1 || out != want {
				t.Errorf("sockfamily unix under the profile without socket: exit %d %q (%s), want 1 %q", code, out, strings.TrimSpace(errs), want)
			}
		})
	}
}
