package mapper

import (
	"fmt"
	"strings"
)

// Error is one problem in a config: at a file position, or, for a setting
// given on the command line or in the environment, at that flag or
// variable (Source), so the message points where the fix goes.
type Error struct {
	File      string
	Line, Col int
	Source    string // "--network" or "CCU_PURGE_NETWORK"; empty for the file
	Msg       string
}

func (e *Error) Error() string {
	if e.Source != "" {
		return e.Source + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors is every problem found in one config; Load reports them all, not
// only the first, so one edit can fix them all.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}
