package ccusim

import (
	"crypto/x509"
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
		{"defaults", nil, Flags{Dir: "ccu-simulator", V2Seconds: 420, Buckets: "real", EstimatedSeconds: 5, EdgeNetwork: "production", EdgeCPCode: 424242}, ""},
		{"everything", []string{"--dir", "d", "--v2-seconds", "5", "--latency", "100ms", "--fail", "500,503", "--fail", "429",
			"--refuse", "https://e.com/a, 123", "--refuse", "tag", "--buckets", "unlimited",
			"--script", "429, Reset,ok", "--script", "delay=2s"},
			Flags{Dir: "d", V2Seconds: 5, EstimatedSeconds: 5, EdgeNetwork: "production", EdgeCPCode: 424242,
				Latency: 100 * time.Millisecond, Fail: []int{500, 503, 429},
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
		{"the edge", []string{"--edge-origin", "public", "--edge-host", "WWW.example.com, static.example.com", "--edge-host", "x.example.com",
			"--edge-network", "staging", "--edge-cpcode", "1234", "--edge-latency", "50ms", "--estimated-seconds", "0",
			"--edge-fault", "lost-purge", "--edge-fault", "Lost-Purge:2,slow:10s", "--edge-fault", "origin-lag:1m"},
			Flags{Dir: "ccu-simulator", V2Seconds: 420, Buckets: "real", EstimatedSeconds: 0,
				EdgeOrigin: "public", EdgeHosts: []string{"www.example.com", "static.example.com", "x.example.com"},
				EdgeNetwork: "staging", EdgeCPCode: 1234, EdgeLatency: 50 * time.Millisecond,
				EdgeFaults: []string{"lost-purge", "lost-purge:2", "slow:10s", "origin-lag:1m"},
				EdgeFault:  EdgeFault{LosePurges: 3, Propagation: 10 * time.Second, OriginLag: time.Minute}}, ""},
		{"a slip of an edge fault", []string{"--edge-origin", "d", "--edge-fault", "lost-purg"}, Flags{},
			`unknown edge fault "lost-purg"; did you mean "lost-purge"? valid faults are lost-purge[:N], slow:DURATION and origin-lag:DURATION`},
		{"an unknown edge fault", []string{"--edge-origin", "d", "--edge-fault", "boom"}, Flags{}, `unknown edge fault "boom"; valid faults are`},
		{"lost purges not a number", []string{"--edge-origin", "d", "--edge-fault", "lost-purge:x"}, Flags{}, "give a whole number of purges"},
		{"lost purges zero", []string{"--edge-origin", "d", "--edge-fault", "lost-purge:0"}, Flags{}, "give a whole number of purges"},
		{"slow without a duration", []string{"--edge-origin", "d", "--edge-fault", "slow"}, Flags{}, `edge fault "slow": give a positive duration with its unit, e.g. slow:10s`},
		{"origin lag without a unit", []string{"--edge-origin", "d", "--edge-fault", "origin-lag:5"}, Flags{}, "e.g. origin-lag:10s"},
		{"a slip of an edge network", []string{"--edge-origin", "d", "--edge-network", "stagin"}, Flags{}, `unknown --edge-network "stagin"; did you mean "staging"?`},
		{"a zero CP code", []string{"--edge-origin", "d", "--edge-cpcode", "0"}, Flags{}, "give a positive CP code"},
		{"negative edge latency", []string{"--edge-origin", "d", "--edge-latency", "-1ms"}, Flags{}, "--edge-latency -1ms is negative"},
		{"negative estimated seconds", []string{"--estimated-seconds", "-1"}, Flags{}, "--estimated-seconds -1 is negative"},
		{"an edge flag without an origin", []string{"--edge-host", "www.example.com"}, Flags{}, "--edge-host needs --edge-origin DIR|URL"},
		{"a slip of an edge flag", []string{"--edge-orign", "d"}, Flags{}, "did you mean --edge-origin?"},
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
			if diff := cmp.Diff(Options{V2Seconds: 7, V3Seconds: -1, Buckets: tc.want}, got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
	// ccusim reads 0 as its 420 s default; the flag's 0 means Done at once.
	if got := (&Flags{V2Seconds: 0}).Options().V2Seconds; got != -1 {
		t.Errorf("--v2-seconds 0 gives V2Seconds %d, want -1 (Done at once)", got)
	}
	if got := (&Flags{EstimatedSeconds: 3}).Options().V3Seconds; got != 3 {
		t.Errorf("--estimated-seconds 3 gives V3Seconds %d, want 3", got)
	}
}

func TestSimulatorEdgeOptions(t *testing.T) {
	f, err := ParseFlags([]string{"--edge-origin", "public", "--edge-host", "www.example.com", "--edge-latency", "5ms", "--edge-fault", "slow:3s"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ReadEnv(func(k string) string { return map[string]string{DebugKeyVar: " 00ff10 "}[k] }); err != nil {
		t.Fatal(err)
	}
	want := EdgeOptions{Origin: "public", Hosts: []string{"www.example.com"}, Network: "production", CPCode: 424242,
		DebugKey: []byte{0, 0xff, 0x10}, Latency: 5 * time.Millisecond}
	if diff := cmp.Diff(want, f.EdgeOptions(), cmp.Comparer(func(a, b *x509.CertPool) bool { return a == b })); diff != "" {
		t.Errorf("edge options (-want +got):\n%s", diff)
	}
	described := f.Describe()
	for _, want := range []string{"edge: serves www.example.com from origin public, network production, CP code 424242",
		"Enhanced Debug tokens signed with the key in CCUSIM_DEBUG_KEY", "edge faults: slow:3s", "estimatedSeconds 5"} {
		if !strings.Contains(described, want) {
			t.Errorf("Describe lacks %q:\n%s", want, described)
		}
	}
	if strings.Contains(described, "00ff10") {
		t.Errorf("Describe shows the debug key:\n%s", described)
	}
}

func TestSimulatorDebugKeyEnv(t *testing.T) {
	for _, tc := range []struct {
		value   string
		want    []byte
		wantErr string
	}{{"", nil, ""}, {"abCD", []byte{0xab, 0xcd}, ""}, {"secret-not-hex", nil, "CCUSIM_DEBUG_KEY is not hex (14 characters)"}} {
		f := &Flags{}
		err := f.ReadEnv(func(k string) string {
			if k != DebugKeyVar {
				t.Errorf("ReadEnv read %s", k)
			}
			return tc.value
		})
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), tc.value) {
				t.Errorf("%q: error %v, want %q without the key", tc.value, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !cmp.Equal(f.DebugKey, tc.want) {
			t.Errorf("%q: key %x, %v, want %x", tc.value, f.DebugKey, err, tc.want)
		}
	}
}
