//go:build !race

package mapper

// raceSlowdown stretches time limits under the race detector.
const raceSlowdown = 1
