package cli

import (
	"github.com/ccu-purge/ccu-purge/internal/outfile"
	"github.com/ccu-purge/ccu-purge/internal/redact"
)

// Every file the run writes (the report, the dotenv report, the step
// outputs and the job summary) goes through writeOut or appendOut, and
// stdout and stderr through the writers hide installs: one place where
// credentials a server echoed are removed, whatever the output.

// hide removes secrets (and any EdgeGrid Authorization header) from every
// later output: stdout, stderr and the files. It is called once the
// credentials are loaded; secrets add up over calls.
func (e *env) hide(secrets ...string) {
	if e.rawOut == nil {
		e.rawOut, e.rawErr = e.stdout, e.stderr
	}
	e.secrets = append(e.secrets, secrets...)
	e.redact = redact.New(e.secrets...)
	e.stdout, e.stderr = e.redact.Writer(e.rawOut), e.redact.Writer(e.rawErr)
}

// checkOutput is outfile.Check as a usage error (exit 2): nothing has
// been sent yet.
func checkOutput(what, path string) error {
	if err := outfile.Check(what, path); err != nil {
		return usageErr(err)
	}
	return nil
}

// checkAppend is outfile.CheckAppend as a usage error.
func checkAppend(what, path string) error {
	if err := outfile.CheckAppend(what, path); err != nil {
		return usageErr(err)
	}
	return nil
}

// writeOut replaces the file at path with data, redacted (see outfile.Replace).
func (e *env) writeOut(path string, data []byte) error {
	return outfile.Replace(path, []byte(e.redact.String(string(data))))
}

// appendOut appends data, redacted, to a runner's file (see outfile.Append).
func (e *env) appendOut(path string, data []byte) error {
	return outfile.Append(path, []byte(e.redact.String(string(data))))
}
