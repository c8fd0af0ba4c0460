package report

import (
	"fmt"

	"github.com/ccu-purge/ccu-purge/internal/output"
)

// maxVolatile is how many recurring differences the volatility report
// names: the first few explain a non-reproducible build.
const maxVolatile = 5

// Volatility is the volatility report as plan warnings, one per token
// that recurs across the changed HTML pages, with the normaliser that
// would strip it: a build that stamps every page makes every page
// "change", and purging them all refetches the site for nothing.
func Volatility(changed, pages int, vols []output.Volatile) []string {
	if len(vols) == 0 {
		return []string{fmt.Sprintf("volatility: %d of %d HTML pages changed, and no token recurs across them (the manifest keeps no sample of them): if the build is not reproducible, compare one page with plan --explain-output PATH --previous-dir DIR", changed, pages)}
	}
	var out []string
	for i, v := range vols {
		if i == maxVolatile {
			out = append(out, fmt.Sprintf("volatility: … and %d more differing token(s)", len(vols)-i))
			break
		}
		line := fmt.Sprintf("volatility: %d of %d HTML pages changed; %s differs in %d of them", changed, pages, v.Token, v.Files)
		if v.Suggest != "" {
			line += fmt.Sprintf(": strip it before hashing with output.normalize: [{match: \"**/*.html\", strip: ['%s']}]", v.Suggest)
		}
		out = append(out, line+" (or set SOURCE_DATE_EPOCH so the build stamps the same time)")
	}
	return out
}
