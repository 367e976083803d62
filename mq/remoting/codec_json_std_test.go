package remoting

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// jsonHeader and decodeJSONHeaderStd are the encoding/json decoder that
// decodeJSONHeader replaced. They stay as the oracle it is fuzzed against.
type jsonHeader struct {
	Code      int16             `json:"code"`
	Language  json.RawMessage   `json:"language"`
	Version   int16             `json:"version"`
	Opaque    int32             `json:"opaque"`
	Flag      int32             `json:"flag"`
	Remark    *string           `json:"remark"`
	ExtFields map[string]string `json:"extFields"`
}

func decodeJSONHeaderStd(b []byte) (*Command, error) {
	var h jsonHeader
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%w: json: %w", ErrBadHeader, err)
	}
	c := &Command{Code: h.Code, Version: h.Version, Opaque: h.Opaque, Flag: h.Flag, ExtFields: h.ExtFields, Serialize: JSON}
	if h.Remark != nil {
		c.Remark = *h.Remark
	}
	if c.ExtFields == nil {
		c.ExtFields = map[string]string{}
	}
	if len(h.Language) > 0 {
		var s string
		if json.Unmarshal(h.Language, &s) == nil {
			c.Language = s
		} else if n, err := strconv.Atoi(string(h.Language)); err == nil && n >= 0 && n < 256 {
			c.Language = languageName(byte(n))
		}
	}
	return c, nil
}
