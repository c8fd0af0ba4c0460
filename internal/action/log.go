package action

import (
	"bytes"
	"io"
	"strings"
)

// Defang returns w with every "##[" written as "# #[": the runner obeys
// its legacy command form ("##[error]…", "##[set-output name=…;]…",
// "##[stop-commands]…") anywhere in a line of stdout or stderr, and a log
// line may quote a path a fork's pull request chose. Nothing the Action
// writes on purpose uses that form (go-githubactions writes "::name::"),
// so every write is rewritten.
func Defang(w io.Writer) io.Writer { return defang{w} }

type defang struct{ w io.Writer }

func (l defang) Write(p []byte) (int, error) {
	if !bytes.Contains(p, []byte("##[")) {
		return l.w.Write(p)
	}
	s := string(p)
	for strings.Contains(s, "##[") {
		s = strings.ReplaceAll(s, "##[", "# #[")
	}
	if _, err := io.WriteString(l.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap returns the writer being defanged, so a caller can still ask
// whether it is a terminal.
func (l defang) Unwrap() io.Writer { return l.w }

// Log returns w as the log go-githubactions writes to. That library
// panics when a write fails, and a log the runner no longer reads (a
// closed pipe) must not crash a run that is purging, so write errors are
// dropped.
func Log(w io.Writer) io.Writer { return logWriter{w} }

type logWriter struct{ w io.Writer }

func (l logWriter) Write(p []byte) (int, error) {
	l.w.Write(p)
	return len(p), nil
}
