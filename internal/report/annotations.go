package report

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// maxAnnotations caps config-error annotations: GitHub shows only a few
// per step anyway.
const maxAnnotations = 20

// Level is how an annotation is shown.
type Level string

// The annotation levels.
const (
	Error   Level = "error"
	Warning Level = "warning"
)

// Annotation is one message for the Action's log.
type Annotation struct {
	Level Level
	// OnFile puts the message on File, Line and Col: a config error, whose
	// position may be empty when it came from a flag or a variable.
	OnFile    bool
	File      string
	Line, Col int
	Msg       string
}

// Annotations put config errors on their file and line, and warn about
// unmatched files, fallbacks and submodules not purged where reviewers
// look, then about each URL a verification found stale. config is the
// --config the run used and wd the workspace ("" when unknown), to which
// file paths are made relative. run.Err is what ended the purge: a stale
// URL is annotated from run.Report.Verify, so VerifyErr need not be in it.
func Annotations(run Run, config, wd string) []Annotation {
	out := append(errorAnnotations(run.Err, config, wd), planAnnotations(run.Plan)...)
	if run.Report != nil && run.Report.Verify != nil {
		out = append(out, staleAnnotations(run.Report.Verify)...)
	}
	return out
}

func planAnnotations(p *plan.Plan) []Annotation {
	if p == nil {
		return nil
	}
	var out []Annotation
	if n := len(p.Unmatched); n > 0 && p.UnmatchedPolicy != mapper.UnmatchedIgnore {
		out = append(out, warning("%d changed file(s) match no rule and are not purged: %s", n, capList(p.Unmatched, 10)))
	}
	if p.Fallback.Used {
		out = append(out, warning("fallback: %s", p.Fallback.Reason))
	}
	for _, m := range p.Submodules {
		if !m.Covered {
			out = append(out, warning("%s: its files are not purged (submodules: warn)", m))
		}
	}
	return out
}

// maxStaleAnnotations caps the stale URLs annotated one by one; a summary
// annotation counts the rest, which the log and the report list.
const maxStaleAnnotations = 10

// staleAnnotations are one per stale URL, an error under on_stale: fail
// (the run fails on it) and a warning otherwise.
func staleAnnotations(v *verify.Verification) []Annotation {
	level := Warning
	if v.OnStale == OnStaleFail {
		level = Error
	}
	var out []Annotation
	stale := withVerdict(v.Results, verify.Stale)
	for i, r := range stale {
		if i == maxStaleAnnotations {
			out = append(out, Annotation{Level: level, Msg: fmt.Sprintf("%d more URL(s) still stale after the purge; the log and the report list all", len(stale)-maxStaleAnnotations)})
			break
		}
		out = append(out, Annotation{Level: level, Msg: staleMessage(r)})
	}
	return out
}

func staleMessage(r verify.Result) string {
	msg := fmt.Sprintf("stale after the purge: %s (%s in %s)", r.URL, count(r.Attempts, "attempt"), seconds(r.Seconds))
	if r.Diagnosis != "" {
		msg += ": " + oneLine(r.Diagnosis)
	}
	if r.Hint != "" {
		msg += "; hint: " + oneLine(r.Hint)
	}
	return msg
}

func warning(format string, args ...any) Annotation {
	return Annotation{Level: Warning, Msg: fmt.Sprintf(format, args...)}
}

// errorAnnotations are err's: one per config error, on its position, or
// the error on one line.
func errorAnnotations(err error, config, wd string) []Annotation {
	var errs mapper.Errors
	switch {
	case errors.As(err, &errs):
		var out []Annotation
		// A broken file can have thousands of errors; the log has them all.
		if len(errs) > maxAnnotations {
			out = append(out, Annotation{Level: Error, Msg: fmt.Sprintf("%d problems in %s; the first %d are annotated, the log lists all", len(errs), config, maxAnnotations)})
			errs = errs[:maxAnnotations]
		}
		for _, x := range errs {
			out = append(out, Annotation{Level: Error, OnFile: true, File: relPath(x.File, config, wd), Line: x.Line, Col: x.Col, Msg: x.Msg})
		}
		return out
	case err != nil:
		return []Annotation{{Level: Error, Msg: oneLine(err.Error())}}
	}
	return nil
}

// relPath shows a config path relative to the workspace, as annotations need.
func relPath(file, config, wd string) string {
	if wd != "" {
		if rel, err := filepath.Rel(wd, file); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	if config != "" {
		return config
	}
	return file
}

// Warned reports what fail-on: warning fails on: unmatched files, a
// fallback or a moved submodule whose files are not purged.
func Warned(p *plan.Plan) bool {
	return p != nil && (len(p.Unmatched) > 0 && p.UnmatchedPolicy != mapper.UnmatchedIgnore || p.Fallback.Used || uncovered(p.Submodules))
}

func capList(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(xs[:n], ", "), len(xs)-n)
}
