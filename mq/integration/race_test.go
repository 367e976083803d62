//go:build race

package integration

import "runtime"

// raceEnabled reports whether this binary has the race detector.
const raceEnabled = true

// raceErrors is the number of data races reported so far.
func raceErrors() int { return runtime.RaceErrors() }
