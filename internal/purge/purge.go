// Package purge is the vocabulary the other packages share: which API,
// action, network and queue a request uses, the kinds of object it names,
// one request (Batch), and the limits Akamai sets on them. It holds data
// and the rules that follow from Akamai's documentation, nothing else, so
// that the config, the planner and the API client agree on them, and the
// client needs neither the planner nor the config (it links neither
// go-git nor YAML).
package purge

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// API is the purge API a request goes to.
type API string

// The purge APIs.
const (
	FastPurge API = "fast-purge" // Fast Purge, CCU v3: the default
	CCUv2     API = "ccu-v2"     // the CCU REST API v2, with queues
)

// Action is what a purge does to the cached objects.
type Action string

// The purge actions.
const (
	// Invalidate marks objects stale: the edge revalidates them with the
	// origin (If-Modified-Since) before serving them again.
	Invalidate Action = "invalidate"
	// Delete removes objects: the edge fetches them afresh.
	Delete Action = "delete"
)

// Network is the Akamai network a purge applies to.
type Network string

// The networks.
const (
	Production Network = "production"
	Staging    Network = "staging"
)

// Queue is a CCU v2 purge queue; Fast Purge has none.
type Queue string

// The CCU v2 queues.
const (
	DefaultQueue   Queue = "default"
	EmergencyQueue Queue = "emergency"
)

// Capacities of the CCU v2 queues, in objects.
const (
	DefaultQueueCapacity   = 10000
	EmergencyQueueCapacity = 10
)

// Capacity is the most objects q holds at once; 0 for an unknown queue.
func (q Queue) Capacity() int {
	switch q {
	case DefaultQueue:
		return DefaultQueueCapacity
	case EmergencyQueue:
		return EmergencyQueueCapacity
	}
	return 0
}

// ParseQueue reads a queue named on the command line: none is the
// default queue.
func ParseQueue(args []string) (Queue, error) {
	switch {
	case len(args) > 1:
		return "", errors.New("queue takes at most one queue name: default or emergency")
	case len(args) == 0:
		return DefaultQueue, nil
	}
	if q := Queue(args[0]); q.Capacity() > 0 {
		return q, nil
	}
	return "", fmt.Errorf("unknown queue %q;%s valid queues are \"default\" and \"emergency\"", args[0], suggest.Hint(args[0], Queues))
}

// Kind is the type of object a request names, as the plan's batches and
// the report spell it.
type Kind string

// The object kinds.
const (
	URL    Kind = "url"
	ARL    Kind = "arl"
	CPCode Kind = "cpcode"
	Tag    Kind = "tag" // a Fast Purge cache tag
)

// Kinds are every kind, in the order a plan sends them.
var Kinds = []Kind{URL, ARL, CPCode, Tag}

// IsURL reports whether k names one object by its address: an ARL counts
// as a URL for thresholds and for the rate buckets.
func (k Kind) IsURL() bool { return k == URL || k == ARL }

// Valid values of each setting, in the order error messages list them.
var (
	APIs     = []API{FastPurge, CCUv2}
	Actions  = []Action{Invalidate, Delete}
	Networks = []Network{Production, Staging}
	Queues   = []Queue{DefaultQueue, EmergencyQueue}
)

// Valid reports whether v is one of valid.
func Valid[T ~string](valid []T, v string) bool {
	return slices.Contains(valid, T(v))
}

// Limits of one purge request, from Akamai's documentation.
const (
	MaxObjects   = 500
	MaxBodyBytes = 50000
	// MaxFastPurgeCPCodes caps a Fast Purge request of CP codes: the
	// account's CP-code bucket holds 300, so a larger request could never
	// be accepted, however long the client waited.
	MaxFastPurgeCPCodes = 300
)

// Batch is one purge request: objects of one kind, with the settings
// they are purged with.
type Batch struct {
	API     API      `json:"api"`
	Action  Action   `json:"action"`
	Network Network  `json:"network"`
	Queue   Queue    `json:"queue,omitempty"` // CCU v2 only
	Type    Kind     `json:"type"`
	Objects []string `json:"objects"`
}
