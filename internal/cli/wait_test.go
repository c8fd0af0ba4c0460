package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// --wait polls a CCU v2 purge until Done, printing progress lines while it
// waits, and records Done in the report.
func TestWaitProgress(t *testing.T) {
	cfg := strings.Replace(siteConfig, "api: fast-purge", "api: ccu-v2", 1)
	dir, _ := site(t, cfg, nil)
	sim, flags := simulator(t, ccusim.Options{V2Seconds: 1})
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb, tick: 100 * time.Millisecond}
	var stages []string
	e.stage = func(name string) { stages = append(stages, name) }
	code := e.run(context.Background(), append([]string{"purge", "--wait", "--repo", dir, "--from", "v1"}, flags...))
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	p := sim.Purges()
	for _, want := range []string{"Waiting for purge " + p[0].PurgeID, "still waiting for 1 accepted request(s)", "purge " + p[0].PurgeID + ": Done"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Join(stages, ",") != "Plan,Purge,Wait" {
		t.Errorf("stages %v", stages)
	}
}
