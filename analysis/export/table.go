package export

import (
	"bufio"
	"fmt"
	"os"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// table writes one Parquet file of rows T, buffered: rows gathered in a
// batch go to the writer when the batch is full, and a row group is
// flushed when it holds rowGroup rows or maxBytes bytes of data (the
// caller counts them: add), so that memory does not grow with the trace.
type table[T any] struct {
	name     string
	f        *os.File
	bw       *bufio.Writer
	w        *parquet.GenericWriter[T]
	batch    []T
	rows     int // in the current row group
	bytes    int
	rowGroup int
	maxBytes int
	total    int64
}

// batchRows is the size of a batch of rows handed to the writer at once.
const batchRows = 1024

var zstdCodec = &zstd.Codec{Level: zstd.SpeedDefault}

func newTable[T any](path string, rowGroup, maxBytes int, meta map[string]string) (*table[T], error) {
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
	for k, v := range meta {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	t := &table[T]{name: path, f: f, bw: bw, rowGroup: rowGroup, maxBytes: maxBytes,
		batch: make([]T, 0, min(batchRows, rowGroup))}
	t.w = parquet.NewGenericWriter[T](bw, opts...)
	return t, nil
}

// next returns the next row to fill, zeroed, in the batch.
func (t *table[T]) next() (*T, error) {
	if len(t.batch) == cap(t.batch) {
		if err := t.flushBatch(); err != nil {
			return nil, err
		}
	}
	t.batch = t.batch[:len(t.batch)+1]
	r := &t.batch[len(t.batch)-1]
	var zero T
	*r = zero
	return r, nil
}

// add counts n bytes of data in the row just filled; a row group that
// reached its bounds is flushed.
func (t *table[T]) add(n int) error {
	t.rows++
	t.total++
	t.bytes += n
	if t.rows >= t.rowGroup || t.maxBytes > 0 && t.bytes >= t.maxBytes {
		if err := t.flushBatch(); err != nil {
			return err
		}
		if err := t.w.Flush(); err != nil {
			return t.err(err)
		}
		t.rows, t.bytes = 0, 0
	}
	return nil
}

func (t *table[T]) flushBatch() error {
	if len(t.batch) == 0 {
		return nil
	}
	if _, err := t.w.Write(t.batch); err != nil {
		return t.err(err)
	}
	clear(t.batch) // drop the references to the trace's memory
	t.batch = t.batch[:0]
	return nil
}

// close writes what is left and the file's footer, and closes it.
func (t *table[T]) close() error {
	err := t.flushBatch()
	if err == nil {
		if err = t.w.Close(); err != nil {
			err = t.err(err)
		}
	}
	if err == nil {
		err = t.bw.Flush()
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// abort closes the file without finishing it (its directory is removed).
func (t *table[T]) abort() { t.f.Close() }

func (t *table[T]) err(err error) error { return fmt.Errorf("writing %s: %w", t.name, err) }
