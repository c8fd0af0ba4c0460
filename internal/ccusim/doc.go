// Package ccusim is a local simulator of Akamai's purge APIs: Fast Purge (CCU v3) and the legacy
// queue-based CCU REST API v2.
//
// It exists so the purge client, its tests and `make demo` can run end to end without an Akamai
// account. It is deliberately written as the independent other side of the protocol: it verifies
// EdgeGrid (EG1-HMAC-SHA256) signatures with its own implementation and imports nothing from the
// project's client package, so a bug shared by both sides cannot hide itself.
//
// The wire behaviour (bodies, status codes, error forms) follows Akamai's Fast Purge and CCU v2
// API documentation; where Akamai's behaviour is unknown the simulator is strict, because a
// lenient simulator would let client bugs through that the real API rejects.
//
// To test a client that must survive the real service, the simulator enforces Fast Purge's
// per-account token buckets (429 with Akamai's bodies and X-Ratelimit-* headers; see Buckets) and
// injects faults on demand: scripted statuses, garbled bodies, delays, hangs and dropped
// connections before or after the purge was processed (see Step, Script, Fail, Refuse), while
// Served records what each purge POST actually got.
//
// Server.StartEdge adds the other half a purge is for: an HTTPS edge that caches a site from an
// origin and honours the purges the simulator accepted once their estimatedSeconds have passed,
// with delete and invalidate (conditional revalidation) semantics, Akamai's Pragma and Enhanced
// Debug headers, and scripted faults (EdgeFault: a lost purge, slow propagation, a lagging
// origin), so a verifier can be tested against what it must catch on the real network.
package ccusim
