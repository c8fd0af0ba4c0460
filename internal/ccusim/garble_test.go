package ccusim_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// Each Garble processes the purge, sends the 201 status line, then spoils
// the body as it says, over HTTP/1.1 and HTTP/2.
func TestGarble(t *testing.T) {
	for _, tc := range []struct {
		step    ccusim.Step
		readErr bool // reading the body fails
		outcome ccusim.Outcome
	}{
		{ccusim.Step{Garble: ccusim.GarbleShort}, true, ccusim.OutcomeBodyCut},
		{ccusim.Step{Garble: ccusim.GarbleUnterminated}, true, ccusim.OutcomeBodyCut},
		{ccusim.Step{Garble: ccusim.GarbleGzip}, true, ccusim.OutcomeAnswered},
		{ccusim.Step{Garble: ccusim.GarbleSlow, BodyDelay: 200 * time.Millisecond}, false, ccusim.OutcomeAnswered},
	} {
		for _, h2 := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/h2=%v", tc.step.Garble, h2), func(t *testing.T) {
				s := start(t, ccusim.Options{})
				s.Script(tc.step)
				began := time.Now()
				r, err := s.send(t.Context(), s.protoClient(t, deadline, h2), post("/ccu/v3/invalidate/url", urls("https://e.com/a")))
				if r.status != 201 || (err != nil) != tc.readErr {
					t.Fatalf("status %d, read error %v; want 201 and an error %v", r.status, err, tc.readErr)
				}
				purges := s.Purges()
				if len(purges) != 1 {
					t.Fatalf("purges %+v, want the one processed", purges)
				}
				if !tc.readErr && (!strings.Contains(r.raw, purges[0].PurgeID) || time.Since(began) < tc.step.BodyDelay) {
					t.Errorf("body %q after %v, want the whole answer after %v", r.raw, time.Since(began), tc.step.BodyDelay)
				}
				served := s.Served()
				if len(served) != 1 || served[0].Status != 201 || served[0].Outcome != tc.outcome || served[0].PurgeID != purges[0].PurgeID {
					t.Errorf("served %+v, want one 201 %q", served, tc.outcome)
				}
			})
		}
	}
}
