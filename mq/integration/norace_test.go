//go:build !race

package integration

// raceEnabled reports whether this binary has the race detector.
const raceEnabled = false

// raceErrors is the number of data races reported so far.
func raceErrors() int { return 0 }
