package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

func TestSimulatorFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    simFlags
		wantErr string // fragment; "" = success
	}{
		{"defaults", nil, simFlags{dir: "ccu-simulator", v2Seconds: 420, buckets: "real"}, ""},
		{"everything", []string{"--dir", "d", "--v2-seconds", "5", "--latency", "100ms", "--fail", "500,503", "--fail", "429",
			"--refuse", "https://e.com/a, 123", "--refuse", "tag", "--buckets", "unlimited"},
			simFlags{dir: "d", v2Seconds: 5, latency: 100 * time.Millisecond, fail: []int{500, 503, 429},
				refuse: []string{"https://e.com/a", "123", "tag"}, buckets: "unlimited"}, ""},
		{"unknown buckets", []string{"--buckets", "fast"}, simFlags{}, `valid values are "real" and "unlimited"`},
		{"fail with a success status", []string{"--fail", "200"}, simFlags{}, "valid statuses are 400 to 599"},
		{"fail with a word", []string{"--fail", "500,oops"}, simFlags{}, `"oops" is not an HTTP error status`},
		{"negative latency", []string{"--latency", "-1s"}, simFlags{}, "negative"},
		{"bad latency", []string{"--latency", "soon"}, simFlags{}, "latency"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb}
			f, _, err := e.simulatorFlags(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, *f, cmp.AllowUnexported(simFlags{})); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSimulatorOptions(t *testing.T) {
	unlimited := ccusim.Unlimited()
	tests := []struct {
		buckets string
		want    *ccusim.Buckets
	}{{"real", nil}, {"unlimited", &unlimited}}
	for _, tc := range tests {
		t.Run(tc.buckets, func(t *testing.T) {
			got := (&simFlags{buckets: tc.buckets, v2Seconds: 7}).options()
			if diff := cmp.Diff(ccusim.Options{V2Seconds: 7, Buckets: tc.want}, got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// The command prints what its flags do, and stops when the context ends.
func TestSimulatorStartupText(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the command starts, prints, sees Ctrl-C and stops
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"simulator", "--dir", dir, "--latency", "100ms", "--fail", "500,503",
		"--refuse", "https://e.com/x", "--buckets", "unlimited", "--v2-seconds", "5"},
		func(string) string { return "" }, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"rate limits: none (--buckets unlimited)",
		"CCU v2 purges: In-Progress for 5 s",
		"latency: 100ms added to every request",
		"failures: the next 2 purge request(s) answer 500, 503, in order",
		`refused (403 unauthorized): ["https://e.com/x"]`,
		"Stopped after 0 purge(s).",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".edgerc")); err != nil {
		t.Errorf("no .edgerc written: %v", err)
	}
}

// The scripted failures of --fail reach a real client: the first purge POST answers 500.
func TestSimulatorFailFlagApplied(t *testing.T) {
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb}
	f, _, err := e.simulatorFlags([]string{"--fail", "500", "--verbose"})
	if err != nil {
		t.Fatal(err)
	}
	sim, edgerc, ca, err := startSimulator(t.TempDir(), f.options(), true, e)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	f.apply(sim)
	dir, _ := site(t, siteConfig, nil)
	run(t, "purge", "--repo", dir, "--from", "v1", "--edgerc", edgerc, "--ca-cert", ca)
	served := sim.Served()
	if len(served) == 0 || served[0].Status != 500 || !served[0].Scripted {
		t.Fatalf("first purge POST was not the scripted 500: %+v", served)
	}
	if !strings.Contains(errb.String(), "simulator: POST /ccu/v3/") || strings.Contains(errb.String(), sim.Credential().ClientSecret) {
		t.Errorf("verbose log should name requests and never secrets:\n%s", errb.String())
	}
}
