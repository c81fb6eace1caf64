package analysis_test

import (
	"io"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
)

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// TestOptionsUnchanged: the views take their options by pointer and
// neither modify nor keep them. A Selection with Paths follows the fd
// tables of the trace in state of its own: that state is the call's, not
// the caller's struct's (which two goroutines could otherwise not share,
// and which would carry one trace's tables into the next call).
func TestOptionsUnchanged(t *testing.T) {
	trace := filepath.Join("testdata", "pipeline.sctr")
	sel := func() analysis.Selection { return analysis.Selection{Paths: []string{"/etc/hostname"}} }
	views := []struct {
		name string
		o    any
		run  func(r *format.Reader, o any) error
	}{
		{"Print", &analysis.PrintOptions{Selection: sel()}, func(r *format.Reader, o any) error {
			return analysis.Print(io.Discard, r, o.(*analysis.PrintOptions))
		}},
		{"Print-y", &analysis.PrintOptions{Selection: sel(), FdNames: 1}, func(r *format.Reader, o any) error {
			return analysis.Print(io.Discard, r, o.(*analysis.PrintOptions))
		}},
		{"PrintPerThread", &analysis.PrintOptions{Selection: sel()}, func(r *format.Reader, o any) error {
			return analysis.PrintPerThread(r, o.(*analysis.PrintOptions), func(int32) (io.WriteCloser, error) {
				return nopCloser{io.Discard}, nil
			})
		}},
		{"JSON", &analysis.JSONOptions{Selection: sel()}, func(r *format.Reader, o any) error {
			return analysis.JSON(io.Discard, r, o.(*analysis.JSONOptions))
		}},
		{"Summary", &analysis.SummaryOptions{Selection: sel()}, func(r *format.Reader, o any) error {
			return analysis.Summary(io.Discard, r, o.(*analysis.SummaryOptions))
		}},
		{"Files", &analysis.FilesOptions{Selection: sel()}, func(r *format.Reader, o any) error {
			return analysis.Files(io.Discard, r, o.(*analysis.FilesOptions))
		}},
		{"Report", &analysis.ReportOptions{Selection: sel()}, func(r *format.Reader, o any) error {
			return analysis.Report(io.Discard, r, o.(*analysis.ReportOptions))
		}},
		{"Timeline", &analysis.TimelineOptions{Selection: sel()}, func(r *format.Reader, o any) error {
			return analysis.Timeline(io.Discard, r, o.(*analysis.TimelineOptions))
		}},
		{"Selection.Events", func() *analysis.Selection { s := sel(); return &s }(), func(r *format.Reader, o any) error {
			n := 0
			for _, err := range o.(*analysis.Selection).Events(r) {
				if err != nil {
					return err
				}
				n++
			}
			if n == 0 {
				t.Error("Selection.Events: no event touches /etc/hostname")
			}
			return nil
		}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			r, err := format.Open(trace)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			before := reflect.ValueOf(v.o).Elem().Interface()
			if err := v.run(r, v.o); err != nil {
				t.Fatal(err)
			}
			if after := reflect.ValueOf(v.o).Elem().Interface(); !reflect.DeepEqual(before, after) {
				t.Errorf("%s modified its options:\n%+v\nwas\n%+v", v.name, after, before)
			}
		})
	}
}
