package format

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"iter"
	"os"
	"slices"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/systr/systr/syscalls"
	"github.com/vmihailenco/msgpack/v5"
)

// Reader reads a trace. It opens cleanly closed files through their index
// and others (a recorder killed, a disk full, a file cut short) by
// scanning: every complete chunk is read, and Truncated says where and
// why the rest was lost. A Reader's methods may be used from several
// goroutines; each iteration of Events is its own.
type Reader struct {
	ra     io.ReaderAt
	size   int64
	closer io.Closer

	header Header
	index  Index
	// complete: the index and trailer were found.
	complete bool
	// truncated says why a scan stopped before the end, or is nil.
	truncated error
	// dataEnd is the offset after the last sound chunk of events (or the
	// header).
	dataEnd int64
	// dataStart is the offset after the header chunk.
	dataStart int64
	dec       *zstd.Decoder
}

// Open opens the trace file at path.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("format: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("format: %s is a directory, not a trace file", path)
	}
	r, err := NewReader(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.closer = f
	return r, nil
}

// CorruptError says where a file stops making sense, and why.
type CorruptError struct {
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("format: at offset %d: %s", e.Offset, e.Reason)
}

func corrupt(off int64, format string, a ...any) error {
	return &CorruptError{Offset: off, Reason: fmt.Sprintf(format, a...)}
}

// NewReader reads a trace of size bytes from ra.
func NewReader(ra io.ReaderAt, size int64) (*Reader, error) {
	r := &Reader{ra: ra, size: size}
	var err error
	r.dec, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(MaxChunk))
	if err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	sig := make([]byte, signatureLen)
	if err := r.readFull(sig, 0); err == io.ErrUnexpectedEOF {
		return nil, ErrNotTrace // shorter than a signature
	} else if err != nil {
		return nil, fmt.Errorf("format: reading the signature: %w", err)
	}
	major, minor, err := decodeSignature(sig)
	if err != nil {
		return nil, err
	}
	// The header chunk comes first.
	d, payload, next, err := r.chunkAt(signatureLen, true)
	if err != nil {
		return nil, fmt.Errorf("the header (which says how to read the rest) does not read: %w", err)
	}
	if d.Kind != kindHeader {
		return nil, corrupt(signatureLen, "the first chunk is of kind %d, not the header", d.Kind)
	}
	if err := msgpack.Unmarshal(payload, &r.header); err != nil {
		return nil, corrupt(signatureLen, "the header does not decode: %v", err)
	}
	r.header.Major, r.header.Minor = major, minor
	r.dataEnd, r.dataStart = next, next
	if r.readIndex() {
		r.complete = true
		return r, nil
	}
	r.scan(next)
	return r, nil
}

// readIndex uses the trailer and the index it points to, if they are
// there and sound.
func (r *Reader) readIndex() bool {
	if r.size < signatureLen+trailerLen {
		return false
	}
	tb := make([]byte, trailerLen)
	if _, err := r.ra.ReadAt(tb, r.size-trailerLen); err != nil {
		return false
	}
	off, n, ok := decodeTrailer(tb)
	if !ok || int64(off) < signatureLen || int64(off)+int64(n)+trailerLen != r.size {
		return false
	}
	d, payload, _, err := r.chunkAt(int64(off), true)
	if err != nil || d.Kind != kindIndex {
		return false
	}
	var idx Index
	if err := msgpack.Unmarshal(payload, &idx); err != nil {
		return false
	}
	for _, c := range idx.Chunks {
		if c.Offset < signatureLen || c.Offset >= int64(off) {
			return false
		}
	}
	r.index = idx
	r.dataEnd = int64(off)
	return true
}

// scan walks the chunks from off, checking each, until the end of the
// file or the first damage.
func (r *Reader) scan(off int64) {
	r.index.Status = "incomplete"
	for off < r.size {
		d, _, next, err := r.chunkAt(off, false)
		if err != nil {
			r.truncated = err
			return
		}
		switch d.Kind {
		case kindEvents:
			r.index.Chunks = append(r.index.Chunks, ChunkInfo{Offset: off, Size: next - off, CompLen: d.CompLen, RawLen: d.RawLen,
				Events: d.Records, FirstSeq: d.FirstSeq, LastSeq: d.LastSeq, TsMin: d.TsMin, TsMax: d.TsMax})
			r.index.Events += uint64(d.Records)
			r.dataEnd = next
		case kindIndex:
			// An index without a sound trailer: the file was cut in the
			// trailer. Everything is here.
			r.truncated = corrupt(next, "the trailer is missing or damaged")
			return
		}
		off = next
	}
	r.truncated = corrupt(off, "the file ends without an index: the recording did not finish")
}

// chunkAt reads and checks the chunk whose descriptor is at off, skipping
// unknown skippable frames in front of it. It returns the decompressed
// payload (if decompress; a scan only checks the checksum) and the offset
// after the chunk.
func (r *Reader) chunkAt(off int64, decompress bool) (d descriptor, payload []byte, next int64, err error) {
	for {
		var fh [frameHeaderLen]byte
		if err := r.readFull(fh[:], off); err != nil {
			return d, nil, 0, corrupt(off, "the file ends inside a frame header")
		}
		magic, size := binary.LittleEndian.Uint32(fh[:]), int64(binary.LittleEndian.Uint32(fh[4:]))
		if magic&skippableMask != skippableBase {
			return d, nil, 0, corrupt(off, "a frame with magic %#x where a chunk descriptor belongs", magic)
		}
		if magic != magicDescriptor {
			// A metadata frame of a later version: skip it.
			if off+frameHeaderLen+size > r.size {
				return d, nil, 0, corrupt(off, "a frame of %d bytes runs past the end of the file", size)
			}
			off += frameHeaderLen + size
			continue
		}
		if size > maxDescriptor {
			return d, nil, 0, corrupt(off, "a chunk descriptor of %d bytes (the limit is %d)", size, maxDescriptor)
		}
		db := make([]byte, size)
		if err := r.readFull(db, off+frameHeaderLen); err != nil {
			return d, nil, 0, corrupt(off, "the file ends inside a chunk descriptor")
		}
		if err := d.decode(db); err != nil {
			return d, nil, 0, corrupt(off, "%v", err)
		}
		start := off + frameHeaderLen + size
		if start+int64(d.CompLen) > r.size {
			return d, nil, 0, corrupt(off, "chunk %d is cut short: %d of its %d bytes are in the file",
				d.ChunkSeq, max(0, r.size-start), d.CompLen)
		}
		frame := make([]byte, d.CompLen)
		if err := r.readFull(frame, start); err != nil {
			return d, nil, 0, corrupt(start, "reading chunk %d: %v", d.ChunkSeq, err)
		}
		if crc32.Checksum(frame, castagnoli) != d.CRC {
			return d, nil, 0, corrupt(start, "chunk %d fails its checksum", d.ChunkSeq)
		}
		payload := frame
		if !decompress {
			return d, nil, start + int64(d.CompLen), nil
		}
		if d.Flags&flagZstd != 0 {
			// A frame that says its size must say what the descriptor says
			// (zstd leaves it out of tiny frames); the output is bounded by
			// the decoder's memory limit either way.
			var zh zstd.Header
			if err := zh.Decode(frame); err != nil || (zh.HasFCS && zh.FrameContentSize != uint64(d.RawLen)) {
				return d, nil, 0, corrupt(start, "chunk %d is not a zstd frame of %d bytes", d.ChunkSeq, d.RawLen)
			}
			payload, err = r.dec.DecodeAll(frame, make([]byte, 0, min(d.RawLen, 4<<20)))
			if err != nil {
				return d, nil, 0, corrupt(start, "chunk %d does not decompress: %v", d.ChunkSeq, err)
			}
			if len(payload) != int(d.RawLen) {
				return d, nil, 0, corrupt(start, "chunk %d decompresses to %d bytes, its descriptor says %d",
					d.ChunkSeq, len(payload), d.RawLen)
			}
		}
		return d, payload, start + int64(d.CompLen), nil
	}
}

func (r *Reader) readFull(b []byte, off int64) error {
	n, err := r.ra.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// Header returns the trace's header.
func (r *Reader) Header() *Header { return &r.header }

// Chunks lists the chunks of events.
func (r *Reader) Chunks() []ChunkInfo { return r.index.Chunks }

// Complete reports whether the file was closed cleanly (it has its index).
func (r *Reader) Complete() bool { return r.complete }

// Truncated returns nil for a complete file; otherwise why and where the
// readable part ends (a *CorruptError). Events still reads everything
// before that point.
func (r *Reader) Truncated() error { return r.truncated }

// EventCount is the number of events in the readable chunks.
func (r *Reader) EventCount() uint64 { return r.index.Events }

// Close releases the file.
func (r *Reader) Close() error {
	r.dec.Close()
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}

// Filter selects events. The zero Filter selects all. Chunks that cannot
// hold a selected event (by their index entry) are not decompressed.
type Filter struct {
	Pids []int32 // only these processes
	// Syscall, if not nil, selects syscall events (and drops other kinds).
	Syscall func(a syscalls.Arch, nr int) bool
	// From and To bound event times (CLOCK_MONOTONIC ns); 0: no bound.
	From, To int64
}

func (f *Filter) chunk(c *ChunkInfo) bool {
	if f == nil {
		return true
	}
	if (f.From != 0 && c.TsMax < f.From) || (f.To != 0 && c.TsMin > f.To) {
		return false
	}
	if len(f.Pids) > 0 && c.Pids != nil && !slices.ContainsFunc(c.Pids, func(p int32) bool { return slices.Contains(f.Pids, p) }) {
		return false
	}
	if f.Syscall != nil && c.Syscalls != nil && !slices.ContainsFunc(c.Syscalls, func(k uint64) bool {
		return f.Syscall(syscalls.Arch(k>>32), int(int32(uint32(k))))
	}) {
		return false
	}
	return true
}

func (f *Filter) event(ev Event) bool {
	if f == nil {
		return true
	}
	h := ev.Base()
	if (f.From != 0 && h.Time < f.From) || (f.To != 0 && h.Time > f.To) {
		return false
	}
	if len(f.Pids) > 0 && !slices.Contains(f.Pids, h.Pid) {
		return false
	}
	if f.Syscall != nil {
		s, ok := ev.(*Syscall)
		return ok && f.Syscall(s.Arch, int(s.Nr))
	}
	return true
}

// ReadOptions tune Events.
type ReadOptions struct {
	Filter *Filter
	// Parallel is the number of chunks decompressed and decoded ahead, on
	// other goroutines (0 or 1: none). Memory grows with it: a chunk each.
	Parallel int
}

// Events returns the events in file order (the order they were written),
// reading one chunk at a time (or Parallel ones). Iteration stops at the
// first error; a truncated file ends without one (see Truncated).
// o nil means the zero ReadOptions: every event, read on this goroutine.
func (r *Reader) Events(o *ReadOptions) iter.Seq2[Event, error] {
	var f *Filter
	par := 1
	if o != nil {
		f, par = o.Filter, max(1, o.Parallel)
	}
	return func(yield func(Event, error) bool) {
		var chunks []int
		for i := range r.index.Chunks {
			if f.chunk(&r.index.Chunks[i]) {
				chunks = append(chunks, i)
			}
		}
		results := make(chan chan decoded, par)
		quit := make(chan struct{})
		var wg sync.WaitGroup // every goroutine ends before the iteration does
		defer func() {
			close(quit)
			wg.Wait()
		}()
		wg.Go(func() {
			defer close(results)
			for _, i := range chunks {
				c := make(chan decoded, 1)
				select {
				case results <- c:
				case <-quit:
					return
				}
				if par > 1 {
					wg.Go(func() { c <- r.decodeChunk(i) })
				} else {
					c <- r.decodeChunk(i)
				}
			}
		})
		for c := range results {
			d := <-c
			if d.err != nil {
				yield(nil, d.err)
				return
			}
			for _, ev := range d.events {
				if f.event(ev) && !yield(ev, nil) {
					return
				}
			}
		}
	}
}

type decoded struct {
	events []Event
	err    error
}

// decodeChunk reads chunk i of the index and decodes its events.
func (r *Reader) decodeChunk(i int) decoded {
	c := &r.index.Chunks[i]
	d, payload, _, err := r.chunkAt(c.Offset, true)
	if err != nil {
		return decoded{err: err}
	}
	if d.Kind != kindEvents {
		return decoded{err: corrupt(c.Offset, "the index points at a chunk of kind %d", d.Kind)}
	}
	evs, err := decodeEvents(payload, d)
	if err != nil {
		return decoded{err: corrupt(c.Offset, "chunk %d: %v", d.ChunkSeq, err)}
	}
	return decoded{events: evs}
}

// decodeEvents decodes a chunk's payload. The events' byte slices share
// the payload.
func decodeEvents(payload []byte, d descriptor) ([]Event, error) {
	m := &mpReader{b: payload}
	base := chunkBase{seq: d.FirstSeq, time: d.TsBase}
	evs := make([]Event, 0, min(int(d.Records), len(payload)))
	al := &arena{calls: make([]Syscall, 0, min(int(d.Records), len(payload)/16+1))}
	for m.left() > 0 {
		ev, err := decodeEvent(m, al, &base)
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", len(evs), err)
		}
		evs = append(evs, ev)
	}
	return evs, nil
}
