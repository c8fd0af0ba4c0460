package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
)

func TestSources(t *testing.T) {
	cfg, err := mapper.Parse("t.yml", []byte(`rules:
  - match: "public/**/index.html"
    strip: public/
    urls: ["https://www.example.com/{path}", "https://www.example.com/{dir}"]
  - match: "public/**"
    strip: public/
    urls: https://www.example.com/{path}
  - match: "layouts/**"
    cpcodes: 5
`))
	if err != nil {
		t.Fatal(err)
	}
	changes := []diff.Change{
		{Status: diff.Modified, Path: "public/a.html"},
		{Status: diff.Deleted, Path: "public/gone.html"},
		{Status: diff.Renamed, OldPath: "public/blog/old.html", Path: "public/blog/index.html"},
		{Status: diff.Deleted, Path: "public/news/index.html"},
		{Status: diff.Modified, Path: "layouts/base.html"},
	}
	var paths []string
	for _, c := range changes {
		paths = append(paths, c.Paths()...)
	}
	got := Sources(changes, cfg.Map(paths))
	want := map[string]Source{
		"https://www.example.com/a.html":          {Path: "public/a.html"},
		"https://www.example.com/gone.html":       {Path: "public/gone.html", Deleted: true},
		"https://www.example.com/blog/old.html":   {Path: "public/blog/old.html", Deleted: true},
		"https://www.example.com/blog/index.html": {Path: "public/blog/index.html"},
		"https://www.example.com/blog/":           {Path: "public/blog/index.html"},
		"https://www.example.com/news/index.html": {Path: "public/news/index.html", Deleted: true},
		"https://www.example.com/news/":           {Path: "public/news/index.html", Deleted: true},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Sources (-want +got):\n%s", d)
	}
}
