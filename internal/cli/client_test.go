package cli

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// The client's limits end to end (an oversized object, an IPv6 host, a
// plain-HTTP host, a huge estimatedSeconds): what reaches the exit code
// and the user.

// An object whose request alone exceeds 50,000 bytes is refused at plan
// time (exit 2, nothing sent) by plan, purge --dry-run and purge alike.
func TestOversizedObjectRefused(t *testing.T) {
	cfg := "api: fast-purge\nnetwork: production\nbase_url: https://www.example.com/" + strings.Repeat("p", 50000) +
		"\nrules:\n  - match: \"public/**\"\n    strip: public/\n    urls: \"{base}/{path}\"\n"
	dir, _ := site(t, cfg, nil)
	sim, flags := simulator(t, ccusim.Options{})
	for _, args := range [][]string{{"plan"}, {"purge", "--dry-run"}, {"purge"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runQuick(t, nil, append(append(args, "--repo", dir, "--from", "v1"), flags...)...)
			oneMessage(t, r, ExitUsage, "objects too large for any request: url \"https://www.example.com/ppp", "bytes)", "one object may take at most 49799 bytes")
		})
	}
	if n := len(sim.Served()); n != 0 {
		t.Errorf("%d purge requests sent, want none", n)
	}
}

// An unbracketed IPv6 .edgerc host is a config error with the fix.
func TestUnbracketedIPv6Host(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	r := runQuick(t, nil, "purge", "--repo", dir, "--from", "v1", "--edgerc", edgercFor(t, "::1:8443", hardCred.ClientSecret))
	oneMessage(t, r, ExitUsage, "write an IPv6 host in brackets: [::1]:8443")
}

// A host that speaks plain HTTP fails at once (exit 1, saying so), not
// after the whole budget of retries.
func TestPlainHTTPHost(t *testing.T) {
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	dir, _ := site(t, siteConfig, nil)
	began := time.Now()
	r := runQuick(t, nil, "purge", "--repo", dir, "--from", "v1", "--timeout", "1m", "--edgerc", edgercFor(t, strings.TrimPrefix(plain.URL, "http://"), hardCred.ClientSecret))
	oneMessage(t, r, ExitFailed, "the host speaks plain HTTP, not HTTPS: check host in .edgerc")
	if d := time.Since(began); d > 20*time.Second {
		t.Errorf("took %v: retried instead of failing at once", d)
	}
}

// A huge estimatedSeconds does not make --wait say Done at once: it
// waits until the budget ends and says the purge is not confirmed.
func TestWaitHugeEstimate(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	// 1e10 and a literal past int64 are the same figure written as JSON
	// allows; read as an int they were 0, and --wait did not wait at all.
	for _, est := range []string{"10000000000", "1e10", "99999999999999999999"} {
		sim.Script(ccusim.Step{Body: `{"httpStatus":201,"purgeId":"edup-huge","supportId":"edup-huge","estimatedSeconds":` + est + `,"detail":"Request accepted"}`})
		report := filepath.Join(t.TempDir(), "r.json")
		r := runQuick(t, nil, append([]string{"purge", "--wait", "--timeout", "1s", "--repo", dir, "--from", "v1", "--report", report}, flags...)...)
		rep := readReport(t, report)
		if len(rep.Batches) != 1 || rep.Batches[0].PurgeID != "edup-huge" || !strings.HasPrefix(rep.Batches[0].Status, "not confirmed: the time budget") {
			t.Errorf("estimatedSeconds %s: exit %d, report %+v\n%s%s", est, r.code, rep, r.stdout, r.stderr)
		}
	}
}
