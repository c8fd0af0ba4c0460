package options

import (
	"flag"
	"fmt"

	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// Objects adds the flags of an ad-hoc purge, which names its objects
// instead of a range, and --limits.
func Objects(fs *flag.FlagSet, o *Options) {
	fs.Func("url", "purge this URL or ARL instead of a range (repeatable; no repository needed)", appendTo(&o.URLs))
	fs.Func("cpcode", "purge this CP code instead of a range (repeatable)", appendTo(&o.CPCodes))
	fs.Func("tag", "purge this cache tag instead of a range (repeatable; Fast Purge only)", appendTo(&o.Tags))
	fs.StringVar(&o.ObjectsFrom, "objects-from", "", `purge the objects listed in FILE ("-" for stdin), one a line: a URL or ARL, "cpcode N" or "tag T"; "#" starts a comment line`)
	fs.BoolVar(&o.Limits, "limits", false, "read the account's Fast Purge rate limits first and pace from them (done anyway past 1,000 objects of a kind)")
}

func appendTo(list *[]string) func(string) error {
	return func(v string) error {
		*list = append(*list, v)
		return nil
	}
}

// Adhoc reports whether the run names its objects (--url, --cpcode,
// --tag, --objects-from) instead of a range.
func (o *Options) Adhoc() bool {
	return len(o.URLs)+len(o.CPCodes)+len(o.Tags) > 0 || o.ObjectsFrom != ""
}

// checkAdhoc refuses a range next to named objects: which of the two to
// purge would be a guess. CCU_PURGE_STATE alone is not a flag given, and
// an ad-hoc purge ignores it (it never records a commit).
func checkAdhoc(fs *flag.FlagSet, o *Options) error {
	if fs.Lookup("objects-from") == nil || !o.Adhoc() {
		return nil
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		if err == nil && (f.Name == "from" || f.Name == "to" || f.Name == "state") {
			err = fmt.Errorf("--%s chooses a range, and --url, --cpcode, --tag or --objects-from name the objects: give one or the other", f.Name)
		}
	})
	return err
}

// LimitKinds are the purge types limits asks about: the ones named, or
// all three.
func LimitKinds(args []string) ([]purge.Kind, error) {
	if len(args) == 0 {
		return []purge.Kind{purge.URL, purge.CPCode, purge.Tag}, nil
	}
	var kinds []purge.Kind
	for _, a := range args {
		switch k := purge.Kind(a); k {
		case purge.URL, purge.CPCode, purge.Tag:
			kinds = append(kinds, k)
		default:
			return nil, fmt.Errorf("unknown purge type %q;%s valid types are url, cpcode and tag", a, suggest.Hint(a, []string{"url", "cpcode", "tag"}))
		}
	}
	return kinds, nil
}
