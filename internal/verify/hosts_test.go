package verify

import (
	"slices"
	"testing"
)

func TestHosts(t *testing.T) {
	targets := []Target{{URL: "https://WWW.example.com/a"}, {URL: "https://static.example.com:8443/b"}, {URL: "https://www.example.com/c"}, {URL: "/no-host"}, {URL: "%zz"}}
	if got, want := Hosts(targets), []string{"www.example.com", "static.example.com"}; !slices.Equal(got, want) {
		t.Errorf("Hosts = %q, want %q", got, want)
	}
}
