package deployed

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// TestFill: each target gets its source and whether it was removed, the
// config's CP codes unless it names its own, and the deployed bytes from
// the site folder (none for a removed file or one the folder lacks).
func TestFill(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.html"), []byte("new a"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Site{
		Sources: map[string]plan.Source{
			"https://www.example.com/a.html":    {Path: "public/a.html"},
			"https://www.example.com/gone.html": {Path: "public/gone.html", Deleted: true},
		},
		Dir: dir, BasePath: "/", CPCodes: []int64{5},
	}
	targets := []verify.Target{
		{URL: "https://www.example.com/a.html"},
		{URL: "https://www.example.com/gone.html"},
		{URL: "https://www.example.com/other.html", CPCodes: []int64{7}},
	}
	if err := s.Fill(targets); err != nil {
		t.Fatal(err)
	}
	a, gone, other := targets[0], targets[1], targets[2]
	if a.Source != "public/a.html" || a.Deleted || !a.WantKnown || string(a.Want) != "new a" || a.CPCodes[0] != 5 {
		t.Errorf("a.html: %+v; want its source, the folder's bytes and CP code 5", a)
	}
	if !gone.Deleted || gone.WantKnown {
		t.Errorf("gone.html: %+v; want removed, with no bytes", gone)
	}
	if other.WantKnown || other.CPCodes[0] != 7 {
		t.Errorf("other.html: %+v; want no bytes and its own CP code", other)
	}
	if err := (Site{Dir: filepath.Join(dir, "missing")}).Fill([]verify.Target{{URL: "https://www.example.com/a.html"}}); err == nil {
		t.Error("Fill with a missing site folder: no error")
	}
}
