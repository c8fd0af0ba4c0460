package mapper

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// maxObjectLine bounds one line of an objects list: past any object a
// request can carry (purge.MaxBodyBytes), so a binary file fails on its
// line instead of filling memory.
const maxObjectLine = 1 << 20

// ObjectOf checks one object named on the command line or in an objects
// list, with the checks a rule's expansion gets: kind is "url" (a URL or
// an ARL, told apart by IsARL), "cpcode" or "tag".
func ObjectOf(kind purge.Kind, value string) (Object, error) {
	switch kind {
	case purge.CPCode:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n <= 0 || value[0] == '+' {
			return Object{}, fmt.Errorf("%q is not a CP code: give its number, such as 123456", value)
		}
		return Object{Kind: purge.CPCode, Value: value}, nil
	case purge.Tag:
		if err := checkTag(value); err != nil {
			return Object{}, fmt.Errorf("%q is not a cache tag: %v", value, err)
		}
		return Object{Kind: purge.Tag, Value: value}, nil
	}
	if err := checkObject(value); err != nil {
		return Object{}, fmt.Errorf("%q is not a URL: it %v", value, err)
	}
	if IsARL(value) {
		return Object{Kind: purge.ARL, Value: value}, nil
	}
	// The check a rule's expansion gets last (finish): a dot segment names
	// another file than the one the cache keys.
	if _, err := finish(value); err != nil {
		return Object{}, fmt.Errorf("%q is not a URL: %v: write the path the site serves", value, err)
	}
	return Object{Kind: purge.URL, Value: value}, nil
}

// FlagObjects checks the objects of --url, --cpcode and --tag, in that
// order, and returns every problem, each named by its flag.
func FlagObjects(urls, cpcodes, tags []string) ([]Object, error) {
	var objs []Object
	var errs Errors
	for _, f := range []struct {
		kind   purge.Kind
		values []string
	}{{purge.URL, urls}, {purge.CPCode, cpcodes}, {purge.Tag, tags}} {
		for _, v := range f.values {
			o, err := ObjectOf(f.kind, v)
			if err != nil {
				errs = append(errs, &Error{Source: "--" + string(f.kind), Msg: err.Error()})
				continue
			}
			objs = append(objs, o)
		}
	}
	if errs != nil {
		return nil, errs
	}
	return objs, nil
}

// ParseObjects reads an objects list (--objects-from): one object a line,
// as "url URL", "cpcode N", "tag T", or a bare URL or ARL; blank lines and
// lines starting with "#" are skipped. name is how errors name the file
// ("objects.txt:7: …"); every bad line is reported, not only the first.
func ParseObjects(name string, r io.Reader) ([]Object, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxObjectLine)
	var objs []Object
	var errs Errors
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		o, err := ObjectOf(objectLine(text))
		if err != nil {
			// Source, not File: a list's line has no column to name.
			errs = append(errs, &Error{File: name, Line: line, Source: name + ":" + strconv.Itoa(line), Msg: err.Error()})
			continue
		}
		objs = append(objs, o)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("a line is over %d bytes: give one object a line", maxObjectLine)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if errs != nil {
		return nil, errs
	}
	return objs, nil
}

// objectLine splits "KIND VALUE"; a line without a known kind word is a
// URL or an ARL, whole.
func objectLine(text string) (purge.Kind, string) {
	word, rest, ok := strings.Cut(text, " ")
	if !ok {
		word, rest, ok = strings.Cut(text, "\t")
	}
	switch k := purge.Kind(strings.ToLower(word)); {
	case ok && (k == purge.URL || k == purge.ARL):
		return purge.URL, strings.TrimSpace(rest)
	case ok && (k == purge.CPCode || k == purge.Tag):
		return k, strings.TrimSpace(rest)
	}
	return purge.URL, text
}

// Default is the config of an ad-hoc purge that finds no config file:
// every setting at its default, no rules; flags and CCU_PURGE_* variables
// still override it (Override).
func Default() *Config { return defaults("") }

// Named is what an ad-hoc purge's flags name: --url, --cpcode and --tag
// values, and From, the --objects-from list ("-" reads Stdin).
type Named struct {
	URLs, CPCodes, Tags []string
	From                string
	Stdin               io.Reader
}

// Objects checks and returns every object named, the flags' first, and
// where they came from ("--url", "objects.txt", "stdin"), for the plan.
func (n Named) Objects() (objs []Object, from []string, err error) {
	for i, vs := range [][]string{n.URLs, n.CPCodes, n.Tags} {
		if len(vs) > 0 {
			from = append(from, []string{"--url", "--cpcode", "--tag"}[i])
		}
	}
	objs, err = FlagObjects(n.URLs, n.CPCodes, n.Tags)
	if err != nil || n.From == "" {
		return objs, from, err
	}
	name, r := n.From, n.Stdin
	if name == "-" {
		name = "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, nil, fmt.Errorf("--objects-from: %w", err)
		}
		defer f.Close()
		r = f
	}
	more, err := ParseObjects(name, r)
	return append(objs, more...), append(from, name), err
}

// FindIn is an ad-hoc purge's config, which is optional: file when one
// is named, else FileName in dir when it exists, else Default.
func FindIn(file, dir string) (*Config, error) {
	if file != "" {
		return Load(file)
	}
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	return Load(path)
}
