package biz

import (
	"math"
	"slices"
	"strings"

	"github.com/sagashop/sagashop/pkg/event"
)

// MergeLines returns lines sorted by SKU with lines of the same SKU merged
// (quantities added up to math.MaxInt32, the first unit price kept), so that stock rows are
// always locked in the same order and each SKU is reserved once.
func MergeLines(lines []event.Line) []event.Line {
	out := slices.Clone(lines)
	slices.SortStableFunc(out, func(a, b event.Line) int { return strings.Compare(a.SKU, b.SKU) })
	merged := out[:0]
	for _, l := range out {
		if n := len(merged); n > 0 && merged[n-1].SKU == l.SKU {
			merged[n-1].Quantity = int32(min(int64(merged[n-1].Quantity)+int64(l.Quantity), math.MaxInt32))
			continue
		}
		merged = append(merged, l)
	}
	return merged
}

// SortLines returns a copy of lines sorted by SKU.
func SortLines(lines []ReservationLine) []ReservationLine {
	out := slices.Clone(lines)
	slices.SortFunc(out, func(a, b ReservationLine) int { return strings.Compare(a.SKU, b.SKU) })
	return out
}
