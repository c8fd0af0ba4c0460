package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/ccu-purge/ccu-purge/internal/options"
)

// The GitLab CI/CD component, templates/purge.yml: a spec document with
// typed inputs, then the job. These tests render it as GitLab would
// (inputs interpolated), run its script with a stand-in ccu-purge that
// records its arguments, and check that every input reaches the command
// line as its flag (booleans only when true, empty strings not at all),
// that every flag is one purge defines, and that the real CLI accepts the
// command line.

const componentPath = "../../templates/purge.yml"

// flagOf are the inputs whose flag has another name; envInputs the ones
// that set a variable instead, a secret no command line may show.
var (
	flagOf    = map[string]string{"verify-sample": "sample"}
	envInputs = map[string]string{"debug-key": "AKAMAI_DEBUG_KEY"}
)

// jobInputs are the inputs that set the job, not a flag: where each goes.
var jobInputs = map[string]string{
	"stage": "stage", "job-name": "the job's name", "image-version": "image:name",
	"allow-failure": "allow_failure", "resource-group": "resource_group",
}

type componentInput struct {
	Type        string
	Default     any
	Description string
	Regex       string
	Options     []any
}

// readComponent splits the component into its spec's inputs and the job
// document's text (still with its $[[ inputs.x ]] blocks).
func readComponent(t *testing.T) (map[string]componentInput, string) {
	t.Helper()
	data, err := os.ReadFile(componentPath)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var spec struct {
		Spec struct {
			Description string
			Inputs      map[string]componentInput
		}
	}
	if err := dec.Decode(&spec); err != nil {
		t.Fatalf("the spec document: %v", err)
	}
	var job yaml.Node
	if err := dec.Decode(&job); err != nil {
		t.Fatalf("the job document: %v", err)
	}
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		t.Fatalf("more than two documents in %s (%v)", componentPath, err)
	}
	_, body, ok := bytes.Cut(data, []byte("\n---\n"))
	if !ok || spec.Spec.Description == "" || len(spec.Spec.Inputs) == 0 {
		t.Fatalf("%s is not a component: spec with a description and inputs, ---, the job", componentPath)
	}
	return spec.Spec.Inputs, string(body)
}

var inputRef = regexp.MustCompile(`\$\[\[\s*inputs\.([a-z0-9-]+)\s*\]\]`)

// render interpolates the inputs: given values, else the defaults.
func render(t *testing.T, inputs map[string]componentInput, body string, values map[string]string) map[string]any {
	t.Helper()
	text := inputRef.ReplaceAllStringFunc(body, func(ref string) string {
		name := inputRef.FindStringSubmatch(ref)[1]
		if v, ok := values[name]; ok {
			return v
		}
		in := inputs[name]
		if in.Default == nil {
			t.Fatalf("input %s has no default and the test gives no value", name)
		}
		return fmt.Sprint(in.Default)
	})
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("the rendered job is not YAML: %v\n%s", err, text)
	}
	if len(doc) != 1 {
		t.Fatalf("the component defines %d top-level keys, want one job (no global keywords)", len(doc))
	}
	return doc
}

// runScript runs the job's script with sh, the job's variables in the
// environment, and a ccu-purge that prints its arguments; it returns them
// and the AKAMAI_DEBUG_KEY ccu-purge saw.
func runScript(t *testing.T, job map[string]any) ([]string, string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the job's script is POSIX sh, run by the image's /bin/sh")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to run the job's script")
	}
	bin := t.TempDir()
	fake := "#!" + sh + "\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$ARGS_OUT\"\nprintf '%s' \"${AKAMAI_DEBUG_KEY-}\" > \"$ARGS_OUT.key\"\n"
	if err := os.WriteFile(filepath.Join(bin, "ccu-purge"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "args")
	cmd := exec.Command(sh, "-e", "-c", strings.Join(scriptLines(t, job), "\n"))
	cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "ARGS_OUT=" + out}
	vars, _ := job["variables"].(map[string]any)
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+fmt.Sprint(v))
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the job's script: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the script never ran ccu-purge: %v", err)
	}
	key, _ := os.ReadFile(out + ".key")
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"), string(key)
}

func scriptLines(t *testing.T, job map[string]any) []string {
	t.Helper()
	var lines []string
	script, _ := job["script"].([]any)
	for _, l := range script {
		lines = append(lines, fmt.Sprint(l))
	}
	if len(lines) == 0 {
		t.Fatal("the job has no script")
	}
	return lines
}

// parseArgs checks args against purge's flag set: the command first, then
// only flags purge defines, a value after each non-boolean one and none
// after a boolean. It returns flag → values.
func parseArgs(t *testing.T, args []string) map[string][]string {
	t.Helper()
	fs := options.Purge(func(string) string { return "" }, &options.Options{})
	if len(args) == 0 || args[0] != "purge" {
		t.Fatalf("the script runs ccu-purge %q, want the purge command first", args)
	}
	got := map[string][]string{}
	for i := 1; i < len(args); i++ {
		name, ok := strings.CutPrefix(args[i], "--")
		if !ok {
			t.Fatalf("argument %q is not a flag (after %q)", args[i], args[:i])
		}
		f := fs.Lookup(name)
		if f == nil {
			t.Errorf("the component passes --%s, which purge does not define", name)
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			got[name] = append(got[name], "")
			continue
		}
		if i+1 >= len(args) {
			t.Fatalf("--%s has no value", name)
		}
		i++
		got[name] = append(got[name], args[i])
	}
	return got
}

// TestComponentInputs: the spec's inputs are typed and described, and each
// is used by the job.
func TestComponentInputs(t *testing.T) {
	inputs, body := readComponent(t)
	used := map[string]bool{}
	for _, m := range inputRef.FindAllStringSubmatch(body, -1) {
		used[m[1]] = true
		if _, ok := inputs[m[1]]; !ok {
			t.Errorf("the job uses $[[ inputs.%s ]], which the spec does not declare", m[1])
		}
	}
	for name, in := range inputs {
		if !slices.Contains([]string{"string", "boolean", "number", "array"}, in.Type) {
			t.Errorf("input %s: type %q, want string, boolean, number or array", name, in.Type)
		}
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
		if !used[name] {
			t.Errorf("input %s is declared but the job never uses it", name)
		}
		if in.Type == "boolean" {
			if _, ok := in.Default.(bool); !ok {
				t.Errorf("boolean input %s: default %v is not true or false", name, in.Default)
			}
		}
		if s, ok := in.Default.(string); ok && in.Regex != "" && !regexp.MustCompile(in.Regex).MatchString(s) {
			t.Errorf("input %s: default %q does not match its regex %s", name, s, in.Regex)
		}
	}
}

// TestComponentFlags renders the component twice, every input set and
// every input at its default, and checks the command line each gives.
func TestComponentFlags(t *testing.T) {
	inputs, body := readComponent(t)
	dir, _ := site(t, siteConfig+"cpcodes: [777]\n", nil) // the threshold input needs what to purge instead
	tmp := t.TempDir()
	// A value per input that the CLI accepts on the site repository.
	set := map[string]string{
		"stage": "purge-stage", "job-name": "purge-job", "image-version": "1.2.3", "allow-failure": "true", "resource-group": "site-a",
		"config": filepath.Join(dir, ".ccu-purge.yml"), "state": filepath.Join(tmp, "state dir", "s.json"), "from": "v1", "to": "HEAD",
		"api": "fast-purge", "network": "staging", "action": "invalidate", "wait": "true", "dry-run": "true",
		"delay": "1ms", "timeout": "2m", "report": filepath.Join(tmp, "report.json"), "dotenv": filepath.Join(tmp, "purge.env"),
		"junit": filepath.Join(tmp, "junit 'x'.xml"), "edgerc": filepath.Join(tmp, "edgerc"), "section": "ccu",
		"queue": "default", "threshold": "100", "unmatched": "warn", "on-unknown-base": "fail", "fetch": "auto",
		"batch-size": "50", "concurrency": "2", "verbose": "true", "quiet": "true",
		"verify": "true", "verify-sample": "10%", "site-dir": filepath.Join(tmp, "site dir"), "origin": "https://origin.example.com",
		"connect-to": "www.example.com:127.0.0.1\n  static.example.com:[::1]:8443", "on-stale": "warn", "verify-timeout": "30s",
		"debug-key": "00ff00ff",
	}
	// Beyond one value per flag: connect-to holds a rule a word.
	multi := map[string][]string{"connect-to": {"www.example.com:127.0.0.1", "static.example.com:[::1]:8443"}}
	var names []string
	for name := range inputs {
		names = append(names, name)
		if _, ok := set[name]; !ok {
			t.Fatalf("input %s is new: give it a value in this test, and a flag in the component", name)
		}
	}
	sort.Strings(names)
	os.MkdirAll(filepath.Join(tmp, "state dir"), 0o755)

	t.Run("every input set", func(t *testing.T) {
		job := jobOf(t, render(t, inputs, body, set), set["job-name"])
		checkJobKeys(t, job, set)
		args, key := runScript(t, job)
		got := parseArgs(t, args)
		want := map[string][]string{}
		for _, name := range names {
			_, isJob := jobInputs[name]
			_, isEnv := envInputs[name]
			flag := name
			if f, ok := flagOf[name]; ok {
				flag = f
			}
			switch {
			case isJob || isEnv:
			case multi[name] != nil:
				want[flag] = multi[name]
			case inputs[name].Type == "boolean":
				want[flag] = []string{""}
			default:
				want[flag] = []string{set[name]}
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("flags (-one per input +the command line):\n%s", d)
		}
		if key != set["debug-key"] {
			t.Errorf("ccu-purge saw AKAMAI_DEBUG_KEY %q, want the debug-key input %q", key, set["debug-key"])
		}
		// The real CLI takes the command line (a dry run: nothing is sent),
		// but for --verify, which a dry run refuses: nothing was purged.
		if r := run(t, append(args, "--repo", dir)...); r.code != ExitUsage || !strings.Contains(r.stderr, "--verify and --dry-run") {
			t.Errorf("ccu-purge %q: exit %d, want %d refusing --verify with --dry-run\n%s", args, r.code, ExitUsage, r.stderr)
		}
		args = slices.DeleteFunc(args, func(a string) bool { return a == "--verify" })
		r := run(t, append(args, "--repo", dir)...)
		if r.code != 0 {
			t.Fatalf("ccu-purge %q: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		for _, f := range []string{"report", "dotenv", "junit"} {
			if _, err := os.Stat(set[f]); err != nil {
				t.Errorf("the %s input's file was not written: %v", f, err)
			}
		}
	})

	t.Run("defaults", func(t *testing.T) {
		only := map[string]string{"image-version": "1"} // the one required input
		job := jobOf(t, render(t, inputs, body, only), fmt.Sprint(inputs["job-name"].Default))
		args, key := runScript(t, job)
		got := parseArgs(t, args)
		if key != "" {
			t.Errorf("without the debug-key input ccu-purge saw AKAMAI_DEBUG_KEY %q, want none", key)
		}
		want := map[string][]string{}
		for _, name := range names {
			in := inputs[name]
			_, isJob := jobInputs[name]
			switch {
			case isJob || in.Default == false || in.Default == "":
				continue // false booleans and empty strings pass no flag
			case in.Default == nil:
				t.Errorf("input %s has no default although it is not image-version", name)
			default:
				want[name] = []string{fmt.Sprint(in.Default)}
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("flags at the defaults (-the non-empty defaults +the command line):\n%s", d)
		}
	})
}

func jobOf(t *testing.T, doc map[string]any, name string) map[string]any {
	t.Helper()
	job, ok := doc[name].(map[string]any)
	if !ok {
		t.Fatalf("no job named %q (the job-name input) in %v", name, doc)
	}
	return job
}

// checkJobKeys checks the job's own keywords against the inputs: the
// image with an empty entrypoint, the stage, resource group and failure
// policy, the state in the cache, the report, dotenv and JUnit artifacts.
func checkJobKeys(t *testing.T, job map[string]any, set map[string]string) {
	t.Helper()
	get := func(path ...string) any {
		var v any = job
		for _, p := range path {
			m, _ := v.(map[string]any)
			v = m[p]
		}
		return v
	}
	for _, c := range []struct {
		path []string
		want any
	}{
		{[]string{"stage"}, set["stage"]},
		{[]string{"image", "name"}, "ghcr.io/ccu-purge/ccu-purge:" + set["image-version"]},
		{[]string{"image", "entrypoint"}, []any{""}},
		{[]string{"resource_group"}, set["resource-group"]},
		{[]string{"allow_failure"}, true},
		{[]string{"cache", "paths"}, []any{set["state"] + "*"}},
		{[]string{"cache", "when"}, "always"},
		{[]string{"artifacts", "when"}, "always"},
		{[]string{"artifacts", "paths"}, []any{set["report"], set["junit"]}},
		{[]string{"artifacts", "reports", "dotenv"}, set["dotenv"]},
		{[]string{"artifacts", "reports", "junit"}, set["junit"]},
	} {
		if d := cmp.Diff(c.want, get(c.path...)); d != "" {
			t.Errorf("job %s (-want +got):\n%s", strings.Join(c.path, "."), d)
		}
	}
}
