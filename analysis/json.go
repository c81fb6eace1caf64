package analysis

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// JSONOptions tune JSON.
type JSONOptions struct {
	Selection
}

// JSON writes the events of r that o selects (nil: all) as JSON Lines,
// one object per line, for jq and other tools. Every field of the trace is
// there; fields that do not apply are left out.
//
// The first line describes the recording:
//
//	{"kind":"header","format":"1.0","writer":"systr","writer_version":"0.1.0",
//	 "clock":{"mono":16052575258288,"wall":1796050462115657828},"start":16052575258288,
//	 "host":{"hostname":"vm","kernel":"6.18.44","version":"#1 SMP ...","machine":"x86_64","cpus":2,"page_size":4096},
//	 "argv":["/bin/true"],"cwd":"/tmp","env":["PATH=/usr/bin"],"env_redacted":false,"attached":[12],
//	 "attached_procs":[{"pid":12,"argv":["sleep","60"],"exe":"/usr/bin/sleep","cwd":"/tmp","fds":{"0":"/dev/null"}}],
//	 "fds":{"0":"/dev/pts/0","1":"pipe:[4711]","2":"/dev/pts/0"},
//	 "traced":"all","signals":"","limits":{"in":4096,"out":1048576,"strings":4096},"arches":["x86_64","i386"],
//	 "extra":{"key":"value"}}
//
// clock relates event times to the wall clock (wall ns = clock.wall +
// time - clock.mono); start is the recording's start (Start); env is null
// when redacted; attached (the pids attached to), attached_procs (their
// command lines, executables, working directories and descriptors at
// attach), fds (what the started program's inherited descriptors referred
// to) and extra appear when not empty.
//
// Every event has
//
//	"seq"         its place in the trace's order (from 1)
//	"time"        when it happened, ns of CLOCK_MONOTONIC (a syscall's entry)
//	"elapsed_ns"  time - start
//	"pid", "tid"  the process and thread
//	"kind"        "syscall", "newtask", "exec", "signal", "exit", "detach", "lost", "file" or "mapping"
//
// and, by kind:
//
// syscall:
//
//	"arch"        "x86_64", "i386", "aarch64" (Arch.String)
//	"nr", "name"  the number, and the name strace prints ("syscall_0x1c7" if unknown)
//	"args"        the six raw arguments, as unsigned integers
//	"ret"         the raw result (-errno on failure); absent if unfinished
//	"errno"       the error's name ("ENOENT", "ERESTARTSYS"; the number as a string if it has none), when it failed
//	"exit"        when it returned, ns of CLOCK_MONOTONIC; absent if unfinished
//	"duration_ns" exit - time; absent if unfinished
//	"flags"       any of "unfinished", "restarted", "injected", "skipped"; absent if none
//	"regs"        the raw registers at entry (user_regs_struct), base64; absent if not recorded
//	"regs_exit"   [{"offset":80,"value":5}, ...]: registers changed at exit (byte offset in regs)
//	"mem"         the captured memory: [{"arg":1,"field":0,"dir":"out","addr":140737488346112,
//	              "len":5,"text":"hello","flags":["truncated"]}, ...], where arg is the argument
//	              whose pointer it was (-1: none), field the index of a part reached through a
//	              struct (iovec buffers), dir "in" (read by the kernel, captured at entry) or
//	              "out" (written by it, at exit), len the region's full length; the bytes
//	              captured are in "text" when they are valid UTF-8 made of printable
//	              characters, newlines, tabs, carriage returns and NULs (paths keep their
//	              final NUL; argv/envp arrays are their strings, NUL-separated), else in
//	              "base64"; flags are "truncated" (fewer bytes than len were kept), "fault"
//	              (the memory could not be read in full), "redacted" (masked on request),
//	              "unavailable" (bytes copied out of a pipe the recorder could not read);
//	              the bytes a copy inside the kernel (sendfile, splice...) moved are the
//	              region of arg -1 and field 192 (format.CopiedField)
//	"text"        the call as strace prints it: "read(3, \"hello\", 5) = 5"
//
// newtask (a thread or process created; pid and tid are the new task's):
//
//	"parent_pid", "parent_tid"
//	"flags"       the clone flags (exit signal in the low byte); "flags_text": "CLONE_VM|...|SIGCHLD"
//	"thread"      true for a thread of the parent's process
//	"how"         "fork", "vfork", "clone" or "unknown"
//	"arch"        when known
//
// exec (a successful execve; tid now has the leader's id):
//
//	"former_tid", "path", "argv", "envp" (null when redacted), "arch" (when known)
//
// signal (about to be delivered to tid):
//
//	"signal"      "SIGCHLD"; "signo" 17
//	"code"        si_code; "code_name" "CLD_EXITED"
//	"sender_pid", "sender_uid"
//	"delivered"   the signal actually delivered: signo, another, or 0 (suppressed)
//	"info"        the raw siginfo, base64, when recorded
//	"text"        as strace prints it: "--- SIGCHLD {si_signo=SIGCHLD, ...} ---"
//
// exit (a thread ended; "process" is true for a process's last thread):
//
//	"process", "status" (the raw wait status), then "exit_code" for an exit,
//	or "signal", "signo" and "core_dumped" for a death by signal;
//	"text": "+++ exited with 0 +++", "+++ killed by SIGKILL +++"
//
// detach (the tracer let the thread go): nothing more.
//
// lost (events the recorder lost): "count", "reason".
//
// file (a file the program mapped: its identity, or a piece of stored
// content; see format.File):
//
//	"id", "path", "dev", "ino", "size", "mtime_ns", "ctime_ns", "mode", "elf",
//	"build_id" and "sha256" (hex, when recorded) for an identity;
//	"content" (the blob's SHA-256, hex), "off", "total" and "data" (base64) for content
//
// mapping (a successful mmap of a file; see format.Mapping):
//
//	"file" (the file's id), "addr", "len", "prot", "flags", "fd", "offset",
//	"content" (the key of the blob with the bytes mapped, when stored), "stored",
//	"note" (why the content is missing)
//
// Integers are exact (64-bit: a decoder that reads numbers as doubles,
// like jq's arithmetic, rounds those above 2^53, such as some addresses
// and arguments). Strings other than memory regions (paths, argv, envp)
// are UTF-8: invalid bytes in them become U+FFFD.
//
// JSON streams and stops at the first error reading r or writing w, after
// writing every line before it; a truncated trace is written up to where
// it ends and JSON returns nil.
func JSON(w io.Writer, r *format.Reader, o *JSONOptions) error {
	if o == nil {
		o = &JSONOptions{}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	newWriter := func() *jsonWriter {
		return &jsonWriter{
			start: Start(r),
			arch:  mainArch(r.Header()),
			popts: strace.Options{StartColumn: math.MaxInt32},
		}
	}
	j := newWriter()
	j.b = j.header(j.b[:0], r.Header())
	if _, err := bw.Write(j.b); err != nil {
		return fmt.Errorf("analysis: json: writing: %w", err)
	}
	return renderView("json", bw, o.Selection.Events(r), renderWorkers(), nil, func() renderFunc {
		j := newWriter()
		return func(b []byte, ev format.Event, _ int64) []byte { return j.event(b, ev) }
	})
}

type jsonWriter struct {
	start int64
	arch  syscalls.Arch
	popts strace.Options
	sig   sigCodes
	b     []byte
	text  []byte // a call's text, before it is quoted into b
}

// header appends the header line.
func (j *jsonWriter) header(b []byte, h *format.Header) []byte {
	b = append(b, `{"kind":"header","format":"`...)
	b = strconv.AppendUint(b, uint64(h.Major), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(h.Minor), 10)
	b = append(b, '"')
	b = jStr(b, "writer", h.Writer)
	b = jStr(b, "writer_version", h.WriterVersion)
	b = append(b, `,"clock":{"mono":`...)
	b = strconv.AppendInt(b, h.Clock.Mono, 10)
	b = append(b, `,"wall":`...)
	b = strconv.AppendInt(b, h.Clock.Wall, 10)
	b = append(b, '}')
	b = jInt(b, "start", j.start)
	b = append(b, `,"host":{"hostname":`...)
	b = appendJSONString(b, h.Host.Hostname)
	b = jStr(b, "kernel", h.Host.Kernel)
	b = jStr(b, "version", h.Host.Version)
	b = jStr(b, "machine", h.Host.Machine)
	b = jInt(b, "cpus", int64(h.Host.CPUs))
	b = jInt(b, "page_size", int64(h.Host.PageSize))
	b = append(b, '}')
	b = jStrings(b, "argv", h.Argv, false)
	b = jStr(b, "cwd", h.Cwd)
	b = jStrings(b, "env", h.Env, true)
	b = jBool(b, "env_redacted", h.EnvRedacted)
	b = jList(b, "attached", h.Attached, func(b []byte, p *int) []byte { return strconv.AppendInt(b, int64(*p), 10) })
	b = jList(b, "attached_procs", h.AttachedProcs, func(b []byte, pi *format.ProcInfo) []byte {
		b = strconv.AppendInt(append(b, `{"pid":`...), int64(pi.Pid), 10)
		b = jStrings(b, "argv", pi.Argv, false)
		b = jStr(b, "exe", pi.Exe)
		return append(jFds(jStr(b, "cwd", pi.Cwd), pi.Fds), '}')
	})
	b = jFds(b, h.Fds)
	b = jStr(b, "traced", h.Traced)
	b = jStr(b, "signals", h.Signals)
	b = append(b, `,"limits":{"in":`...)
	b = strconv.AppendInt(b, int64(h.Limits.In), 10)
	b = jInt(b, "out", int64(h.Limits.Out))
	b = jInt(b, "strings", int64(h.Limits.Strings))
	b = append(b, `},"arches":[`...)
	for i, a := range h.Arches {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, a.String())
	}
	b = append(b, ']')
	if len(h.Extra) > 0 {
		b = append(b, `,"extra":{`...)
		keys := make([]string, 0, len(h.Extra))
		for k := range h.Extra {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, h.Extra[k])
		}
		b = append(b, '}')
	}
	return append(b, "}\n"...)
}

// event appends the line of ev.
func (j *jsonWriter) event(b []byte, ev format.Event) []byte {
	h := ev.Base()
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, h.Seq, 10)
	b = jInt(b, "time", h.Time)
	b = jInt(b, "elapsed_ns", h.Time-j.start)
	b = jInt(b, "pid", int64(h.Pid))
	b = jInt(b, "tid", int64(h.Tid))
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, ev.Kind().String())
	switch v := ev.(type) {
	case *format.Syscall:
		b = j.syscall(b, v)
	case *format.NewTask:
		b = jInt(b, "parent_pid", int64(v.ParentPid))
		b = jInt(b, "parent_tid", int64(v.ParentTid))
		b = append(b, `,"flags":`...)
		b = strconv.AppendUint(b, v.Flags, 10)
		b = jStr(b, "flags_text", strace.LookupFlagSet("clone").Format(v.Flags))
		b = jBool(b, "thread", v.Thread)
		b = jStr(b, "how", v.Method())
		if v.Arch != 0 {
			b = jStr(b, "arch", v.Arch.String())
		}
	case *format.Exec:
		b = jInt(b, "former_tid", int64(v.FormerTid))
		b = jStr(b, "path", v.Path)
		b = jStrings(b, "argv", v.Argv, false)
		b = jStrings(b, "envp", v.Envp, true)
		if v.Arch != 0 {
			b = jStr(b, "arch", v.Arch.String())
		}
		if v.Random != nil {
			b = jStr(b, "at_random", hex.EncodeToString(v.Random))
		}
		if v.Runtime != "" {
			b = jStr(b, "runtime", v.Runtime)
		}
	case *format.Insn:
		b = jStr(b, "op", v.Op.String())
		if v.Op == format.CPUID {
			b = jInt(b, "leaf", int64(v.Leaf))
			b = jInt(b, "subleaf", int64(v.Subleaf))
			b = jInt(b, "eax", int64(v.EAX))
			b = jInt(b, "ebx", int64(v.EBX))
			b = jInt(b, "ecx", int64(v.ECX))
			b = jInt(b, "edx", int64(v.EDX))
		} else {
			b = append(b, `,"tsc":`...)
			b = strconv.AppendUint(b, v.TSC(), 10)
			if v.Op == format.RDTSCP {
				b = jInt(b, "aux", int64(v.ECX))
			}
		}
		var t [128]byte
		b = jStrBytes(b, "text", appendInsn(t[:0], v), "")
	case *format.Signal:
		b = jStr(b, "signal", syscalls.SignalName(int(v.Signal)))
		b = jInt(b, "signo", int64(v.Signal))
		b = jInt(b, "code", int64(v.Code))
		b = jStr(b, "code_name", j.sig.name(v.Signal, v.Code))
		b = jInt(b, "sender_pid", int64(v.SenderPid))
		b = jInt(b, "sender_uid", int64(v.SenderUid))
		b = jInt(b, "delivered", int64(v.Delivered))
		if v.Info != nil {
			b = jBase64(b, "info", v.Info)
		}
		var t [256]byte
		b = jStrBytes(b, "text", j.sig.appendSignal(append(t[:0], "--- "...), v, j.arch), " ---")
	case *format.Exit:
		b = jBool(b, "process", v.Process)
		b = jInt(b, "status", int64(v.Status))
		if sig := v.Signaled(); sig != 0 {
			b = jStr(b, "signal", syscalls.SignalName(sig))
			b = jInt(b, "signo", int64(sig))
			b = jBool(b, "core_dumped", v.Status&0x80 != 0)
		} else if ok, code := v.Exited(); ok {
			b = jInt(b, "exit_code", int64(code))
		}
		var t [64]byte
		b = jStrBytes(b, "text", appendExit(t[:0], v), "")
	case *format.Lost:
		b = append(b, `,"count":`...)
		b = strconv.AppendUint(b, v.Count, 10)
		b = jStr(b, "reason", v.Reason)
	case *format.File, *format.Mapping:
		b = mappedJSON(b, ev)
	}
	return append(b, "}\n"...)
}

// syscallFlags names format.SyscallFlags bits, in bit order.
var syscallFlags = []string{"unfinished", "restarted", "injected", "skipped"}

// syscall appends the fields of a syscall event.
func (j *jsonWriter) syscall(b []byte, s *format.Syscall) []byte {
	b = jStr(b, "arch", s.Arch.String())
	b = jInt(b, "nr", int64(s.Nr))
	b = jStr(b, "name", syscalls.FormatName(s.Arch, int(s.Nr)))
	b = append(b, `,"args":[`...)
	for i, a := range s.Args {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, a, 10)
	}
	b = append(b, ']')
	unfinished := s.Flags&format.Unfinished != 0
	if !unfinished {
		b = jInt(b, "ret", s.Ret)
		if e := s.Errno(); e != 0 {
			name := syscalls.ErrnoName(e)
			if name == "" {
				name = strconv.Itoa(e)
			}
			b = jStr(b, "errno", name)
		}
		b = jInt(b, "exit", s.Exit)
		b = jInt(b, "duration_ns", s.Duration())
	}
	if s.Flags != 0 {
		b = append(b, `,"flags":[`...)
		n := 0
		for i, name := range syscallFlags {
			if s.Flags&(1<<i) != 0 {
				if n > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, name)
				n++
			}
		}
		if other := s.Flags &^ (1<<len(syscallFlags) - 1); other != 0 {
			if n > 0 {
				b = append(b, ',')
			}
			b = append(b, `"0x`...)
			b = strconv.AppendUint(b, uint64(other), 16)
			b = append(b, '"')
		}
		b = append(b, ']')
	}
	if s.Regs != nil {
		b = jBase64(b, "regs", s.Regs)
	}
	b = jList(b, "regs_exit", s.RegsExit, func(b []byte, r *format.RegChange) []byte {
		b = strconv.AppendUint(append(b, `{"offset":`...), uint64(r.Offset), 10)
		b = strconv.AppendUint(jKey(b, "value"), r.Value, 10)
		return append(b, '}')
	})
	b = jList(b, "mem", s.Mem, appendRegion)
	b = append(b, `,"text":`...)
	j.text = appendCall(j.text[:0], s, &j.popts)
	return appendJSONBytes(b, j.text)
}

// appendRegion appends one captured region as an object.
func appendRegion(b []byte, r *format.Region) []byte {
	b = append(b, `{"arg":`...)
	b = strconv.AppendInt(b, int64(r.Arg), 10)
	b = jInt(b, "field", int64(r.Field))
	b = jStr(b, "dir", r.Dir.String())
	b = append(b, `,"addr":`...)
	b = strconv.AppendUint(b, r.Addr, 10)
	b = append(b, `,"len":`...)
	b = strconv.AppendUint(b, r.Len, 10)
	n := len(b)
	b = append(b, `,"text":`...)
	var ok bool
	if b, ok = appendText(b, r.Data); !ok {
		b = jBase64(b[:n], "base64", r.Data)
	}
	if r.Truncated() || r.Flags != 0 {
		b = append(b, `,"flags":[`...)
		sep := false
		add := func(name string) {
			if sep {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, name...)
			b = append(b, '"')
			sep = true
		}
		if r.Truncated() {
			add("truncated")
		}
		if r.Flags&format.Fault != 0 {
			add("fault")
		}
		if r.Flags&format.Redacted != 0 {
			add("redacted")
		}
		if r.Flags&format.Unavailable != 0 {
			add("unavailable")
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendText appends b as a JSON string if it is valid UTF-8 made of
// printable characters, newlines, tabs, carriage returns and NULs (what
// JSON shows as "text"); otherwise it reports false, having appended
// part of it.
func appendText(dst, b []byte) ([]byte, bool) {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 || !unicode.IsPrint(r) {
				return dst, false
			}
			i += n
			continue
		}
		switch c {
		case '"', '\\', '\n', '\r', '\t', 0:
			dst = appendJSONEscape(append(dst, b[start:i]...), c)
		default:
			return dst, false
		}
		i++
		start = i
	}
	dst = append(dst, b[start:]...)
	return append(dst, '"'), true
}

// jKey appends ,"key": (the start of every field after an object's
// first).
func jKey(b []byte, key string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

// jInt appends ,"key":v.
func jInt(b []byte, key string, v int64) []byte {
	return strconv.AppendInt(jKey(b, key), v, 10)
}

// jBool appends ,"key":v.
func jBool(b []byte, key string, v bool) []byte {
	return strconv.AppendBool(jKey(b, key), v)
}

// jFds appends ,"fds":{"0":"/dev/pts/0",...} in the order of the fds,
// nothing for none.
func jFds(b []byte, fds map[int]string) []byte {
	if len(fds) == 0 {
		return b
	}
	keys := make([]int, 0, len(fds))
	for fd := range fds {
		keys = append(keys, fd)
	}
	slices.Sort(keys)
	b = append(b, `,"fds":{`...)
	for i, fd := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, strconv.Itoa(fd))
		b = appendJSONString(append(b, ':'), fds[fd])
	}
	return append(b, '}')
}

// jStr appends ,"key":"v".
func jStr(b []byte, key, v string) []byte {
	return appendJSONString(jKey(b, key), v)
}

// jStrBytes appends ,"key":"v+suffix".
func jStrBytes(b []byte, key string, v []byte, suffix string) []byte {
	return appendJSONBytes(jKey(b, key), append(v, suffix...))
}

// jBase64 appends ,"key":"base64 of v".
func jBase64(b []byte, key string, v []byte) []byte {
	b = append(jKey(b, key), '"')
	b = base64.StdEncoding.AppendEncode(b, v)
	return append(b, '"')
}

// jHex appends ,"key":"hex of v".
func jHex(b []byte, key string, v []byte) []byte {
	b = append(jKey(b, key), '"')
	b = hex.AppendEncode(b, v)
	return append(b, '"')
}

// jList appends ,"key":[...], each element of v as elem appends it;
// nothing for none.
func jList[T any](b []byte, key string, v []T, elem func(b []byte, x *T) []byte) []byte {
	if len(v) == 0 {
		return b
	}
	b = append(jKey(b, key), '[')
	for i := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, &v[i])
	}
	return append(b, ']')
}

// jStrings appends ,"key":[...], or null for a nil list if nullable.
func jStrings(b []byte, key string, v []string, nullable bool) []byte {
	b = jKey(b, key)
	if v == nil && nullable {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	return appendJSON(b, s)
}

// appendJSONBytes appends the bytes s as a JSON string.
func appendJSONBytes(b []byte, s []byte) []byte {
	return appendJSON(b, s)
}

const hexDigits = "0123456789abcdef"

// appendJSONEscape appends the JSON escape of the ASCII byte c (a quote,
// a backslash or a control character).
func appendJSONEscape(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// appendJSON appends s as a JSON string: quotes, backslashes, control
// characters and U+2028/U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
// (HTML characters are left alone.)
func appendJSON[T string | []byte](b []byte, s T) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = appendJSONEscape(append(b, s[start:i]...), c)
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			// Valid JSON, but not JavaScript before ES2019: escaped
			// for viewers that eval (old trace viewers).
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += n
			start = i
			continue
		}
		i += n
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
