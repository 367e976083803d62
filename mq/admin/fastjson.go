package admin

// quoteIntKeys returns b with the bare integer object keys that Apache
// RocketMQ's fastjson writes for maps keyed by numbers quoted, so that
// encoding/json accepts them: a Java NameServer's cluster info and topic
// routes carry "brokerAddrs":{0:"host:port"}. b itself is returned when it
// has no such key.
func quoteIntKeys(b []byte) []byte {
	var out []byte // nil until a key needs quoting
	inStr, esc := false, false
	last := byte(0) // the last byte outside strings that is not a space
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr, last = true, c
		case (last == '{' || last == ',') && (c == '-' || '0' <= c && c <= '9'):
			j := i + 1
			for j < len(b) && '0' <= b[j] && b[j] <= '9' {
				j++
			}
			k := j
			for k < len(b) && isJSONSpace(b[k]) {
				k++
			}
			if k < len(b) && b[k] == ':' {
				if out == nil {
					out = append(make([]byte, 0, len(b)+8), b[:i]...)
				}
				out = append(append(append(out, '"'), b[i:j]...), '"')
				i, last = j-1, '"'
				continue
			}
			last = c
		case !isJSONSpace(c):
			last = c
		}
		if out != nil {
			out = append(out, c)
		}
	}
	if out == nil {
		return b
	}
	return out
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
