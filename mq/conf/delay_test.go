package conf

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseDelayLevels(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []time.Duration
	}{
		{"one", "1s", []time.Duration{time.Second}},
		{"units", "250ms 2s 3m 4h 1d", []time.Duration{250 * time.Millisecond, 2 * time.Second, 3 * time.Minute, 4 * time.Hour, 24 * time.Hour}},
		{"extra whitespace", "  1s\t 5s \n", []time.Duration{time.Second, 5 * time.Second}},
		{"more than 18", strings.Repeat("1s ", 20), slices.Repeat([]time.Duration{time.Second}, 20)},
		{"leading zeros", "010s", []time.Duration{10 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDelayLevels(tt.in)
			if err != nil {
				t.Fatalf("ParseDelayLevels(%q): %v", tt.in, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseDelayLevels(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDelayLevelsDefault(t *testing.T) {
	levels, err := Default().DelayLevels()
	if err != nil {
		t.Fatalf("DelayLevels: %v", err)
	}
	if len(levels) != 18 {
		t.Fatalf("got %d levels, want 18", len(levels))
	}
	for level, want := range map[int]time.Duration{1: time.Second, 5: time.Minute, 16: 30 * time.Minute, 18: 2 * time.Hour} {
		if got := levels[level-1]; got != want {
			t.Errorf("level %d = %v, want %v", level, got, want)
		}
	}
}

func TestParseDelayLevelsErrors(t *testing.T) {
	tests := []struct {
		name, in, part string
	}{
		{"empty", "", "no levels"},
		{"blank", " \t ", "no levels"},
		{"zero", "1s 0s", `level 2 "0s"`},
		{"negative", "-1s", "positive whole number"},
		{"no unit", "1s 10", "missing unit"},
		{"unknown unit", "1s 5x", `unknown unit "x"`},
		{"go syntax", "1m30s", "positive whole number"},
		{"fraction", "1.5s", "positive whole number"},
		{"unit only", "s", "positive whole number"},
		{"upper case unit", "1S", "unknown unit"},
		{"overflow", "9223372036854775807d", "too long"},
		{"huge number", "99999999999999999999999ms", "too long"},
		{"comma separated", "1s,5s", "positive whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDelayLevels(tt.in)
			if !errors.Is(err, ErrInvalidValue) {
				t.Fatalf("ParseDelayLevels(%q) = %v, want ErrInvalidValue", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.part) {
				t.Errorf("error %q does not contain %q", err, tt.part)
			}
		})
	}
}
