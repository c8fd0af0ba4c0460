package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func objs(kv ...string) mapper.Result {
	var r mapper.Result
	for i := 0; i+1 < len(kv); i += 2 {
		r.Objects = append(r.Objects, mapper.Object{Kind: purge.Kind(kv[i]), Value: kv[i+1]})
	}
	return r
}

// batchObjects is each batch as its type and objects.
func batchObjects(p *Plan) [][]string {
	var out [][]string
	for _, b := range p.Batches {
		out = append(out, append([]string{string(b.Type)}, b.Objects...))
	}
	return out
}

func TestCPCodeCovers(t *testing.T) {
	t.Parallel()
	www := map[int64][]string{12345: {"www.example.com"}}
	for _, tc := range []struct {
		name    string
		res     mapper.Result
		covers  map[int64][]string
		want    [][]string
		notes   []string
		fallCPs []int64
	}{
		{"dropped, others sent", objs("url", "https://www.example.com/a", "url", "https://www.example.com:8443/b", "url", "https://docs.example.com/c", "cpcode", "12345"), www,
			[][]string{{"url", "https://docs.example.com/c"}, {"cpcode", "12345"}},
			[]string{"2 URLs dropped: CP code 12345 (www.example.com) is purged in this plan", "1 URL on hosts no purged CP code is said to cover is sent (cpcode_covers names the hosts each CP code serves)"}, nil},
		{"all dropped", objs("url", "https://www.example.com/a", "cpcode", "12345"), www,
			[][]string{{"cpcode", "12345"}}, []string{"1 URL dropped: CP code 12345 (www.example.com) is purged in this plan"}, nil},
		{"CP code not purged: URLs sent, no note", objs("url", "https://www.example.com/a", "cpcode", "999"), www,
			[][]string{{"url", "https://www.example.com/a"}, {"cpcode", "999"}}, nil, nil},
		{"without cpcode_covers, as before", objs("url", "https://www.example.com/a", "cpcode", "12345"), nil,
			[][]string{{"url", "https://www.example.com/a"}, {"cpcode", "12345"}}, nil, nil},
		{"ARLs and tags kept", objs("arl", "/L/1/12345/1h/www.example.com/a", "tag", "t", "cpcode", "12345"), www,
			[][]string{{"arl", "/L/1/12345/1h/www.example.com/a"}, {"cpcode", "12345"}, {"tag", "t"}}, nil, nil},
		{"first covering CP code named", objs("url", "https://a.com/x", "url", "https://b.com/y", "cpcode", "2", "cpcode", "1"), map[int64][]string{1: {"a.com", "b.com"}, 2: {"b.com"}},
			[][]string{{"cpcode", "2", "1"}}, []string{"1 URL dropped: CP code 2 (b.com) is purged in this plan", "1 URL dropped: CP code 1 (a.com, b.com) is purged in this plan"}, nil},
		{"fallback already drops URLs: no note", objs("url", "https://www.example.com/a", "url", "https://www.example.com/b"), www,
			[][]string{{"cpcode", "12345"}}, nil, []int64{12345}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := v3
			s.CPCodeCovers = tc.covers
			if tc.fallCPs != nil {
				s.FallbackCPCodes, s.Threshold = tc.fallCPs, 1
			}
			p := Build("a", "b", nil, tc.res, s)
			if d := cmp.Diff(tc.want, batchObjects(p)); d != "" {
				t.Errorf("batches (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.notes, p.Notes); d != "" {
				t.Errorf("notes (-want +got):\n%s", d)
			}
		})
	}
}

func TestSettingsOfCovers(t *testing.T) {
	t.Parallel()
	cfg, err := mapper.Parse("c.yml", []byte("cpcode_covers: {12345: [WWW.Example.com, example.com]}\nrules:\n  - match: '**'\n    cpcodes: 12345\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]string{12345: {"www.example.com", "example.com"}}
	if d := cmp.Diff(want, SettingsOf(cfg).CPCodeCovers); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
