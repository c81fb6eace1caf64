package analysis

import (
	"bytes"
	"regexp"
	"strconv"
	"time"
)

// Wall-clock times a program formats as text (a log line's prefix, a
// printed time.Time, an HTTP Date header) are masked as the numeric ones
// are (wallTimes): a date and time of day that falls within the
// recording becomes "<time>", with its fraction, its zone, and a Go
// time.Time's monotonic reading (" m=+0.000161601") when present.
// Recognized: "2006-01-02 15:04:05", "2006/01/02 15:04:05" and
// "2006-01-02T15:04:05" (RFC 3339), each with an optional fraction and
// zone ("Z", "+0000", "+00:00", then " UTC"), and RFC 1123's "Mon, 02 Jan
// 2006 15:04:05 GMT". A time with a zone offset is read in it; one
// without is taken as UTC or as the analyzer's local time. Safe as the
// numeric ones are: to hide a change both runs would have to write, at
// the same place, a date within a second or so of their own recording.

// dateRe matches the formatted dates above (the fields are parsed by
// parseDate).
var dateRe = regexp.MustCompile(`\b(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2}| [+-]\d{4})?( [A-Z]{3,5})?( m=[+-]\d+\.\d{1,9})?|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT`)

var months = map[string]time.Month{"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}

// wallDates replaces the formatted wall-clock times in b that fall
// within the recording (see above).
func (nz *normalizer) wallDates(b []byte) ([]byte, bool) {
	if len(b) < 19 || bytes.IndexByte(b, ':') < 0 {
		return b, false
	}
	var out []byte
	last := 0
	for _, m := range dateRe.FindAllSubmatchIndex(b, -1) {
		if !nz.inWindow(b, m) {
			continue
		}
		out = append(out, b[last:m[0]]...)
		out = append(out, timeText...)
		last = m[1]
	}
	if out == nil {
		return b, false
	}
	return append(out, b[last:]...), true
}

// inWindow says whether the date matched at m (dateRe's submatch
// indexes) is a time of the recording.
func (nz *normalizer) inWindow(b []byte, m []int) bool {
	num := func(i int) int {
		if m[2*i] < 0 {
			return 0
		}
		n, _ := strconv.Atoi(string(b[m[2*i]:m[2*i+1]]))
		return n
	}
	var y, d, h, mi, s int
	var mo time.Month
	var ns int
	var zones []*time.Location
	if m[2] >= 0 { // numeric date
		y, mo, d, h, mi, s = num(1), time.Month(num(2)), num(3), num(4), num(5), num(6)
		if m[14] >= 0 {
			f := string(b[m[14]+1 : m[15]])
			ns, _ = strconv.Atoi((f + "000000000")[:9])
		}
		switch z := string(bytes.TrimSpace(b[max(m[16], 0):max(m[17], 0)])); {
		case z == "":
			zones = []*time.Location{time.UTC, time.Local}
		case z == "Z":
			zones = []*time.Location{time.UTC}
		default:
			z = z[:3] + z[len(z)-2:] // +hh:mm, +hhmm -> +hhmm
			hh, _ := strconv.Atoi(z[1:3])
			mm, _ := strconv.Atoi(z[3:])
			off := hh*3600 + mm*60
			if z[0] == '-' {
				off = -off
			}
			zones = []*time.Location{time.FixedZone("", off)}
		}
	} else { // RFC 1123
		d, mo, y, h, mi, s = num(11), months[string(b[m[24]:m[25]])], num(13), num(14), num(15), num(16)
		zones = []*time.Location{time.UTC}
	}
	for _, z := range zones {
		t := time.Date(y, mo, d, h, mi, s, ns, z).UnixNano()
		if t >= nz.scan.wallFrom && t <= nz.scan.wallTo {
			return true
		}
	}
	return false
}
