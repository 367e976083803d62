package shopapi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The services encode JSON with protojson settings that emit 64-bit integers
// as numbers, but protojson's default is a decimal string; the flex types
// accept both (and null) so that a service with the default still decodes.

// flexInt decodes a JSON number, a decimal string or null.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("shopapi: integer %s: %w", b, err)
		}
		if s == "" {
			*f = 0
			return nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("shopapi: integer %s: %w", b, err)
	}
	*f = flexInt(n)
	return nil
}

// flexTime decodes an RFC 3339 timestamp; "" and null are the zero time.
type flexTime time.Time

func (t *flexTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("shopapi: timestamp %s: %w", b, err)
	}
	if s == "" {
		*t = flexTime{}
		return nil
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("shopapi: timestamp %q: %w", s, err)
	}
	*t = flexTime(v)
	return nil
}

// enumPrefixes are proto enum name prefixes stripped from decoded enum
// values, so ORDER_STATUS_PAID and PAID both decode as "PAID".
var enumPrefixes = []string{
	"ORDER_STATUS_", "CANCEL_REASON_", "RESERVATION_STATUS_", "PAYMENT_STATUS_", "STATUS_",
}

// flexEnum decodes an enum name; *_UNSPECIFIED and null decode as "".
type flexEnum string

func (e *flexEnum) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*e = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("shopapi: enum %s: %w", b, err)
	}
	*e = flexEnum(normalizeEnum(s))
	return nil
}

func normalizeEnum(s string) string {
	if strings.HasSuffix(s, "UNSPECIFIED") {
		return ""
	}
	for _, p := range enumPrefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}
