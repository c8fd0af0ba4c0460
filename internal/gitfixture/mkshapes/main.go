// Command mkshapes builds gitfixture.Shapes, the history with every shape
// of change, as a bare repository (make fixtures-diff), for looking at
// with git or ccu-purge; the tests build their own copy.
package main

import (
	"fmt"
	"os"

	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkshapes DIR")
		os.Exit(2)
	}
	if _, err := gitfixture.Build(os.Args[1], true, gitfixture.Shapes()); err != nil {
		fmt.Fprintln(os.Stderr, "mkshapes:", err)
		os.Exit(1)
	}
}
