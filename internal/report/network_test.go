package report

import (
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// Network is the network the report's accepted requests purged, so that
// verify --report checks the edges that were purged; none when no
// request was accepted or they purged both networks.
func TestReportNetwork(t *testing.T) {
	t.Parallel()
	req := func(i int, n purge.Network, status int) Request {
		r := Request{Index: i, Batch: purge.Batch{Network: n, Type: purge.URL, Objects: []string{"https://www.example.com/"}}, HTTPStatus: status}
		if status == 201 {
			r.PurgeID = "p"
		} else {
			r.Error = "refused"
		}
		return r
	}
	for _, tc := range []struct {
		name string
		reqs []Request
		want purge.Network
		ok   bool
	}{
		{"staging", []Request{req(1, purge.Staging, 201), req(2, purge.Staging, 201)}, purge.Staging, true},
		{"production", []Request{req(1, purge.Production, 201)}, purge.Production, true},
		{"a refused request purged nothing", []Request{req(1, purge.Staging, 201), req(2, purge.Production, 403)}, purge.Staging, true},
		{"both networks", []Request{req(1, purge.Staging, 201), req(2, purge.Production, 201)}, "", false},
		{"nothing accepted", []Request{req(1, purge.Staging, 500)}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &Report{Batches: tc.reqs}
			got, ok := r.Network()
			if got != tc.want || ok != tc.ok {
				t.Errorf("Network() = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
