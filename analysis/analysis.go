package analysis

import (
	"iter"
	"runtime"

	"github.com/systr/systr/format"
)

// Events iterates over the events of r that f selects (nil: all), decoding
// a few chunks ahead on other goroutines. It ends at the first error.
func Events(r *format.Reader, f *format.Filter) iter.Seq2[format.Event, error] {
	return r.Events(&format.ReadOptions{Filter: f, Parallel: min(4, runtime.GOMAXPROCS(0))})
}
