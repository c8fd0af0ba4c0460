package cli

import (
	"context"
	"errors"

	"github.com/ccu-purge/ccu-purge/internal/options"
)

// verify is the verify command's entry while the verification itself is
// wired in (issue 15): it parses and checks its flags, so --help and
// every usage error already work, and refuses to run.
func (e *env) verify(_ context.Context, args []string) error {
	o := &options.Options{}
	if err := e.parse(e.flags("verify", o), args, o); err != nil {
		return err
	}
	return &exitError{ExitFailed, errors.New("verify is not available in this build yet")}
}
