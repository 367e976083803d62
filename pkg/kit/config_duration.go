package kit

import (
	"fmt"
	"strconv"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
)

const durationName = "google.protobuf.Duration"

// normalizeDurations rewrites, in the decoded config tree, every string
// value of a google.protobuf.Duration field from Go's duration syntax to
// protojson's ("1800s"), following md's fields (by proto or JSON name)
// through nested messages, lists and maps.
func normalizeDurations(tree map[string]any, md protoreflect.MessageDescriptor, prefix string) error {
	for name, v := range tree {
		key := prefix + name
		fd := md.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			fd = md.Fields().ByJSONName(name)
		}
		if fd == nil || fd.Message() == nil {
			continue
		}
		conv := func(v any) (any, error) { return normalizeValue(v, fd.Message(), key) }
		if fd.IsMap() {
			fd := fd.MapValue()
			if fd.Message() == nil {
				continue
			}
			conv = func(v any) (any, error) { return normalizeValue(v, fd.Message(), key) }
		}
		var err error
		switch {
		case fd.IsList() || fd.IsMap():
			err = eachChild(v, conv)
		default:
			tree[name], err = conv(v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// eachChild applies conv to the elements of a list or the values of a map.
func eachChild(v any, conv func(any) (any, error)) error {
	var err error
	switch c := v.(type) {
	case []any:
		for i := range c {
			if c[i], err = conv(c[i]); err != nil {
				return err
			}
		}
	case map[string]any:
		for k := range c {
			if c[k], err = conv(c[k]); err != nil {
				return err
			}
		}
	}
	return nil
}

func normalizeValue(v any, md protoreflect.MessageDescriptor, key string) (any, error) {
	if md.FullName() == durationName {
		s, ok := v.(string)
		if !ok {
			return v, nil
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a duration such as 1500ms, 30s or 1h: %w", key, s, err)
		}
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s", nil
	}
	if sub, ok := v.(map[string]any); ok {
		return sub, normalizeDurations(sub, md, key+".")
	}
	return v, nil
}
