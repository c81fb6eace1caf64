package export

import (
	"bufio"
	"fmt"
	"os"
	"sync"

	"github.com/parquet-go/parquet-go"
	pzstd "github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/klauspost/compress/zstd"
)

// table writes one Parquet file of rows T. The caller fills rows in a
// batch (next, then add); a full batch goes to the table's own goroutine,
// which encodes and compresses it while the caller fills the next one. A
// row group is flushed when it holds rowGroup rows or maxBytes bytes of
// data (the caller counts them: add), so that memory does not grow with
// the trace.
type table[T any] struct {
	name     string
	f        *os.File
	bw       *bufio.Writer
	w        *parquet.GenericWriter[T]
	cur      *batch[T]
	rows     int // in the current row group
	bytes    int
	rowGroup int
	maxBytes int

	full chan *batch[T] // to the writing goroutine
	free chan *batch[T] // back from it, written
	done chan struct{}  // closed when the writing goroutine ends
	mu   sync.Mutex
	werr error // the writing goroutine's error
}

// batch is rows handed to the writing goroutine at once; flush ends the
// row group after them.
type batch[T any] struct {
	rows  []T
	flush bool
}

// batchRows is the size of a batch; batches is how many a table has (one
// filled while the others are written or wait). 2048 rather than 1024:
// half the hand-offs between the goroutines (Export/Summary 0.41 -> 0.48
// under load), for ~5 MB more peak heap; 4096 was no faster (BENCH.md).
const (
	batchRows = 2048
	batches   = 3
)

// zstdCodec compresses pages with zstd at its fastest level, with a
// window no larger than a page (the default window of several MiB per
// encoder would be most of the export's memory).
var zstdCodec = &smallZstd{}

type smallZstd struct {
	pzstd.Codec // decoding
	encoders    sync.Pool
}

func (c *smallZstd) Encode(dst, src []byte) ([]byte, error) {
	e, _ := c.encoders.Get().(*zstd.Encoder)
	if e == nil {
		var err error
		e, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(256<<10), zstd.WithZeroFrames(true), zstd.WithEncoderCRC(false), zstd.WithLowerEncoderMem(true))
		if err != nil {
			return nil, err
		}
	}
	defer c.encoders.Put(e)
	return e.EncodeAll(src, dst[:0]), nil
}

// newTable creates the file path for rows T; the columns noBounds have
// no min/max statistics (blobs, constants: computing them is the cost,
// no query gains).
func newTable[T any](path string, rowGroup, maxBytes int, meta map[string]string, noBounds ...string) (*table[T], error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	opts := []parquet.WriterOption{
		parquet.Compression(zstdCodec),
		parquet.CreatedBy("systr", meta["systr_version"], ""),
		parquet.DataPageStatistics(true),
		parquet.MaxRowsPerRowGroup(int64(rowGroup)),
	}
	for _, c := range noBounds {
		opts = append(opts, parquet.SkipPageBounds(c))
	}
	for k, v := range meta {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	t := &table[T]{name: path, f: f, bw: bw, rowGroup: rowGroup, maxBytes: maxBytes,
		full: make(chan *batch[T], batches), free: make(chan *batch[T], batches), done: make(chan struct{})}
	t.w = parquet.NewGenericWriter[T](bw, opts...)
	n := min(batchRows, rowGroup)
	for range batches - 1 {
		t.free <- &batch[T]{rows: make([]T, 0, n)}
	}
	t.cur = &batch[T]{rows: make([]T, 0, n)}
	go t.writing()
	return t, nil
}

// writing writes the batches sent until full is closed; after an error
// it only hands them back.
func (t *table[T]) writing() {
	defer close(t.done)
	var err error
	for b := range t.full {
		if err == nil {
			err = t.write(b)
			if err != nil {
				t.mu.Lock()
				t.werr = t.err(err)
				t.mu.Unlock()
			}
		}
		// No clear: next zeroes each row as it hands it out (clearing
		// the batch here too cost ~2 % of the export's CPU); a free
		// batch keeps at most its rows' references to the trace.
		b.rows, b.flush = b.rows[:0], false
		t.free <- b
	}
}

// write writes batch b, and ends the row group if b says so; a panic of
// the Parquet library is an error too (the export fails, the program
// goes on).
func (t *table[T]) write(b *batch[T]) error {
	return unpanic(func() error {
		_, err := t.w.Write(b.rows)
		if err == nil && b.flush {
			err = t.w.Flush()
		}
		return err
	})
}

// unpanic runs f, turning a panic into an error.
func unpanic(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("parquet-go panicked: %v", p)
		}
	}()
	return f()
}

func (t *table[T]) failed() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.werr
}

// next returns the next row to fill, zeroed.
func (t *table[T]) next() (*T, error) {
	if len(t.cur.rows) == cap(t.cur.rows) {
		if err := t.send(false); err != nil {
			return nil, err
		}
	}
	b := t.cur
	b.rows = b.rows[:len(b.rows)+1]
	r := &b.rows[len(b.rows)-1]
	var zero T
	*r = zero
	return r, nil
}

// send hands the current batch to the writing goroutine and takes a
// free one.
func (t *table[T]) send(flush bool) error {
	if err := t.failed(); err != nil {
		return err
	}
	t.cur.flush = flush
	t.full <- t.cur
	t.cur = <-t.free
	return nil
}

// add counts n bytes of data in the row just filled; a row group that
// reached its bounds is flushed.
func (t *table[T]) add(n int) error {
	t.rows++
	t.bytes += n
	if t.rows >= t.rowGroup || t.maxBytes > 0 && t.bytes >= t.maxBytes {
		t.rows, t.bytes = 0, 0
		return t.send(true)
	}
	return nil
}

// stop ends the writing goroutine, once it has written what was sent.
func (t *table[T]) stop() error {
	if t.full != nil {
		close(t.full)
		<-t.done
		t.full = nil
	}
	return t.failed()
}

// close writes what is left and the file's footer, and closes the file.
func (t *table[T]) close() error {
	err := t.send(false)
	if serr := t.stop(); err == nil {
		err = serr
	}
	if err == nil {
		if err = unpanic(t.w.Close); err != nil {
			err = t.err(err)
		}
	}
	if err == nil {
		err = t.bw.Flush()
	}
	if err == nil {
		// On disk before the directory is renamed into place (and a
		// replaced one removed): a crash then leaves the old tables or
		// the new ones, never empty files.
		err = t.f.Sync()
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// abort stops the writing and closes the file unfinished (its directory
// is removed).
func (t *table[T]) abort() {
	t.stop()
	t.f.Close()
}

func (t *table[T]) err(err error) error { return fmt.Errorf("writing %s: %w", t.name, err) }
