package diff

import (
	"path/filepath"
	"strings"

	formatcfg "github.com/go-git/go-git/v5/plumbing/format/config"
)

// extraHeader returns the http.<url>.extraheader (or http.extraheader)
// that applies to url in the repository config and the files it includes.
// actions/checkout stores its token there (older versions in .git/config,
// newer ones in a file pulled in by includeIf "gitdir:…"). go-git reads
// neither, so without this a shallow CI clone could not fetch its base.
func (r *Repo) extraHeader(url string) string {
	best, bestLen := "", -1
	for _, cfg := range r.configs() {
		for _, o := range cfg.Section("http").Options {
			if o.IsKey("extraheader") && bestLen < 0 {
				best, bestLen = o.Value, 0
			}
		}
		for _, sub := range cfg.Section("http").Subsections {
			v := sub.Option("extraheader")
			if v != "" && strings.HasPrefix(url, sub.Name) && len(sub.Name) > bestLen {
				best, bestLen = v, len(sub.Name)
			}
		}
	}
	return best
}

// configs returns the repository config and the files it includes
// (include.path, and includeIf "gitdir:X".path when X names this
// repository), one level deep. Unreadable files are skipped: they only
// ever add credentials.
func (r *Repo) configs() []*formatcfg.Config {
	main, err := readConfig(r.commonDir)
	if err != nil {
		return nil
	}
	out := []*formatcfg.Config{main}
	var paths []string
	paths = append(paths, main.Section("include").Options.GetAll("path")...)
	for _, sub := range main.Section("includeif").Subsections {
		if r.gitdirMatches(sub.Name) {
			paths = append(paths, sub.OptionAll("path")...)
		}
	}
	for _, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(r.commonDir, p)
		}
		if cfg, err := readConfigFile(p); err == nil && len(cfg.Sections) > 0 {
			out = append(out, cfg)
		}
	}
	return out
}

// gitdirMatches handles the plain forms of includeIf "gitdir:PATH": PATH
// naming this git folder, or a folder above it when it ends in "/".
func (r *Repo) gitdirMatches(cond string) bool {
	p, ok := strings.CutPrefix(cond, "gitdir:")
	if !ok {
		return false
	}
	for _, dir := range []string{r.gitDir, r.commonDir} {
		if strings.HasSuffix(p, "/") && strings.HasPrefix(dir+"/", p) || filepath.Clean(p) == dir {
			return true
		}
	}
	return false
}
