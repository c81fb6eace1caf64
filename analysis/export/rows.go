package export

// The rows of the tables, one Go type each: parquet-go derives the
// Parquet schema from the struct tags. A nullable value is a pointer (a
// zero value is a real value); in the events and buffers tables it
// points into the row's own vals, so that a batch of rows is reused
// without allocating. Strings too: parquet-go v0.32.1 writes an optional
// string held by value ("" for null) as null or not by a bitmap walk
// that goes wrong (writeRowsFuncOfOptional: after a null at offset y of a
// 64-row block, a run of non-nulls whose bits above y read as (1<<y)-1,
// such as one non-null row at offset 1, makes every row to the end of
// the block non-null: "" instead of null), so every nullable string is a
// *string.

// EventRow is a row of events.parquet: one syscall.
type EventRow struct {
	Seq        int64   `parquet:"seq,delta"`
	TimeNs     int64   `parquet:"time_ns,delta"`
	ElapsedNs  int64   `parquet:"elapsed_ns,delta"`
	DurationNs *int64  `parquet:"duration_ns,optional"`
	Pid        int32   `parquet:"pid"`
	Tid        int32   `parquet:"tid"`
	Exe        *string `parquet:"exe,optional,dict"`
	Command    string  `parquet:"command,dict"`
	Arch       string  `parquet:"arch,dict"`
	Nr         int32   `parquet:"nr"`
	Name       string  `parquet:"name,dict"`
	A0         int64   `parquet:"a0,delta"`
	A1         int64   `parquet:"a1,delta"`
	A2         int64   `parquet:"a2,delta"`
	A3         int64   `parquet:"a3,delta"`
	A4         int64   `parquet:"a4,delta"`
	A5         int64   `parquet:"a5,delta"`
	Ret        *int64  `parquet:"ret,optional"`
	Errno      *string `parquet:"errno,optional,dict"`
	Path       *string `parquet:"path,optional,dict"`
	Fd         *int32  `parquet:"fd,optional"`
	Bytes      *int64  `parquet:"bytes,optional"`
	Flags      *string `parquet:"flags,optional,dict"`

	vals struct {
		duration, ret, bytes    int64
		fd                      int32
		exe, errno, path, flags string
	} `parquet:"-"`
}

// BufferRow is a row of buffers.parquet: the memory captured behind a
// pointer argument of a syscall.
type BufferRow struct {
	Seq   int64   `parquet:"seq,delta"`
	Arg   int32   `parquet:"arg"`
	Field int32   `parquet:"field"`
	Dir   string  `parquet:"dir,dict"`
	Addr  int64   `parquet:"addr,delta"`
	Len   int64   `parquet:"len"`
	Data  []byte  `parquet:"data"`
	Flags *string `parquet:"flags,optional,dict"`

	flags string `parquet:"-"`
}

// SignalRow is a row of signals.parquet: a signal about to be delivered.
type SignalRow struct {
	Seq       int64  `parquet:"seq,delta"`
	TimeNs    int64  `parquet:"time_ns,delta"`
	Pid       int32  `parquet:"pid"`
	Tid       int32  `parquet:"tid"`
	Signal    string `parquet:"signal,dict"`
	Signo     int32  `parquet:"signo"`
	Code      int32  `parquet:"code"`
	SenderPid *int32 `parquet:"sender_pid,optional"`
	Delivered int32  `parquet:"delivered"`

	sender int32 `parquet:"-"`
}

// ExecRow is a row of execs.parquet: a successful execve, the new image
// of a process (a process that ran several programs has a row for each).
type ExecRow struct {
	Seq       int64    `parquet:"seq,delta"`
	TimeNs    int64    `parquet:"time_ns,delta"`
	Pid       int32    `parquet:"pid"`
	Tid       int32    `parquet:"tid"`
	FormerTid int32    `parquet:"former_tid"`
	Path      string   `parquet:"path"`
	Argv      []string `parquet:"argv,list"`
	Arch      *string  `parquet:"arch,optional"`
	Runtime   *string  `parquet:"runtime,optional"`
}

// ProcRow is a row of procs.parquet: one process.
type ProcRow struct {
	Pid        int32    `parquet:"pid"`
	Parent     *int32   `parquet:"parent,optional"`
	Exe        *string  `parquet:"exe,optional"`
	Argv       []string `parquet:"argv,list"`
	Command    string   `parquet:"command,dict"`
	Execs      int32    `parquet:"execs"`
	Threads    int32    `parquet:"threads"`
	StartNs    int64    `parquet:"start_ns"`
	EndNs      *int64   `parquet:"end_ns,optional"`
	ExitCode   *int32   `parquet:"exit_code,optional"`
	Signal     *string  `parquet:"signal,optional"`
	CoreDumped bool     `parquet:"core_dumped"`
}

// FileRow is a row of files.parquet: one file as the files view shows it.
type FileRow struct {
	Path         string   `parquet:"path"`
	Ops          *string  `parquet:"ops,optional,dict"`
	FailedOps    *string  `parquet:"failed_ops,optional,dict"`
	Calls        int64    `parquet:"calls"`
	OK           int64    `parquet:"ok"`
	Failed       int64    `parquet:"failed"`
	Errors       []string `parquet:"errors,list"`
	BytesRead    int64    `parquet:"bytes_read"`
	BytesWritten int64    `parquet:"bytes_written"`
	Pids         []int32  `parquet:"pids,list"`
	FirstNs      int64    `parquet:"first_ns"`
	LastNs       int64    `parquet:"last_ns"`
}

// TraceRow is the one row of trace.parquet: the recording.
type TraceRow struct {
	// Hostname is the recording's (the header's); the host and trace
	// partition values are the directories' (hive partitioning), kept
	// out of the files so that no engine sees two columns of one name.
	Hostname      string   `parquet:"hostname"`
	Command       string   `parquet:"command,dict"`
	Argv          []string `parquet:"argv,list"`
	Cwd           string   `parquet:"cwd"`
	StartNs       int64    `parquet:"start_ns"`
	EndNs         *int64   `parquet:"end_ns,optional"`
	Events        int64    `parquet:"events"`
	Syscalls      int64    `parquet:"syscalls"`
	Lost          int64    `parquet:"lost"`
	Complete      bool     `parquet:"complete"`
	Truncated     *string  `parquet:"truncated,optional"`
	Traced        string   `parquet:"traced"`
	Arches        []string `parquet:"arches,list"`
	Kernel        string   `parquet:"kernel"`
	Machine       string   `parquet:"machine"`
	SystrVersion  string   `parquet:"systr_version"`
	FormatVersion string   `parquet:"format_version"`
	Source        string   `parquet:"source"`
}
