package report

import (
	"bytes"
	"encoding/json"
	"io"
)

// JSON writes v indented, HTML characters unescaped, in one write: the
// --report file, plan --output json and explain --output json. It encodes
// compactly and indents with appendIndent, which gives
// json.Encoder.SetIndent's bytes at a fraction of its cost on a large plan.
func JSON(w io.Writer, v any) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(appendIndent(make([]byte, 0, 2*compact.Len()), compact.Bytes()))
	return err
}

// appendIndent appends src, one valid JSON value (as encoding/json writes
// it), to dst indented with two spaces, byte for byte as
// json.Indent(buf, src, "", "  ") writes it. json.Indent runs its
// validating scanner's state machine on every byte, which for a plan of
// 10,000 URLs costs more than encoding it; src is known to be valid, so
// this only has to find the strings (copied whole) and the punctuation
// between them. It does not check src.
func appendIndent(dst, src []byte) []byte {
	// json.Indent keeps what follows the value (Encoder.Encode's newline).
	body := bytes.TrimRight(src, " \t\r\n")
	return append(indent(dst, body), src[len(body):]...)
}

func indent(dst, src []byte) []byte {
	depth, open := 0, false // open: just after { or [, newline not yet written
	newline := func(depth int) {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, ' ', ' ')
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			continue // json.Indent drops the spacing it does not make
		}
		if open && c != '}' && c != ']' {
			open = false
			depth++
			newline(depth)
		}
		switch c {
		case '"':
			end := stringEnd(src, i)
			dst = append(dst, src[i:end]...)
			i = end - 1
		case '{', '[':
			open = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline(depth)
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if open {
				open = false // {} and [] stay on one line
			} else {
				depth--
				newline(depth)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd returns the index just after the string that starts at
// src[i], a '"'.
func stringEnd(src []byte, i int) int {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++ // the escaped byte; \uXXXX continues with hex digits
		case '"':
			return j + 1
		}
	}
	return len(src)
}
