//go:build race

package messaging

// raceEnabled reports whether this test binary has the race detector.
const raceEnabled = true
