package duckdb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// What systr-analyze says about a trace, in the shape the comparisons
// need: the json view's syscall events, summary's counts (Summarize, the
// code behind the summary verb) and the files view's files
// (CollectFiles, the code behind the files verb).

// jsonCall is a syscall event of systr-analyze json.
type jsonCall struct {
	Seq      int64         `json:"seq"`
	Time     int64         `json:"time"`
	Elapsed  int64         `json:"elapsed_ns"`
	Pid      int32         `json:"pid"`
	Tid      int32         `json:"tid"`
	Kind     string        `json:"kind"`
	Arch     string        `json:"arch"`
	Nr       int32         `json:"nr"`
	Name     string        `json:"name"`
	Args     []json.Number `json:"args"`
	Ret      *int64        `json:"ret"`
	Errno    *string       `json:"errno"`
	Duration *int64        `json:"duration_ns"`
	Flags    []string      `json:"flags"`
	Mem      []jsonRegion  `json:"mem"`
}

// jsonRegion is a buffer of a syscall event ("mem").
type jsonRegion struct {
	Arg    int32    `json:"arg"`
	Field  int32    `json:"field"`
	Dir    string   `json:"dir"`
	Addr   uint64   `json:"addr"`
	Len    int64    `json:"len"`
	Text   *string  `json:"text"`
	Base64 *string  `json:"base64"`
	Flags  []string `json:"flags"`
}

// jsonOther is a signal, newtask, exit or exec event.
type jsonOther struct {
	Seq       int64    `json:"seq"`
	Time      int64    `json:"time"`
	Pid       int32    `json:"pid"`
	Tid       int32    `json:"tid"`
	Kind      string   `json:"kind"`
	Signal    string   `json:"signal"`
	Signo     int32    `json:"signo"`
	Code      int32    `json:"code"`
	SenderPid int32    `json:"sender_pid"`
	Delivered int32    `json:"delivered"`
	ParentPid int32    `json:"parent_pid"`
	FormerTid int32    `json:"former_tid"`
	Path      string   `json:"path"`
	Argv      []string `json:"argv"`
	Arch      string   `json:"arch"`
	Thread    bool     `json:"thread"`
	Process   bool     `json:"process"`
	ExitCode  *int32   `json:"exit_code"`
}

// jsonView is what the json verb printed: the header's clock, host and
// working directory, the syscall events in order, the signal, newtask and
// exit events in order, and the number of events.
type jsonView struct {
	mono, wall    int64
	hostname, cwd string
	calls         []jsonCall
	others        []jsonOther
	events        int64
}

func readJSON(t *testing.T, analyze, trace string) *jsonView {
	t.Helper()
	out := run(t, 0, analyze, "json", trace)
	v := &jsonView{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var kind struct {
			Kind  string `json:"kind"`
			Clock struct {
				Mono int64 `json:"mono"`
				Wall int64 `json:"wall"`
			} `json:"clock"`
			Host struct {
				Hostname string `json:"hostname"`
			} `json:"host"`
			Cwd string `json:"cwd"`
		}
		if err := json.Unmarshal(line, &kind); err != nil {
			t.Fatalf("json line %q: %v", line, err)
		}
		if kind.Kind != "header" {
			v.events++
		}
		switch kind.Kind {
		case "header":
			v.mono, v.wall = kind.Clock.Mono, kind.Clock.Wall
			v.hostname, v.cwd = kind.Host.Hostname, kind.Cwd
		case "signal", "newtask", "exit", "exec":
			var o jsonOther
			if err := json.Unmarshal(line, &o); err != nil {
				t.Fatalf("json line %q: %v", line, err)
			}
			v.others = append(v.others, o)
		case "syscall":
			d := json.NewDecoder(bytes.NewReader(line))
			d.UseNumber()
			var c jsonCall
			if err := d.Decode(&c); err != nil {
				t.Fatalf("json line %q: %v", line, err)
			}
			v.calls = append(v.calls, c)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if v.wall == 0 || len(v.calls) == 0 {
		t.Fatalf("systr-analyze json %s: no header clock or no syscalls (%d)", trace, len(v.calls))
	}
	return v
}

// raw returns the raw register of argument i, as json prints it.
func (c *jsonCall) raw(t *testing.T, i int) uint64 {
	t.Helper()
	u, err := strconv.ParseUint(c.Args[i].String(), 10, 64)
	if err != nil {
		t.Fatalf("seq %d: argument %d %q: %v", c.Seq, i, c.Args[i], err)
	}
	return u
}

// call returns the json event as an analysis.Call, whose Arg and Result say
// how events.parquet holds the arguments and the result: as the kernel
// reads them (cut to the C type's width, sign-extended when signed:
// AT_FDCWD is -100 on every architecture), by the catalogue.
func (c *jsonCall) call(t *testing.T) *analysis.Call {
	t.Helper()
	arch, err := syscalls.ParseArch(c.Arch)
	if err != nil {
		t.Fatalf("seq %d: %v", c.Seq, err)
	}
	sc := &format.Syscall{Arch: arch, Nr: c.Nr}
	for i := range sc.Args {
		sc.Args[i] = c.raw(t, i)
	}
	if c.Ret != nil {
		sc.Ret = *c.Ret
	}
	return &analysis.Call{Syscall: sc}
}

// summarize and collectFiles run the analysis behind summary and files.
func summarize(t *testing.T, trace string) *analysis.Stats {
	t.Helper()
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s, err := analysis.Summarize(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func collectFiles(t *testing.T, trace string) []analysis.FileUse {
	t.Helper()
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	files, _, err := analysis.CollectFiles(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// asInt returns a DuckDB integer value (BIGINT, INTEGER, HUGEINT...) as
// an int64; ok is false for NULL or another type.
func asInt(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case int32:
		return int64(v), true
	case int16:
		return int64(v), true
	case int8:
		return int64(v), true
	case uint64:
		return int64(v), true
	case uint32:
		return int64(v), true
	case *big.Int:
		if v.IsInt64() {
			return v.Int64(), true
		}
	case float64:
		if v == float64(int64(v)) {
			return int64(v), true
		}
	}
	return 0, false
}

// asString returns a DuckDB VARCHAR; ok is false for NULL.
func asString(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

// nullInt renders a nullable integer for a message.
func nullInt(p *int64) string {
	if p == nil {
		return "NULL"
	}
	return strconv.FormatInt(*p, 10)
}

func nullStr(p *string) string {
	if p == nil {
		return "NULL"
	}
	return *p
}

func joinFlags(f []string) string { return strings.Join(f, ",") }
