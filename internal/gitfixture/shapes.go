package gitfixture

import "github.com/go-git/go-git/v5/plumbing/filemode"

// Gitlink SHAs recorded by Shapes: commits of an imaginary submodule.
const (
	themeV1 = "1111111111111111111111111111111111111111"
	themeV2 = "2222222222222222222222222222222222222222"
)

// lfsPointer is a Git LFS pointer file: the repository stores these few
// lines, not the large file, and the diff must treat it as any text file.
func lfsPointer(oid string) string {
	return "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize 1048576\n"
}

// OddNames are paths that break tools which split on spaces or newlines,
// quote or normalise paths, or take a leading "-" for an option. NFD and
// NFC "é" are different byte strings and must stay so.
var OddNames = []string{
	"public/a b/é#1.html", "public/100%.html", "public/q?x.html", "public/-lead.html",
	"public/nfd/e\u0301.html", "public/nfc/\u00e9.html", "public/\"quoted\".html",
	"public/it's.html", "public/new\nline.html", "public/tab\there.html", "public/back\\slash.html",
}

// Shapes is a history with every kind of change a diff must report:
// commit 1 (index 1) changes every shape against commit 0, commits 2 and 3
// branch from 1 and merge as 4, and commit 5 reverses the kind changes.
// Tags c0…c5 name them.
func Shapes() []Commit {
	base := Commit{Message: "base", Tag: "c0", Write: map[string]string{
		"public/index.html": "v1", "public/style.css": "css", "public/gone.js": "js",
		"public/old.css": "old", "public/copy-src.html": "copy me", "public/link": "index.html",
		"public/tolink.html": "becomes a link", "public/tosub": "becomes a submodule",
		"vendor/theme": themeV1, "public/run.sh": "#!/bin/sh\necho hi\n",
		"public/dir-or-file": "becomes a folder", "public/folder/a.html": "a", "public/folder/b.html": "b",
		"public/empty.txt": "", "public/bin.png": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff",
		"public/lfs.bin": lfsPointer("aa11"), "public/README.md": "readme",
		".gitattributes": "*.bin filter=lfs diff=lfs merge=lfs -text\n",
	}, Mode: map[string]filemode.FileMode{"public/link": filemode.Symlink, "vendor/theme": filemode.Submodule}}
	every := Commit{Message: "every change", Tag: "c1",
		Write: map[string]string{
			"public/index.html": "v2", "public/copy-dst.html": "copy me", "public/tolink.html": "index.html",
			"public/link": "was a link", "public/tosub": themeV1, "vendor/theme": themeV2,
			"public/dir-or-file/index.html": "now a folder", "public/folder": "now a file",
			"public/empty.txt": "not empty", "public/new-empty.txt": "",
			"public/bin.png": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xfe", "public/lfs.bin": lfsPointer("bb22"),
		},
		Delete: []string{"public/gone.js", "public/dir-or-file", "public/folder/a.html", "public/folder/b.html"},
		Rename: map[string]string{"public/old.css": "public/css/site.css", "public/README.md": "public/readme.md"},
		Mode: map[string]filemode.FileMode{"public/tolink.html": filemode.Symlink, "public/tosub": filemode.Submodule,
			"vendor/theme": filemode.Submodule, "public/run.sh": filemode.Executable},
	}
	for _, p := range OddNames {
		every.Write[p] = "odd " + p
	}
	return []Commit{base, every,
		{Message: "side", Tag: "c2", Write: map[string]string{"public/style.css": "side css", "public/side.html": "side"}},
		{Message: "main", Tag: "c3", Parents: []int{1}, Write: map[string]string{"public/index.html": "v3"}, Delete: []string{"public/new-empty.txt"}},
		{Message: "merge side", Tag: "c4", Parents: []int{3, 2},
			Write: map[string]string{"public/style.css": "side css", "public/side.html": "side", "public/index.html": "merged"}},
		{Message: "undo kinds", Tag: "c5",
			Write: map[string]string{"public/tosub": "a file again", "public/run.sh": "#!/bin/sh\necho bye\n",
				"public/tolink.html": "style.css", "public/empty-a.txt": "", "public/moved/new-empty-b.txt": ""},
			Delete: []string{"vendor/theme"},
			Mode:   map[string]filemode.FileMode{"public/tolink.html": filemode.Symlink}},
	}
}
