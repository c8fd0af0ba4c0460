package mapper_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
)

const schemaPath = "../../schema/ccu-purge.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.NewCompiler().Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// schemaCheck validates YAML config text against the schema, as an
// editor's YAML language server does.
func schemaCheck(t *testing.T, s *jsonschema.Schema, yml []byte) error {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(yml, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(stringKeys(v))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}

// stringKeys turns the map[any]any YAML decodes for numeric keys
// (cpcode_covers: {12345: …}) into JSON objects, as editors do.
func stringKeys(v any) any {
	switch x := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = stringKeys(e)
		}
		return m
	case map[string]any:
		for k, e := range x {
			x[k] = stringKeys(e)
		}
	case []any:
		for i, e := range x {
			x[i] = stringKeys(e)
		}
	}
	return v
}

// TestShippedConfigsMatchSchema validates the example config and every
// example against the schema, and checks each names it for editors.
func TestShippedConfigsMatchSchema(t *testing.T) {
	t.Parallel()
	s := compileSchema(t)
	files, _ := filepath.Glob("../../examples/*/.ccu-purge.yml")
	files = append(files, "../../.ccu-purge.yml.example")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := schemaCheck(t, s, data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if !bytes.Contains(data, []byte("# yaml-language-server: $schema=")) {
			t.Errorf("%s lacks the # yaml-language-server: $schema= line", f)
		}
	}
}

// TestSchemaAgreesWithParse feeds the same configs to the schema and to
// Parse: an editor must not flag what validate accepts, nor accept what
// it rejects (for what a schema can express).
func TestSchemaAgreesWithParse(t *testing.T) {
	t.Parallel()
	s := compileSchema(t)
	const r = "rules:\n  - match: a\n    cpcodes: 1\n"
	for _, tc := range []struct {
		name, yml string
		valid     bool
	}{
		{"minimal", r, true},
		{"everything", `version: 1
hosts: [a.com, www.a.com]
api: fast-purge
network: staging
action: delete
queue: default
threshold: 10
threshold_share: 0.5
max_objects: 100
unmatched: error
on_unknown_base: cpcode
fetch: never
cpcodes: [1, "2"]
tags: [site]
ignore: "**/*.map"
rules:
  - name: x
    match: ["public/**"]
    ignore: public/drafts/**
    strip: public/
    base_url: [https://a.com/x]
    urls: "{base}/{path|lower}"
    also: "{base}/feed.xml"
    index: index.html
    index_forms: [dir/]
    pretty: .html
    pretty_forms: bare
    tags: t
    source: output
  - regex: 'x/(?P<y>.*)'
    urls: "https://a.com/{y}"
verify:
  sample: 10%
  seed: 1
  timeout: 1m30s
  concurrency: 8
  on_stale: fail
  site_dir: public
  base_path: /docs
  origin: https://origin.a.com:8443/
  debug: Enhanced
  staging_edge: www.a.com.edgekey-staging.net
  connect_to: ["www.a.com:192.0.2.10", "a.com:[2001:db8::1]:443"]
  hosts: [www.a.com, a.com]
  normalize:
    - match: "**/*.html"
      strip: ['<meta name="generator"[^>]*>', 'data-build="[^"]*"']
    - strip: 'nonce="[^"]*"'
output:
  dir: public
  manifest: .ccu-purge-manifest.gz
  normalize:
    - match: "**/*.html"
      strip: ['<meta name="generator"[^>]*>', 'data-build-time="[^"]*"']
    - strip: '\?v=[0-9a-f]+'
  immutable: ["**/*.????????.{js,css}"]
  max_removed: 100
  volatility: 50%
  sample_bytes: 4096
`, true},
		{"unknown key", "nope: 1\n" + r, false},
		{"unknown rule key", "rules:\n  - match: a\n    url: https://a.com/{path}\n", false},
		{"bad enum", "network: prod\n" + r, false},
		{"version 2", "version: 2\n" + r, false},
		{"no rules", "api: fast-purge\n", false},
		{"empty rules", "rules: []\n", false},
		{"match and regex", "rules:\n  - match: a\n    regex: b\n    cpcodes: 1\n", false},
		{"no match", "rules:\n  - cpcodes: 1\n", false},
		{"purges nothing", "rules:\n  - match: a\n", false},
		{"base_url and hosts", "base_url: https://a.com\nhosts: [a.com]\n" + r, false},
		{"host with scheme", "hosts: [https://a.com]\n" + r, false},
		{"base_url not absolute", "base_url: a.com\n" + r, false},
		{"delete on production", "action: delete\n" + r, false},
		{"delete allowed", "action: delete\nallow_delete: true\n" + r, true},
		{"delete on staging", "action: delete\nnetwork: staging\n" + r, true},
		{"threshold without fallback", "threshold: 5\n" + r, false},
		{"threshold with tags", "threshold: 5\ntags: [x]\n" + r, true},
		{"share too big", "cpcodes: 1\nthreshold_share: 30\n" + r, false},
		{"bad cpcode", "cpcodes: [abc]\n" + r, false},
		{"bad tag", "tags: ['a b']\n" + r, false},
		{"index_forms alone", "rules:\n  - match: a\n    index_forms: dir\n    urls: https://a.com/{path}\n", false},
		{"bad index form", "rules:\n  - match: a\n    index: index.html\n    index_forms: folder\n    urls: https://a.com/{path}\n", false},
		{"pretty without dot", "rules:\n  - match: a\n    pretty: html\n    urls: https://a.com/{path}\n", false},
		{"cpcode policy without cpcodes", "on_unknown_base: cpcode\n" + r, false},
		{"submodules warn", "submodules: warn\n" + r, true},
		{"submodules error", "submodules: error\n" + r, true},
		{"submodules cpcode", "submodules: cpcode\ncpcodes: 5\n" + r, true},
		{"submodules cpcode without cpcodes", "submodules: cpcode\n" + r, false},
		{"submodules unknown", "submodules: ignore\n" + r, false},
		{"base_url with port", "base_url: https://a.com:8443/x\n" + r, true},
		{"base_url port 65535", "base_url: http://a.com:65535\n" + r, true},
		{"base_url port 0", "base_url: https://a.com:0\n" + r, false},
		{"base_url port 99999", "base_url: https://a.com:99999\n" + r, false},
		{"base_url port 65536", "base_url: https://a.com:65536\n" + r, false},
		{"base_url empty port", "base_url: 'https://a.com:'\n" + r, false},
		{"base_url user info", "base_url: https://www.a.com@evil.example\n" + r, false},
		{"base_url empty label", "base_url: https://www..a.com\n" + r, false},
		{"base_url trailing dot", "base_url: https://a.com./\n" + r, false},
		{"host empty label", "hosts: [www..a.com]\n" + r, false},
		{"host leading dot", "hosts: [.a.com]\n" + r, false},
		{"host trailing dot", "hosts: [a.com.]\n" + r, false},
		{"tag templates and each", "rules:\n  - regex: 'c/(?P<lang>[a-z]+)/.*'\n    each: {v: [1, 2], site: [a, b]}\n    urls: 'https://a.com/{v}/{site}/{path|urlize}'\n    also: 'https://a.com/{parent}'\n    tags: ['docs-{1}', '{lang}-{dir|noslash}', plain]\n", true},
		{"rule tag bad text", "rules:\n  - match: a\n    tags: ['a b-{stem}']\n", false},
		{"rule tag literal too long", "rules:\n  - match: a\n    tags: ['" + strings.Repeat("x", 129) + "']\n", false},
		{"each bad name", "rules:\n  - match: a\n    each: {a-b: [x]}\n    cpcodes: 1\n", false},
		{"each built-in name", "rules:\n  - match: a\n    each: {parent: [x]}\n    cpcodes: 1\n", false},
		{"each empty list", "rules:\n  - match: a\n    each: {lang: []}\n    cpcodes: 1\n", false},
		{"each repeated value", "rules:\n  - match: a\n    each: {lang: [de, de]}\n    cpcodes: 1\n", false},
		{"each empty value", "rules:\n  - match: a\n    each: {lang: ['']}\n    cpcodes: 1\n", false},
		{"each not a map", "rules:\n  - match: a\n    each: [de]\n    cpcodes: 1\n", false},
		{"cpcode_covers", "cpcode_covers: {12345: [www.a.com, a.com], \"6\": b.com}\n" + r, true},
		{"cpcode_covers bad CP code", "cpcode_covers: {abc: a.com}\n" + r, false},
		{"cpcode_covers URL", "cpcode_covers: {1: ['https://a.com']}\n" + r, false},
		{"cpcode_covers empty", "cpcode_covers: {}\n" + r, false},
		{"cpcode_covers empty hosts", "cpcode_covers: {1: []}\n" + r, false},
		{"verify alone", r + "verify:\n", true},
		{"verify empty", r + "verify: {}\n", true},
		{"verify a list", r + "verify: [sample]\n", false},
		{"verify unknown key", r + "verify: {smaple: 1}\n", false},
		{"verify debug_key", r + "verify: {debug_key: abcd}\n", false},
		{"verify sample all", r + "verify: {sample: all}\n", true},
		{"verify sample count", r + "verify: {sample: 20}\n", true},
		{"verify sample count string", r + "verify: {sample: '20'}\n", true},
		{"verify sample 100%", r + "verify: {sample: 100%}\n", true},
		{"verify sample 0.5%", r + "verify: {sample: 0.5%}\n", true},
		{"verify sample 0", r + "verify: {sample: 0}\n", false},
		{"verify sample 0%", r + "verify: {sample: 0%}\n", false},
		{"verify sample 101%", r + "verify: {sample: 101%}\n", false},
		{"verify sample words", r + "verify: {sample: some}\n", false},
		{"verify seed negative", r + "verify: {seed: -3}\n", true},
		{"verify seed not whole", r + "verify: {seed: 1.5}\n", false},
		{"verify timeout", r + "verify: {timeout: 500ms}\n", true},
		{"verify timeout no unit", r + "verify: {timeout: 60}\n", false},
		{"verify concurrency 64", r + "verify: {concurrency: 64}\n", true},
		{"verify concurrency 65", r + "verify: {concurrency: 65}\n", false},
		{"verify concurrency 0", r + "verify: {concurrency: 0}\n", false},
		{"verify on_stale", r + "verify: {on_stale: error}\n", false},
		{"verify site_dir nested", r + "verify: {site_dir: build/out}\n", true},
		{"verify site_dir absolute", r + "verify: {site_dir: /srv/www}\n", false},
		{"verify site_dir drive", r + "verify: {site_dir: 'C:/site'}\n", false},
		{"verify site_dir parent", r + "verify: {site_dir: ../site}\n", false},
		{"verify site_dir empty", r + "verify: {site_dir: ''}\n", false},
		{"verify base_path relative", r + "verify: {base_path: docs}\n", false},
		{"verify base_path query", r + "verify: {base_path: '/docs?x'}\n", false},
		{"verify origin path", r + "verify: {origin: 'https://o.a.com/site'}\n", false},
		{"verify origin not a URL", r + "verify: {origin: o.a.com}\n", false},
		{"verify origin user", r + "verify: {origin: 'https://u@o.a.com'}\n", false},
		{"verify debug off", r + "verify: {debug: off}\n", true},
		{"verify debug unknown", r + "verify: {debug: verbose}\n", false},
		{"verify staging_edge URL", r + "verify: {staging_edge: 'https://e.net'}\n", false},
		{"verify connect_to one", r + "verify: {connect_to: 'a.com:b.net'}\n", true},
		{"verify connect_to no edge", r + "verify: {connect_to: [a.com]}\n", false},
		{"verify connect_to bad port", r + "verify: {connect_to: ['a.com:b.net:0']}\n", false},
		{"verify hosts URL", r + "verify: {hosts: ['https://a.com']}\n", false},
		{"verify normalize no strip", r + "verify: {normalize: [{match: '*.html'}]}\n", false},
		{"verify normalize unknown key", r + "verify: {normalize: [{strip: a, glob: b}]}\n", false},
		{"verify normalize empty", r + "verify: {normalize: []}\n", false},
		{"verify normalize empty strip", r + "verify: {normalize: [{strip: ''}]}\n", false},
		{"verify normalize glob list", r + "verify: {normalize: [{match: [a], strip: b}]}\n", false},
		{"output alone", r + "output:\n", true},
		{"output empty", r + "output: {}\n", true},
		{"output a list", r + "output: [dir]\n", false},
		{"output unknown key", r + "output: {dri: public}\n", false},
		{"output dir nested", r + "output: {dir: build/out}\n", true},
		{"output dir absolute", r + "output: {dir: /srv/www}\n", false},
		{"output dir drive", r + "output: {dir: 'C:/site'}\n", false},
		{"output dir parent", r + "output: {dir: ../site}\n", false},
		{"output dir empty", r + "output: {dir: ''}\n", false},
		{"output manifest", r + "output: {manifest: cache/m.gz}\n", true},
		{"output manifest absolute", r + "output: {manifest: /tmp/m.gz}\n", false},
		{"output manifest parent", r + "output: {manifest: ../m.gz}\n", false},
		{"output manifest folder", r + "output: {manifest: cache/}\n", false},
		{"output manifest dot", r + "output: {manifest: .}\n", false},
		{"output manifest empty", r + "output: {manifest: ''}\n", false},
		{"output manifest blank", r + "output: {manifest: '  '}\n", false},
		{"output max_removed 0", r + "output: {max_removed: 0}\n", true},
		{"output max_removed negative", r + "output: {max_removed: -1}\n", false},
		{"output max_removed share", r + "output: {max_removed: 10%}\n", false},
		{"output volatility 50%", r + "output: {volatility: 50%}\n", true},
		{"output volatility 100%", r + "output: {volatility: 100%}\n", true},
		{"output volatility 2.5%", r + "output: {volatility: 2.5%}\n", true},
		{"output volatility 0.5", r + "output: {volatility: 0.5}\n", true},
		{"output volatility 1", r + "output: {volatility: 1}\n", true},
		{"output volatility 0%", r + "output: {volatility: 0%}\n", false},
		{"output volatility 0", r + "output: {volatility: 0}\n", false},
		{"output volatility 101%", r + "output: {volatility: 101%}\n", false},
		{"output volatility 50", r + "output: {volatility: 50}\n", false},
		{"output volatility quoted", r + "output: {volatility: '0.5'}\n", false},
		{"output volatility words", r + "output: {volatility: half}\n", false},
		{"output sample_bytes 0", r + "output: {sample_bytes: 0}\n", true},
		{"output sample_bytes 65536", r + "output: {sample_bytes: 65536}\n", true},
		{"output sample_bytes 65537", r + "output: {sample_bytes: 65537}\n", false},
		{"output sample_bytes unit", r + "output: {sample_bytes: 4KB}\n", false},
		{"output immutable one", r + "output: {immutable: 'assets/*.js'}\n", true},
		{"output immutable rooted", r + "output: {immutable: ['/assets/**']}\n", false},
		{"output immutable dot slash", r + "output: {immutable: ['./**']}\n", false},
		{"output immutable empty", r + "output: {immutable: []}\n", false},
		{"output immutable empty glob", r + "output: {immutable: ['']}\n", false},
		{"output normalize no strip", r + "output: {normalize: [{match: '*.html'}]}\n", false},
		{"output normalize rooted", r + "output: {normalize: [{match: '/blog/**', strip: a}]}\n", false},
		{"output normalize unknown key", r + "output: {normalize: [{strip: a, glob: b}]}\n", false},
		{"output normalize empty", r + "output: {normalize: []}\n", false},
		{"output normalize empty strip", r + "output: {normalize: [{strip: ''}]}\n", false},
		{"rule source git", "rules:\n  - match: a\n    source: git\n    cpcodes: 1\n", true},
		{"rule source output", "rules:\n  - match: a\n    source: output\n    cpcodes: 1\n", true},
		{"rule source unknown", "rules:\n  - match: a\n    source: diff\n    cpcodes: 1\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, perr := mapper.Parse("c.yml", []byte(tc.yml))
			serr := schemaCheck(t, s, []byte(tc.yml))
			if (perr == nil) != tc.valid || (serr == nil) != tc.valid {
				t.Errorf("want valid=%v; Parse: %v; schema: %v", tc.valid, perr, serr)
			}
		})
	}
}
