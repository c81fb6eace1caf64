package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Options tune Parquet and Traces.
type Options struct {
	// Host is the host partition's value; "": each trace's header's
	// hostname.
	Host string
	// Trace is the trace partition's value, for a single trace; "": the
	// trace file's base name without its extension.
	Trace string
	// Replace lets an export replace a trace directory that exists
	// already; without it that is an error (ErrExists).
	Replace bool
	// RowGroup is the number of rows of a row group (0: DefaultRowGroup).
	// A buffers row group is also cut at 32 MiB of captured bytes (held in
	// memory, compressed, until the row group is written).
	RowGroup int
}

// DefaultRowGroup is the number of rows of a row group by default.
const DefaultRowGroup = 64 << 10

// bufferGroupBytes bounds the captured bytes of a buffers row group.
const bufferGroupBytes = 32 << 20

// ErrExists is the error of an export whose trace directory exists
// already (without Options.Replace).
var ErrExists = errors.New("export: the trace directory exists already")

// Input is one trace to export: its reader and the path it was opened
// from (the default trace name, and trace.parquet's source). With no
// Reader, Traces opens Path itself, once to check it and again only
// while its trace is written.
type Input struct {
	Path   string
	Reader *format.Reader
}

// Parquet exports the trace files paths into dir (see Traces). Each is
// opened first (one that cannot be read is an error before anything is
// written), then closed, and opened again only while its trace is
// written: a fleet's thousands of traces are not all open at once (an fd
// each, and a reader that was read holds its decoding buffers, ~180 KiB,
// until closed).
func Parquet(dir string, o *Options, paths ...string) ([]string, error) {
	in := make([]Input, len(paths))
	for i, p := range paths {
		in[i] = Input{Path: p}
	}
	return Traces(dir, o, in...)
}

// written, when not nil, is called after each trace is written (tests).
var written func(dst string)

// Traces writes each input into its directory under dir,
// dir/host=HOST/trace=TRACE/, as the tables events, buffers, signals,
// execs, procs, files and trace (.parquet), and returns those directories. The
// names are checked first: two inputs with one name, Options.Trace given
// for more than one input, or a trace directory that exists already
// (without Options.Replace) is an error before anything is written. Each
// trace is written into a temporary directory beside its own and renamed
// into place once whole: a failed export leaves no part of one behind
// (the traces before it are whole). o nil means the zero Options. The
// readers given stay the caller's; those Traces opens, it holds one at a
// time.
func Traces(dir string, o *Options, in ...Input) ([]string, error) {
	if o == nil {
		o = &Options{}
	}
	if o.Trace != "" && len(in) > 1 {
		return nil, fmt.Errorf("export: a trace name (%q) names one trace, not %d", o.Trace, len(in))
	}
	if o.RowGroup < 0 {
		return nil, fmt.Errorf("export: a row group of %d rows: want 1 or more (0: the default)", o.RowGroup)
	}
	if dir == "" {
		return nil, errors.New("export: no output directory")
	}
	type job struct {
		in          Input
		host, trace string
		dst         string
	}
	var jobs []job
	seen := map[string]string{}
	for _, i := range in {
		h, err := header(i)
		if err != nil {
			return nil, err
		}
		host, trace := Names(h, i.Path, o)
		dst := filepath.Join(dir, "host="+Escape(host), "trace="+Escape(trace))
		if prev, dup := seen[dst]; dup {
			return nil, fmt.Errorf("export: %s and %s both export to host %q, trace %q: give each its own name", prev, i.Path, host, trace)
		}
		seen[dst] = i.Path
		if _, err := os.Lstat(dst); err == nil && !o.Replace {
			return nil, fmt.Errorf("%w: %s", ErrExists, dst)
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("export: cannot write under %s: %w", dir, err)
		}
		jobs = append(jobs, job{in: i, host: host, trace: trace, dst: dst})
	}
	var dirs []string
	for _, j := range jobs {
		if err := writeOpened(j.dst, j.in, j.host, o); err != nil {
			return dirs, err
		}
		dirs = append(dirs, j.dst)
		if written != nil {
			written(j.dst)
		}
	}
	return dirs, nil
}

// Names returns the host and trace partition values of the trace with
// header h read from path: o's, else the header's hostname and path's
// base name without its extension; made valid UTF-8 (invalid bytes
// become U+FFFD).
func Names(h *format.Header, path string, o *Options) (host, trace string) {
	host, trace = h.Host.Hostname, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if o != nil && o.Host != "" {
		host = o.Host
	}
	if o != nil && o.Trace != "" {
		trace = o.Trace
	}
	return text(host), text(trace)
}

// Tables are the tables each trace directory holds, as NAME.parquet.
var Tables = []string{"events", "buffers", "signals", "execs", "procs", "files", "trace"}

// partial is the name of table while it is written: no query's
// *.parquet matches it.
func partial(dir, table string) string { return filepath.Join(dir, table+".parquet.partial") }

// header returns in's trace header, opening its file (and closing it)
// when in has no Reader.
func header(in Input) (*format.Header, error) {
	if in.Reader != nil {
		return in.Reader.Header(), nil
	}
	r, err := format.Open(in.Path)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer r.Close()
	return r.Header(), nil
}

// writeOpened is writeTrace, opening in's trace file if it has no Reader
// (and closing it after).
func writeOpened(dst string, in Input, host string, o *Options) error {
	if in.Reader == nil {
		r, err := format.Open(in.Path)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer r.Close()
		in.Reader = r
	}
	return writeTrace(dst, in, host, o)
}

// rename renames each table of dir from NAME.parquet.partial to
// NAME.parquet, or back (hide). A table dir does not have is skipped both
// ways: a directory exported before one of the tables existed, hidden and
// then given back when its replacement failed, shows all it had.
func rename(dir string, hide bool) error {
	for _, t := range Tables {
		from, to := partial(dir, t), filepath.Join(dir, t+".parquet")
		if hide {
			from, to = to, from
		}
		if err := os.Rename(from, to); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// writeTrace writes one trace into a temporary sibling of dst (hidden,
// its tables named NAME.parquet.partial), renames it to dst (the
// directory it replaces, its tables hidden first, is removed), then names
// the tables NAME.parquet. An export stopped at any point leaves no
// hidden directory holding a table a query over DIR/**/*.parquet reads,
// nor a table half written.
func writeTrace(dst string, in Input, host string, o *Options) (err error) {
	parent := filepath.Dir(dst)
	made, err := mkdirs(parent)
	if err != nil {
		return fmt.Errorf("export: making %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, ".systr-export-")
	if err != nil {
		removeEmpty(made)
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
			removeEmpty(made)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := write(tmp, in, host, o); err != nil {
		return fmt.Errorf("export: %s: %w", in.Path, err)
	}
	if err := syncDir(tmp); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var old string
	if _, serr := os.Lstat(dst); serr == nil {
		if !o.Replace {
			// Made since Traces looked (another export of the same name).
			return fmt.Errorf("%w: %s", ErrExists, dst)
		}
		old = tmp + ".old"
		if err := rename(dst, true); err != nil {
			rename(dst, false)
			return fmt.Errorf("export: replacing %s: %w", dst, err)
		}
		if err := os.Rename(dst, old); err != nil {
			rename(dst, false)
			return fmt.Errorf("export: replacing %s: %w", dst, err)
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		if old != "" {
			os.Rename(old, dst)
			rename(dst, false)
		}
		return fmt.Errorf("export: %w", err)
	}
	if err := rename(dst, false); err != nil {
		return fmt.Errorf("export: naming the tables of %s: %w", dst, err)
	}
	if err := errors.Join(syncDir(dst), syncDir(parent)); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("export: removing the replaced %s: %w", dst, err)
		}
	}
	return nil
}

// mkdirs makes dir and its missing parents and returns those it made,
// deepest first.
func mkdirs(dir string) ([]string, error) {
	var made []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		made = append(made, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		removeEmpty(made)
		return nil, err
	}
	return made, nil
}

// removeEmpty removes the directories made (deepest first) that are still
// empty.
func removeEmpty(made []string) {
	for _, d := range made {
		if os.Remove(d) != nil {
			return
		}
	}
}

// archNames returns the names of the architectures.
func archNames(as []syscalls.Arch) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

// command is the trace's command line, shell-quoted: the recorded argv,
// or what the first process attached to ran.
func command(h *format.Header) string {
	if len(h.Argv) == 0 && len(h.AttachedProcs) > 0 {
		return analysis.CommandLine(h.AttachedProcs[0].Argv, h.AttachedProcs[0].Exe)
	}
	return analysis.CommandLine(h.Argv, "")
}

// syncDir makes dir's entries (names made or renamed in it) durable.
// Windows cannot flush a directory (its renames are durable when they
// return): nothing to do there.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
