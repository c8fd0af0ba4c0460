// Command mkrepo writes the demo site's repository (bare, deterministic
// SHAs) to the folder given as its argument; `make demo` runs it to make
// testdata/repos/demo-site.git.
package main

import (
	"fmt"
	"os"

	"github.com/ccu-purge/ccu-purge/internal/demo"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkrepo DIR")
		os.Exit(2)
	}
	if _, err := os.Stat(os.Args[1]); err == nil {
		fmt.Fprintf(os.Stderr, "mkrepo: %s exists; remove it first\n", os.Args[1])
		os.Exit(2)
	}
	shas, err := demo.Build(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkrepo:", err)
		os.Exit(1)
	}
	fmt.Printf("built %s: v1 %s, v2 %s\n", os.Args[1], shas[0], shas[len(shas)-1])
}
