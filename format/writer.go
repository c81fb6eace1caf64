package format

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/vmihailenco/msgpack/v5"
)

// WriterOptions tune a Writer. The zero value gives the defaults.
type WriterOptions struct {
	// ChunkSize is the raw size at which a chunk is cut (default 1 MiB).
	ChunkSize int
	// FlushInterval is the longest an event waits in an unfinished chunk
	// (default 1 s). With ChunkSize it bounds what a crash loses.
	FlushInterval time.Duration
	// Fast compresses faster and less (zstd level 1 instead of 3).
	Fast bool
	// Workers is the number of chunks compressed at once (default: up to
	// 4, at most GOMAXPROCS).
	Workers int
}

// Writer writes a trace: the header at once, then events in chunks that
// are compressed on other goroutines and reach the file whole, then at
// Close the index and the trailer. Its methods are safe for concurrent use.
type Writer struct {
	opts WriterOptions
	out  io.Writer
	file *os.File // when the Writer created it

	mu       sync.Mutex
	buf      bytes.Buffer
	enc      *msgpack.Encoder
	cur      chunkStats
	started  time.Time // when the current chunk got its first event
	nextSeq  uint64
	chunkSeq uint64
	closed   bool

	zenc    *zstd.Encoder
	pending chan *job // chunks in file order, bounded: backpressure
	done    chan struct{}
	stop    chan struct{}

	// Written by the file goroutine, read after it ends (or under wmu).
	wmu    sync.Mutex
	offset int64
	index  Index
	err    error
}

type chunkStats struct {
	n          uint32
	base       chunkBase // the chunk's first event
	prev       chunkBase // the last event written
	last       uint64
	tsMin      int64
	tsMax      int64
	pids       []int32
	syscalls   map[uint64]struct{}
	hasEvents  bool
	hasTsRange bool
}

type job struct {
	// written, if not nil, is closed once the chunk (or, for a marker
	// job of kind 0, everything before it) is in the file.
	written chan struct{}
	kind    uint8
	raw     []byte
	frame   []byte
	desc    descriptor
	info    ChunkInfo
	ready   chan struct{}
}

// Create creates (or truncates) the file at path with mode 0600 - a trace
// holds what the program read and wrote - and starts writing a trace to
// it. Close finishes the file.
// o nil means the zero WriterOptions (the defaults of each field).
func Create(path string, h *Header, o *WriterOptions) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("format: %w", err)
	}
	w, err := NewWriter(f, h, o)
	if err != nil {
		f.Close()
		return nil, err
	}
	w.file = f
	return w, nil
}

// NewWriter starts a trace on out, which must be empty: it writes the
// signature and the header at once.
// o nil means the zero WriterOptions; NewWriter keeps a copy of *o.
func NewWriter(out io.Writer, h *Header, o *WriterOptions) (*Writer, error) {
	w := &Writer{out: out, done: make(chan struct{}), stop: make(chan struct{}), nextSeq: 1}
	if o != nil {
		w.opts = *o
	}
	if w.opts.ChunkSize <= 0 {
		w.opts.ChunkSize = 1 << 20
	}
	w.opts.ChunkSize = min(w.opts.ChunkSize, MaxChunk/2)
	if w.opts.FlushInterval <= 0 {
		w.opts.FlushInterval = time.Second
	}
	if w.opts.Workers <= 0 {
		w.opts.Workers = min(4, runtime.GOMAXPROCS(0))
	}
	level := zstd.SpeedDefault
	if w.opts.Fast {
		level = zstd.SpeedFastest
	}
	var err error
	w.zenc, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(level), zstd.WithEncoderConcurrency(w.opts.Workers),
		zstd.WithEncoderCRC(true), zstd.WithZeroFrames(true), zstd.WithWindowSize(window(w.opts.ChunkSize)))
	if err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	w.enc = msgpack.NewEncoder(&w.buf)
	w.enc.UseCompactInts(true)
	w.pending = make(chan *job, w.opts.Workers+1)

	if h == nil {
		h = &Header{}
	}
	hb, err := msgpack.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("format: encoding the header: %w", err)
	}
	// The header goes out at once, compressed by the small encoder: the
	// chunks' encoder starts up on its workers, off this path.
	hb = metaChunk(kindHeader, hb, 0)
	if _, err := out.Write(append(encodeSignature(), hb...)); err != nil {
		return nil, fmt.Errorf("format: writing the header: %w", err)
	}
	w.offset = int64(signatureLen + len(hb))
	w.index.Status = "complete"
	go w.fileLoop()
	go w.timerLoop()
	return w, nil
}

// compress starts compressing raw on another goroutine.
func (w *Writer) compress(kind uint8, raw []byte, info ChunkInfo, chunkSeq uint64) *job {
	j := &job{kind: kind, raw: raw, info: info, ready: make(chan struct{})}
	go func() {
		enc := w.zenc
		if len(raw) < smallChunk {
			// The chunks' encoder clears megabytes of tables per
			// frame (0.5 ms; the first use 1 ms): for a small chunk,
			// usually the last, the small encoder is faster and
			// compresses about as well.
			enc = metaEncoder()
		}
		j.frame = enc.EncodeAll(j.raw, make([]byte, 0, len(j.raw)/4+64))
		j.desc = descriptor{Kind: kind, Flags: flagZstd, CompLen: uint32(len(j.frame)), RawLen: uint32(len(j.raw)),
			CRC: crc32.Checksum(j.frame, castagnoli), Records: info.Events, FirstSeq: info.FirstSeq,
			LastSeq: info.LastSeq, TsBase: info.base.time, TsMin: info.TsMin, TsMax: info.TsMax, ChunkSeq: chunkSeq}
		j.raw = nil
		close(j.ready)
	}()
	return j
}

// fileLoop writes compressed chunks in order, each with its descriptor in
// one write, so that a crash leaves whole chunks or a torn last one.
func (w *Writer) fileLoop() {
	defer close(w.done)
	for j := range w.pending {
		<-j.ready
		if j.kind == 0 { // a Sync marker
			close(j.written)
			continue
		}
		b := j.desc.encode(make([]byte, 0, descLen+frameHeaderLen+len(j.frame)))
		b = append(b, j.frame...)
		w.wmu.Lock()
		if w.err == nil {
			if _, err := w.out.Write(b); err != nil {
				w.err = fmt.Errorf("format: writing chunk %d: %w", j.desc.ChunkSeq, err)
			} else {
				j.info.Offset, j.info.Size, j.info.CompLen, j.info.RawLen = w.offset, int64(len(b)), j.desc.CompLen, j.desc.RawLen
				w.index.Chunks = append(w.index.Chunks, j.info)
				w.index.Events += uint64(j.info.Events)
				w.offset += int64(len(b))
			}
		}
		w.wmu.Unlock()
	}
}

// timerLoop cuts a chunk that has waited FlushInterval.
func (w *Writer) timerLoop() {
	t := time.NewTicker(w.opts.FlushInterval / 4)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.mu.Lock()
			if !w.closed && w.cur.hasEvents && time.Since(w.started) >= w.opts.FlushInterval {
				w.cut()
			}
			w.mu.Unlock()
		}
	}
}

// ErrWriterClosed is returned by Write after Close.
var ErrWriterClosed = errors.New("format: writer closed")

// Write adds an event. An event whose Seq is 0 gets the next sequence
// number (the writer counts from 1); events keep the order of the calls.
func (w *Writer) Write(ev Event) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrWriterClosed
	}
	if err := w.failed(); err != nil {
		return err
	}
	h := ev.Base()
	if h.Seq == 0 {
		h.Seq = w.nextSeq
	}
	if h.Seq >= w.nextSeq {
		w.nextSeq = h.Seq + 1
	}
	c := &w.cur
	if !c.hasEvents {
		c.hasEvents, c.base = true, chunkBase{seq: h.Seq, time: h.Time}
		c.prev = c.base
		c.tsMin, c.tsMax = h.Time, h.Time
		w.started = time.Now()
	}
	if s, ok := ev.(*Syscall); ok {
		n := 0
		for i := range s.Mem {
			n += len(s.Mem[i].Data)
		}
		if n > MaxEvent {
			return fmt.Errorf("format: an event of %d bytes of memory exceeds the limit of %d", n, MaxEvent)
		}
	}
	if err := encodeEvent(w.enc, ev, &c.prev); err != nil {
		return err
	}
	c.n++
	c.last = max(c.last, h.Seq)
	c.tsMin, c.tsMax = min(c.tsMin, h.Time), max(c.tsMax, h.Time)
	if !slices.Contains(c.pids, h.Pid) {
		c.pids = append(c.pids, h.Pid)
	}
	if s, ok := ev.(*Syscall); ok {
		if c.syscalls == nil {
			c.syscalls = map[uint64]struct{}{}
		}
		c.syscalls[uint64(s.Arch)<<32|uint64(uint32(s.Nr))] = struct{}{}
		if s.Exit > c.tsMax {
			c.tsMax = s.Exit
		}
	}
	if w.buf.Len() >= w.opts.ChunkSize {
		w.cut()
	}
	return nil
}

func (w *Writer) failed() error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return w.err
}

// cut hands the current chunk to compression. w.mu is held.
func (w *Writer) cut() {
	c := &w.cur
	if !c.hasEvents {
		return
	}
	w.chunkSeq++
	info := ChunkInfo{Events: c.n, FirstSeq: c.base.seq, LastSeq: c.last, TsMin: c.tsMin, TsMax: c.tsMax,
		Pids: slices.Sorted(slices.Values(c.pids)), base: c.base}
	for k := range c.syscalls {
		info.Syscalls = append(info.Syscalls, k)
	}
	slices.Sort(info.Syscalls)
	raw := bytes.Clone(w.buf.Bytes())
	w.buf.Reset()
	w.enc.Reset(&w.buf) // Reset clears the options
	w.enc.UseCompactInts(true)
	*c = chunkStats{}
	w.pending <- w.compress(kindEvents, raw, info, w.chunkSeq)
}

// Flush cuts the current chunk now; it reaches the file shortly after
// (compression is asynchronous).
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrWriterClosed
	}
	w.cut()
	return w.failed()
}

// Size returns the bytes written to the file so far.
func (w *Writer) Size() int64 {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return w.offset
}

// Sync cuts the current chunk and returns once every event written so
// far is in the file (in the page cache: Sync does not fsync).
func (w *Writer) Sync() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrWriterClosed
	}
	w.cut()
	marker := &job{ready: make(chan struct{}), written: make(chan struct{})}
	close(marker.ready)
	w.pending <- marker
	w.mu.Unlock()
	<-marker.written
	return w.failed()
}

// Close writes what is left, the index and the trailer, and closes the
// file if Create made it. Readers then find the index at once.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrWriterClosed
	}
	w.cut()
	w.closed = true
	close(w.pending)
	close(w.stop)
	w.mu.Unlock()
	<-w.done
	err := w.err
	if err == nil {
		err = w.writeIndex()
	}
	w.zenc.Close()
	if w.file != nil {
		if cerr := w.file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("format: %w", cerr)
		}
	}
	return err
}

func (w *Writer) writeIndex() error {
	b, err := indexChunk(&w.index, w.offset, w.chunkSeq+1)
	if err != nil {
		return err
	}
	if _, err := w.out.Write(b); err != nil {
		return fmt.Errorf("format: writing the index: %w", err)
	}
	return nil
}

// indexChunk returns the index chunk and the trailer for an index chunk
// written at offset.
func indexChunk(idx *Index, offset int64, chunkSeq uint64) ([]byte, error) {
	ib, err := msgpack.Marshal(idx)
	if err != nil {
		return nil, fmt.Errorf("format: encoding the index: %w", err)
	}
	b := metaChunk(kindIndex, ib, chunkSeq)
	return append(b, encodeTrailer(uint64(offset), uint32(len(b)))...), nil
}

// smallChunk is the size under which a chunk is compressed by the small
// encoder.
const smallChunk = 64 << 10

// metaEncoder compresses the header and the index: small, written on the
// caller's path, so the fastest level and little memory (its first use
// costs 60 us, the chunks' encoder's about 900).
var metaEncoder = sync.OnceValue(func() *zstd.Encoder {
	e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(true),
		zstd.WithZeroFrames(true), zstd.WithLowerEncoderMem(true), zstd.WithWindowSize(1<<20))
	return e
})

// metaChunk returns a descriptor and compressed frame of kind for raw.
func metaChunk(kind uint8, raw []byte, chunkSeq uint64) []byte {
	frame := metaEncoder().EncodeAll(raw, nil)
	d := descriptor{Kind: kind, Flags: flagZstd, CompLen: uint32(len(frame)), RawLen: uint32(len(raw)),
		CRC: crc32.Checksum(frame, castagnoli), ChunkSeq: chunkSeq}
	return append(d.encode(nil), frame...)
}

// window is the zstd window for chunks of size n: the chunk itself (a
// chunk is compressed on its own), between 64 KiB and 8 MiB. A smaller
// window than zstd's default 8 MiB makes starting an encoder cheap.
func window(n int) int {
	w := 64 << 10
	for w < n && w < 8<<20 {
		w <<= 1
	}
	return w
}
