package format

import (
	"encoding/binary"
	"fmt"
	"math"
)

// mpReader decodes msgpack (as github.com/vmihailenco/msgpack writes it)
// from a byte slice without copying: the hot path of reading events, a
// few times faster than the general decoder's reader interface. Every
// length is checked against the bytes left before use; the first error
// sticks and later reads return zero values.
type mpReader struct {
	b   []byte
	i   int
	err error
}

func (m *mpReader) left() int { return len(m.b) - m.i }

func (m *mpReader) fail(format string, a ...any) {
	if m.err == nil {
		m.err = fmt.Errorf("at byte %d of the chunk: %s", m.i, fmt.Sprintf(format, a...))
	}
}

// take returns the next n bytes.
func (m *mpReader) take(n int) []byte {
	if m.err != nil {
		return nil
	}
	if n < 0 || n > m.left() {
		m.fail("%d bytes wanted, %d left", n, m.left())
		return nil
	}
	b := m.b[m.i : m.i+n : m.i+n]
	m.i += n
	return b
}

func (m *mpReader) code() byte {
	b := m.take(1)
	if b == nil {
		return 0xc1 // never used by msgpack
	}
	return b[0]
}

func (m *mpReader) be(n int) uint64 {
	b := m.take(n)
	switch len(b) {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.BigEndian.Uint16(b))
	case 4:
		return uint64(binary.BigEndian.Uint32(b))
	case 8:
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// int reads any msgpack integer as int64.
func (m *mpReader) int() int64 {
	c := m.code()
	switch {
	case c <= 0x7f:
		return int64(c)
	case c >= 0xe0:
		return int64(int8(c))
	}
	switch c {
	case 0xcc:
		return int64(m.be(1))
	case 0xcd:
		return int64(m.be(2))
	case 0xce:
		return int64(m.be(4))
	case 0xcf:
		return int64(m.be(8))
	case 0xd0:
		return int64(int8(m.be(1)))
	case 0xd1:
		return int64(int16(m.be(2)))
	case 0xd2:
		return int64(int32(m.be(4)))
	case 0xd3:
		return int64(m.be(8))
	case 0xc0:
		return 0
	}
	m.unexpected("an integer", c)
	return 0
}

func (m *mpReader) uint() uint64 { return uint64(m.int()) }

// unexpected fails at code c (read last, so the offset is its own), where
// what was expected, unless the reader failed already.
func (m *mpReader) unexpected(what string, c byte) {
	if m.err == nil {
		m.i--
		m.fail("%s was expected, not code %#x", what, c)
	}
}

func (m *mpReader) bool() bool {
	switch c := m.code(); c {
	case 0xc3:
		return true
	case 0xc2, 0xc0:
		return false
	default:
		m.unexpected("a bool", c)
	}
	return false
}

// strLen reads the length of a str or bin whose code c was read last
// (fixstr, str 8/16/32, bin 8/16/32); ok is false for any other code,
// and then nothing is read.
func (m *mpReader) strLen(c byte) (n uint64, ok bool) {
	switch {
	case c >= 0xa0 && c <= 0xbf:
		return uint64(c & 0x1f), true
	case c == 0xd9 || c == 0xc4:
		return m.be(1), true
	case c == 0xda || c == 0xc5:
		return m.be(2), true
	case c == 0xdb || c == 0xc6:
		return m.be(4), true
	}
	return 0, false
}

// bytes reads a str or bin (nil for nil), sharing the buffer.
func (m *mpReader) bytes() []byte {
	c := m.code()
	if c == 0xc0 {
		return nil
	}
	n, ok := m.strLen(c)
	if !ok {
		m.unexpected("a string", c)
		return nil
	}
	if n > uint64(m.left()) {
		m.fail("a string of %d bytes with %d left", n, m.left())
		return nil
	}
	b := m.take(int(n))
	if b == nil {
		return []byte{}
	}
	return b
}

// arrayLen reads an array header: its length, or -1 for nil.
func (m *mpReader) arrayLen() int {
	c := m.code()
	var n uint64
	switch {
	case c >= 0x90 && c <= 0x9f:
		n = uint64(c & 0x0f)
	case c == 0xdc:
		n = m.be(2)
	case c == 0xdd:
		n = m.be(4)
	case c == 0xc0:
		return -1
	default:
		m.unexpected("an array", c)
		return -1
	}
	if n > uint64(m.left()) { // every element takes a byte at least
		m.fail("an array of %d elements with %d bytes left", n, m.left())
		return -1
	}
	return int(n)
}

// skip passes over one value of any type.
func (m *mpReader) skip() {
	for pending := 1; pending > 0 && m.err == nil; pending-- {
		c := m.code()
		n, str := m.strLen(c) // bytes of payload to pass
		switch {
		case str:
		case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		case c >= 0x80 && c <= 0x8f:
			pending += 2 * int(c&0x0f)
		case c >= 0x90 && c <= 0x9f:
			pending += int(c & 0x0f)
		case c == 0xcc || c == 0xd0:
			n = 1
		case c == 0xcd || c == 0xd1:
			n = 2
		case c == 0xce || c == 0xd2 || c == 0xca:
			n = 4
		case c == 0xcf || c == 0xd3 || c == 0xcb:
			n = 8
		case c == 0xd4:
			n = 2
		case c == 0xd5:
			n = 3
		case c == 0xd6:
			n = 5
		case c == 0xd7:
			n = 9
		case c == 0xd8:
			n = 17
		case c == 0xc7:
			n = m.be(1) + 1
		case c == 0xc8:
			n = m.be(2) + 1
		case c == 0xc9:
			n = m.be(4) + 1
		case c == 0xdc, c == 0xdd, c == 0xde, c == 0xdf:
			w := 2
			if c == 0xdd || c == 0xdf {
				w = 4
			}
			k := m.be(w)
			if c >= 0xde {
				k *= 2
			}
			if k > uint64(m.left()) || pending > math.MaxInt32 {
				m.fail("a container of %d elements with %d bytes left", k, m.left())
				return
			}
			pending += int(k)
		default:
			m.i--
			m.fail("unknown msgpack code %#x", c)
			return
		}
		if n > uint64(m.left()) {
			m.fail("a value of %d bytes with %d left", n, m.left())
			return
		}
		m.i += int(n)
	}
}
