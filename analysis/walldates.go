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
// recording becomes "<time:SHAPE>", SHAPE the text matched with every
// digit of the date, the time of day and a zone offset replaced by 'N',
// a fraction (of any length: Go's time.String trims trailing zeros) by
// ".F", a Go time.Time's monotonic reading by " m=+F", and RFC 1123's
// day and month names by "Www" and "Mmm"; a zone's name stays:
// "2006-01-02T15:04:05.123Z" is "<time:NNNN-NN-NNTNN:NN:NN.FZ>", a
// printed time.Now() "<time:NNNN-NN-NN NN:NN:NN.F +NNNN UTC m=+F>". A
// change of format (a space for the 'T', a zone added or dropped, a
// fraction) still differs.
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
// within the recording (see above). Every such date holds one of the
// recording's years as text: the expression runs only around those
// (from 12 bytes before, RFC 1123's "Mon, 02 Jan ", to dateSpan after),
// not over every buffer (a 50 MB file copied through a pipe).
func (nz *normalizer) wallDates(b []byte) ([]byte, bool) {
	if len(b) < 19 || bytes.IndexByte(b, ':') < 0 {
		return b, false
	}
	var out []byte
	last := 0
	for from := 0; ; {
		pos := -1
		for _, y := range nz.scan.wallYears {
			if i := bytes.Index(b[from:], y); i >= 0 && (pos < 0 || from+i < pos) {
				pos = from + i
			}
		}
		if pos < 0 {
			break
		}
		from = pos + 1
		// A year is followed by '-' or '/' (a numeric date) or between
		// spaces (RFC 1123's).
		if pos+4 >= len(b) || b[pos+4] != '-' && b[pos+4] != '/' && (b[pos+4] != ' ' || pos == 0 || b[pos-1] != ' ') {
			continue
		}
		// lo is a byte before where a match may start (so that \b is
		// that of b), hi past where it may end.
		lo, hi := max(pos-13, 0), min(pos+dateSpan, len(b))
		ms := dateRe.FindAllSubmatchIndex(b[lo:hi], -1)
		if n := len(ms); n > 0 && hi < len(b) && ms[n-1][1] == hi-lo {
			// A match that may be cut: the rest of b decides.
			hi = len(b)
			ms = dateRe.FindAllSubmatchIndex(b[lo:hi], -1)
		}
		for _, m := range ms {
			if lo > 0 && m[0] == 0 {
				continue // (its \b may not be b's)
			}
			for k := range m {
				if m[k] >= 0 {
					m[k] += lo
				}
			}
			if m[0] < last || m[0] > pos || !nz.inWindow(b, m) {
				continue
			}
			out = append(out, b[last:m[0]]...)
			out = appendDateShape(out, b, m)
			last = m[1]
			from = max(from, last)
		}
	}
	if out == nil {
		return b, false
	}
	return append(out, b[last:]...), true
}

// dateSpan bounds the length of a date dateRe matches from its year on
// (the longest: a Go time.Time's "2006-01-02 15:04:05.999999999 -0700
// MST m=+0.000161601" with a monotonic reading of many digits).
const dateSpan = 160

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

// appendDateShape appends the placeholder of the date matched at m (see
// above).
func appendDateShape(dst, b []byte, m []int) []byte {
	dst = append(dst, "<time:"...)
	digits := func(from, to int) {
		for _, c := range b[from:to] {
			if isDigit(c) {
				c = 'N'
			}
			dst = append(dst, c)
		}
	}
	if m[2] < 0 { // RFC 1123: "Www, NN Mmm NNNN NN:NN:NN GMT"
		dst = append(dst, "Www, "...)
		digits(m[22], m[23])
		dst = append(dst, " Mmm "...)
		digits(m[26], m[1])
		return append(dst, '>')
	}
	digits(m[0], m[13]) // date and time of day
	if m[14] >= 0 {
		dst = append(dst, ".F"...)
	}
	if m[16] >= 0 {
		digits(m[16], m[17]) // the zone's offset
	}
	if m[18] >= 0 {
		dst = append(dst, b[m[18]:m[19]]...) // its name
	}
	if m[20] >= 0 { // " m=+0.000161601"
		dst = append(dst, b[m[20]:m[20]+4]...)
		dst = append(dst, 'F')
	}
	return append(dst, '>')
}
