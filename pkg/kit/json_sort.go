package kit

import (
	"sort"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// sortMapKeys orders map keys: numerically for integer keys, by text
// otherwise.
func sortMapKeys(keys []protoreflect.MapKey) {
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i].Interface(), keys[j].Interface()
		switch av := a.(type) {
		case int32:
			return av < b.(int32)
		case int64:
			return av < b.(int64)
		case uint32:
			return av < b.(uint32)
		case uint64:
			return av < b.(uint64)
		case bool:
			return !av && b.(bool)
		}
		return keys[i].String() < keys[j].String()
	})
}
