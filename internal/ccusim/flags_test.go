package ccusim

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSimulatorFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Flags
		wantErr string // fragment; "" = success
	}{
		{"defaults", nil, Flags{Dir: "ccu-simulator", V2Seconds: 420, Buckets: "real"}, ""},
		{"everything", []string{"--dir", "d", "--v2-seconds", "5", "--latency", "100ms", "--fail", "500,503", "--fail", "429",
			"--refuse", "https://e.com/a, 123", "--refuse", "tag", "--buckets", "unlimited",
			"--script", "429, Reset,ok", "--script", "delay=2s"},
			Flags{Dir: "d", V2Seconds: 5, Latency: 100 * time.Millisecond, Fail: []int{500, 503, 429},
				Refuse: []string{"https://e.com/a", "123", "tag"}, Buckets: "unlimited",
				Script: []string{"429", "reset", "ok", "delay=2s"},
				Steps:  []Step{{Status: 429}, {Reset: true}, {}, {Delay: 2 * time.Second}}}, ""},
		{"script with an unknown step", []string{"--script", "429,boom"}, Flags{},
			`unknown script step "boom"; valid steps are an HTTP status 400 to 599, "ok", "reset"`},
		{"script with a success status", []string{"--script", "201"}, Flags{}, "400 to 599"},
		{"empty script", []string{"--script", ""}, Flags{}, "empty script"},
		{"a slip of a flag", []string{"--scirpt", "429"}, Flags{}, "unknown flag --scirpt for simulator; did you mean --script? (see 'ccu-purge simulator --help')"},
		{"a slip of a value", []string{"--buckets", "rea"}, Flags{}, `unknown --buckets "rea"; did you mean "real"?`},
		{"a repository flag", []string{"--repo", "."}, Flags{}, "unknown flag --repo for simulator (see 'ccu-purge simulator --help')"},
		{"an argument", []string{"now"}, Flags{}, `unexpected argument "now"`},
		{"unknown buckets", []string{"--buckets", "fast"}, Flags{}, `valid values are "real" and "unlimited"`},
		{"fail with a success status", []string{"--fail", "200"}, Flags{}, "valid statuses are 400 to 599"},
		{"fail with a word", []string{"--fail", "500,oops"}, Flags{}, `"oops" is not an HTTP error status`},
		{"negative latency", []string{"--latency", "-1s"}, Flags{}, "negative"},
		{"bad latency", []string{"--latency", "soon"}, Flags{}, "latency"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFlags(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, *f); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSimulatorOptions(t *testing.T) {
	unlimited := Unlimited()
	tests := []struct {
		buckets string
		want    *Buckets
	}{{"real", nil}, {"unlimited", &unlimited}}
	for _, tc := range tests {
		t.Run(tc.buckets, func(t *testing.T) {
			got := (&Flags{Buckets: tc.buckets, V2Seconds: 7}).Options()
			if diff := cmp.Diff(Options{V2Seconds: 7, Buckets: tc.want}, got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
	// ccusim reads 0 as its 420 s default; the flag's 0 means Done at once.
	if got := (&Flags{V2Seconds: 0}).Options().V2Seconds; got != -1 {
		t.Errorf("--v2-seconds 0 gives V2Seconds %d, want -1 (Done at once)", got)
	}
}
