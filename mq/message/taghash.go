package message

import "unicode/utf16"

// TagsCode is the ConsumeQueue tag hash of a TAGS value: Java's
// String.hashCode over UTF-16 code units, widened to int64, and 0 for no
// tag. The broker computes both sides of a filter match with this one
// function, so Go's byte-wise client hash never matters.
func TagsCode(tags string) int64 {
	if tags == "" {
		return 0
	}
	var h int32
	ascii := true
	for i := 0; i < len(tags); i++ {
		if tags[i] >= 0x80 {
			ascii = false
			break
		}
		h = 31*h + int32(tags[i])
	}
	if ascii {
		return int64(h)
	}
	h = 0
	for _, u := range utf16.Encode([]rune(tags)) {
		h = 31*h + int32(u)
	}
	return int64(h)
}
