package remoting

import (
	"bytes"
	"fmt"
	"maps"
)

// diffCommand describes how got differs from want, or returns "". A nil
// and an empty ExtFields or Body are equal.
func diffCommand(got, want *Command) string {
	switch {
	case got == nil || want == nil:
		if got != want {
			return fmt.Sprintf("got %v, want %v", got, want)
		}
	case got.Code != want.Code:
		return fmt.Sprintf("Code %d, want %d", got.Code, want.Code)
	case got.Language != want.Language:
		return fmt.Sprintf("Language %q, want %q", got.Language, want.Language)
	case got.Version != want.Version:
		return fmt.Sprintf("Version %d, want %d", got.Version, want.Version)
	case got.Opaque != want.Opaque:
		return fmt.Sprintf("Opaque %d, want %d", got.Opaque, want.Opaque)
	case got.Flag != want.Flag:
		return fmt.Sprintf("Flag %d, want %d", got.Flag, want.Flag)
	case got.Remark != want.Remark:
		return fmt.Sprintf("Remark %q, want %q", got.Remark, want.Remark)
	case !maps.Equal(got.ExtFields, want.ExtFields):
		return fmt.Sprintf("ExtFields %q, want %q", got.ExtFields, want.ExtFields)
	case !bytes.Equal(got.Body, want.Body):
		return fmt.Sprintf("Body %q, want %q", got.Body, want.Body)
	case got.Serialize != want.Serialize:
		return fmt.Sprintf("Serialize %d, want %d", got.Serialize, want.Serialize)
	}
	return ""
}
