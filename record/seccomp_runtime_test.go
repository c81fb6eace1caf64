//go:build linux

package record_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/seccomp"
	"golang.org/x/sys/unix"
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

// ociRun runs argv in a container of runtime rt (ociCommand) under
// profile p (nil: none). It returns the exit status, stdout and stderr.
func ociRun(t *testing.T, rt string, p *seccomp.Profile, c ociConf, argv ...string) (int, string, string) {
	t.Helper()
	run, del := ociCommand(t, rt, p, c, argv...)
	defer exec.Command(del[0], del[1:]...).Run() // normally gone already
	return runArgv(t, run)
}

// runArgv runs argv, returning its exit status, stdout and stderr.
func runArgv(t *testing.T, argv []string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	return code, stdout.String(), stderr.String()
}

// ociCommand makes the bundle of a container of runtime rt (the path of
// runc or crun) running argv, whose root is an empty read-only directory
// with the host's /usr and /etc (and c.dir, if not "", at /prog) bound
// read-only, under profile p (nil: none). It returns the command that
// runs it and the one that deletes it. runc keeps its state in a
// temporary directory; crun runs as in crunRun (a mount namespace of its
// own without the cgroup2 hierarchy of a hybrid host, cgroups off).
func ociCommand(t *testing.T, rt string, p *seccomp.Profile, c ociConf, argv ...string) (run, del []string) {
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
	if filepath.Base(rt) == "runc" {
		state := filepath.Join(bundle, "state")
		run, del = []string{rt, "--root", state, "run", "--bundle", bundle, id}, []string{rt, "--root", state, "delete", "-f", id}
	} else {
		script := `umount /sys/fs/cgroup/unified 2>/dev/null; exec "$0" --cgroup-manager=disabled run --bundle "$1" "$2"`
		run, del = []string{"unshare", "-m", "--propagation", "private", "sh", "-c", script, rt, bundle, id}, []string{rt, "delete", "-f", id}
	}
	// Whatever happens to the command (a recording or a script that
	// fails before its own delete, a detached container left waiting on
	// its fifo), the container goes with the test: before the bundle
	// (runc's state is in it), and "delete -f" of a container already
	// gone only fails.
	t.Cleanup(func() { exec.Command(del[0], del[1:]...).Run() })
	return run, del
}

// ociExecCommand returns the command that starts a container of runtime
// rt (ociCommand) running mainArgv detached, runs execArgv in it as
// docker exec and podman exec do (rt exec), deletes it and exits with
// execArgv's status (125 if the container did not start). The script
// deletes the container on every way out: left running, its program
// (waiting on a fifo) would hold the script's stderr open, and the test
// would wait for it forever.
func ociExecCommand(t *testing.T, rt string, p *seccomp.Profile, c ociConf, mainArgv []string, execArgv ...string) []string {
	t.Helper()
	run, _ := ociCommand(t, rt, p, c, mainArgv...)
	id := run[len(run)-1]
	bundle := run[len(run)-2]
	if filepath.Base(rt) == "runc" {
		script := `rt=$1 bundle=$2 id=$3 state=$4; shift 4
trap '"$rt" --root "$state" delete -f "$id" >/dev/null 2>&1' EXIT
"$rt" --root "$state" run -d --bundle "$bundle" "$id" </dev/null >/dev/null || exit 125
"$rt" --root "$state" exec "$id" "$@"; st=$?
"$rt" --root "$state" delete -f "$id" >/dev/null 2>&1
exit $st`
		return append([]string{"sh", "-c", script, "sh", rt, bundle, id, filepath.Join(bundle, "state")}, execArgv...)
	}
	script := `umount /sys/fs/cgroup/unified 2>/dev/null
rt=$1 bundle=$2 id=$3; shift 3
trap '"$rt" delete -f "$id" >/dev/null 2>&1' EXIT
"$rt" --cgroup-manager=disabled run -d --bundle "$bundle" "$id" </dev/null >/dev/null || exit 125
"$rt" exec "$id" "$@"; st=$?
"$rt" delete -f "$id" >/dev/null 2>&1
exit $st`
	return append([]string{"unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", rt, bundle, id}, execArgv...)
}

// fifoDir returns a directory holding a FIFO, "fifo", that anyone may
// open: a container's program opening it for reading waits (for a writer
// that never comes) until the container is deleted.
func fifoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(filepath.Join(dir, "fifo"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "fifo"), 0o666); err != nil { // past the umask
		t.Fatal(err)
	}
	return dir
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
// recorded, also run by "runc exec" or "crun exec" in a running container; the same profile without the runtime's calls (--runtime
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
				// docker exec, podman exec: the profile is the container's.
				ec := c
				ec.dir = fifoDir(t)
				if code, out, errs := runArgv(t, ociExecCommand(t, rt, p, ec, []string{"cat", "/prog/fifo"}, "cat", "/etc/hostname")); code != rec.st.Code || out != rec.stdout {
					t.Errorf("%+v: %s exec under the profile: exit %d %q (%s), recorded %v %q", c, name, code, out, strings.TrimSpace(errs), rec.st, rec.stdout)
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

// TestSeccompRuntimeCallsMeasured measures again what
// analysis.SeccompRuntimeCalls lists, on the runtime installed here: it
// records "runc run" and "crun run" of cat under an allow-all profile (in
// each configuration of TestSeccompRuntimes) and checks that every call
// the thread that installed the profile made after it, up to the
// program's execve, is in the runtime's list. Another runtime version
// that calls more fails it, naming the calls to add.
func TestSeccompRuntimeCallsMeasured(t *testing.T) {
	allowAll := &seccomp.Profile{DefaultAction: seccomp.ActAllow, Architectures: []seccomp.Arch{seccomp.ArchX86_64},
		Syscalls: []*seccomp.Syscall{{Names: []string{"kexec_load"}, Action: seccomp.ActErrno}}}
	for _, name := range []string{"runc", "crun"} {
		t.Run(name, func(t *testing.T) {
			rt := ociRuntime(t, name)
			t.Chdir(t.TempDir())
			list, err := analysis.SeccompRuntimeCalls(name)
			if err != nil {
				t.Fatal(err)
			}
			host, err := os.ReadFile("/etc/hostname")
			if err != nil {
				t.Skipf("no /etc/hostname to cat: %v", err)
			}
			for _, c := range []ociConf{{nnp: false}, {nnp: true}, {nnp: false, user: 1000, caps: true}, {nnp: true, user: 1000, caps: true}} {
				run, del := ociCommand(t, rt, allowAll, c, "cat", "/etc/hostname")
				rec := recordUnder(t, nil, run...)
				exec.Command(del[0], del[1:]...).Run()
				ec := c
				ec.dir = fifoDir(t)
				erec := recordUnder(t, nil, ociExecCommand(t, rt, allowAll, ec, []string{"cat", "/prog/fifo"}, "cat", "/etc/hostname")...)
				if rec.st.Code != 0 || rec.stdout != string(host) || erec.st.Code != 0 || erec.stdout != string(host) {
					t.Fatalf("%+v: recorded %s run: %v %q, %s exec: %v %q, want the host name", c, name, rec.st, rec.stdout, name, erec.st, erec.stdout)
				}
				after, n := afterFilter(slices.Concat(rec.calls, erec.calls))
				if n != 3 {
					t.Fatalf("%+v: %d threads of %s run and %s exec installed a seccomp filter, want 3 (the container's first process twice, the exec'd one)", c, n, name, name)
				}
				t.Logf("%+v: %s run and exec, calls after installing the profile: %v", c, name, after)
				for _, n := range after {
					if !slices.Contains(list, n) {
						t.Errorf("%+v: %s made %s after installing the profile, before the program's execve: not in analysis.SeccompRuntimeCalls(%q) (measured with %s)", c, name, n, name, analysis.SeccompRuntimeVersions)
					}
				}
			}
		})
	}
}

// afterFilter returns the names of the calls that the threads that
// installed a seccomp filter (prctl PR_SET_SECCOMP or seccomp
// SECCOMP_SET_MODE_FILTER with a program, succeeded) made after it, up to
// their execve, and how many threads did.
func afterFilter(calls []*format.Syscall) ([]string, int) {
	on := map[int32]bool{}
	n := 0
	var out []string
	for _, c := range calls {
		name := syscalls.Name(c.Arch, int(c.Nr))
		if c.Errno() == 0 && c.Flags&format.Unfinished == 0 &&
			(name == "prctl" && c.Args[0] == unix.PR_SET_SECCOMP && c.Args[1] == unix.SECCOMP_MODE_FILTER ||
				name == "seccomp" && c.Args[0] == unix.SECCOMP_SET_MODE_FILTER && c.Args[2] != 0) {
			on[c.Tid] = true
			n++
			continue
		}
		if !on[c.Tid] {
			continue
		}
		if name == "execve" || name == "execveat" {
			delete(on, c.Tid)
			continue
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, n
}
