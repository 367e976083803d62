package kit

import (
	"os"
	"regexp"
)

// placeholder matches ${NAME} and ${NAME:default}.
var placeholder = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}`)

// envResolver returns a kratos config resolver that replaces placeholders
// in string values with the environment variable NAME when useEnv is set
// and the variable exists, else with default (or ""). Unlike kratos'
// default resolver with an env source, it neither loads nor logs the whole
// environment.
func envResolver(useEnv bool) func(map[string]any) error {
	expand := func(s string) string {
		return placeholder.ReplaceAllStringFunc(s, func(m string) string {
			sub := placeholder.FindStringSubmatch(m)
			if useEnv {
				if v, ok := os.LookupEnv(sub[1]); ok {
					return v
				}
			}
			return sub[2]
		})
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case string:
			return expand(t)
		case map[string]any:
			for k, e := range t {
				t[k] = walk(e)
			}
		case []any:
			for i, e := range t {
				t[i] = walk(e)
			}
		}
		return v
	}
	return func(m map[string]any) error {
		walk(m)
		return nil
	}
}
